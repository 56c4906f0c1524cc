"""Reference-indicator files: the shipped one, and bad files refused row by row."""

import pytest

from openctpat.risk import reference
from openctpat.risk.services import PACKAGED_FILE

HEADER = "country,category,rating,indicator,source,source_url,source_date\n"
GOOD = "IR,terrorism,High,State Sponsor of Terrorism,State Dept,https://state.gov/x,2026-02\n"


def test_the_shipped_file_parses_and_cites_a_source_for_every_row():
    rows = reference.parse(PACKAGED_FILE.read_bytes())
    assert len(rows) > 40
    assert all(r.source and r.source_url.startswith("http") and r.source_date for r in rows)
    categories = {r.category for r in rows}
    assert {"terrorism", "human_smuggling", "contraband_smuggling", "organised_crime"} <= categories


def test_a_good_file():
    (row,) = reference.parse((HEADER + GOOD).encode())
    assert (row.country, row.category, row.rating) == ("IR", "terrorism", "High")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ZZ,terrorism,High,x,s,https://a.test,2026-01\n", "not an ISO 3166"),
        ("IR,piracy,High,x,s,https://a.test,2026-01\n", "category 'piracy'"),
        ("IR,terrorism,Severe,x,s,https://a.test,2026-01\n", "rating 'Severe'"),
        ("IR,terrorism,High,x,s,ftp://a.test,2026-01\n", "source_url"),
        ("IR,terrorism,High,x,s,https://a.test,last year\n", "source_date"),
        ("IR,terrorism,High\n", "3 columns instead of 7"),
        (GOOD, "duplicate"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_returned(body, expected):
    with pytest.raises(reference.ReferenceFileError) as refused:
        reference.parse((HEADER + GOOD + body).encode())
    assert refused.value.message.startswith("Nothing was imported")
    assert len(refused.value.rows) == 1
    assert refused.value.rows[0].startswith("Row 3:") and expected in refused.value.rows[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"country,rating\nIR,High\n", "header must be exactly"),
        (HEADER.encode(), "no indicator rows"),
    ],
)
def test_bad_files(data, expected):
    with pytest.raises(reference.ReferenceFileError, match=expected):
        reference.parse(data)

"""The list loaders on the real list files (tests/data, see its README) and on broken ones.

The expected counts are what the files hold, counted independently of the loader (see
../shared/data/README.md): the loader must neither lose nor invent records.
"""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from openctpat.screening import lists
from openctpat.screening.entries import ListFileError, ListName

# Real list files for the tests (kept out of the package; see tests/data/lists/README.md).
DATA = Path(__file__).resolve().parents[4] / "tests" / "data" / "lists"
SDN_SET = [DATA / "ofac" / n for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]
CONS_SET = [
    DATA / "ofac-cons" / n
    for n in ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")
]


@pytest.fixture(scope="module")
def sdn():
    shuffled = SDN_SET[:]
    random.Random(7).shuffle(shuffled)  # companions are recognised in any order
    return lists.load(shuffled)


@pytest.fixture(scope="module")
def sdn_by_id(sdn):
    return {e.entry_id: e for e in sdn.entries}


@pytest.fixture(scope="module")
def cons():
    return lists.load(list(reversed(CONS_SET)))


@pytest.fixture(scope="module")
def csl():
    return lists.load([DATA / "csl" / "csl.csv"])


def names(entry, *, strong=None):
    return [n.name for n in entry.names if strong is None or n.strong == strong]


def lines(path: Path, start: int = 0, stop: int | None = None) -> bytes:
    """Some records of a real file, byte for byte (OFAC records hold no line breaks)."""
    return b"".join(path.read_bytes().splitlines(keepends=True)[start:stop])


def refused(files, match=None) -> ListFileError:
    with pytest.raises(ListFileError, match=match) as caught:
        lists.load_files(files)
    return caught.value


# -- OFAC legacy CSV: the SDN set -------------------------------------------------------------


def test_sdn_set_counts_match_the_files(sdn):
    assert (sdn.source, sdn.format, sdn.publish_date) == ("sdn", "ofac-legacy-csv", None)
    c = sdn.counts
    assert c["entries"] == len(sdn.entries) == 8976
    assert (c["individual"], c["entity"], c["vessel"], c["aircraft"]) == (4620, 3673, 406, 277)
    assert (c["rows_primary"], c["rows_alt"], c["rows_add"], c["rows_comments"]) == (
        8976,
        11910,
        13837,
        5,
    )
    # alt.csv lists 3 aliases twice and 3 equal to the primary name: dropped and counted.
    assert c["aliases_strong"] == 11910 - 6 and c["duplicate_names_dropped"] == 6
    # 2441 "a.k.a./f.k.a. '...'" segments in the remarks (with sdn_comments.csv joined).
    assert c["aliases_weak"] == 2441
    assert c["names"] == 8976 + 11904 + 2441
    # 2397 add.csv rows hold no street, city or country at all ("-0-" everywhere).
    assert c["addresses"] == 11440
    assert sdn.warnings == []
    assert len(sdn.file_sha256) == 64


def test_the_hash_covers_all_files_whatever_their_order(cons):
    assert lists.load(CONS_SET).file_sha256 == cons.file_sha256  # the fixture: reversed
    assert lists.load(CONS_SET[:3]).file_sha256 != cons.file_sha256


def test_individuals_keep_their_name_as_written(sdn_by_id):
    entry = sdn_by_id["7150"]
    assert entry.entry_type == "individual"
    assert entry.primary_name == "AL-LIBI, Abd al-Muhsin"
    assert "TANTOUSH, Ibrahim Ali Abu Bakr" in names(entry, strong=True)


def test_weak_aliases_come_from_the_remarks(sdn_by_id):
    assert sdn_by_id["306"].names == [
        ListName("BANCO NACIONAL DE CUBA"),
        ListName("NATIONAL BANK OF CUBA", "aka", True),  # alt.csv
        ListName("BNC", "aka", False),  # remarks: a.k.a. 'BNC'.
    ]
    # a.k.a. 'ABU ANAS'; a.k.a. ''ABD AL-MUHSI'; ...: the leading ayn apostrophe stays.
    assert names(sdn_by_id["7150"], strong=False) == ["ABU ANAS", "'ABD AL-MUHSI", "'ABD AL-RAHMAN"]
    # f.k.a. in the remarks is a weak former name.
    fka = [n for n in sdn_by_id["12478"].names if n.kind == "fka"]
    assert [n.name for n in fka][:2] == [
        "ANSAR INSTITUTE",
        "ANSAR AL-MOJAHEDIN NO-INTEREST LOAN INSTITUTE",
    ]
    assert not any(n.strong for n in fka)


def test_remarks_cut_off_by_ofac_are_continued_from_sdn_comments(sdn_by_id):
    # sdn.csv stops at "a.k.a. 'snowsjo", sdn_comments.csv goes on with "hn'; Linked To: ...".
    entry = sdn_by_id["28263"]
    assert names(entry, strong=False) == ["tianyinyin0404", "snowsjohn"]
    assert {"type": "Linked To", "number": "LAZARUS GROUP", "country": ""} in entry.identifiers
    # ... and continued after a trailing space: "Registration Number 1027700070518 " "(Russia)"
    assert entry.remarks.endswith("Linked To: LAZARUS GROUP.")


def test_dates_of_birth_nationality_and_passport(sdn_by_id):
    entry = sdn_by_id["6905"]  # DOB 12 Mar 1971; ...; nationality Palestinian; Passport ...
    assert entry.dates_of_birth == ["12 Mar 1971"]
    assert entry.nationalities == ["PS"]
    assert entry.countries == ["PS"]
    assert entry.identifiers == [
        {"type": "Passport", "number": "484824", "country": "EG", "issue_date": "18 Jan 1984"}
    ]
    assert names(entry, strong=False) == ["TARIQ"]
    assert sdn_by_id["7150"].dates_of_birth == ["1966", "27 Oct 1969"]
    assert sdn_by_id["7782"].dates_of_birth == ["circa 1951"]
    assert sdn_by_id["6915"].nationalities == ["EG"]  # "citizen Egypt"
    passports = sdn_by_id["6944"].identifiers
    assert passports[1] == {
        "type": "Passport",
        "number": "G 649385",
        "country": "",
        "issue_date": "08 Sep 2006",
        "expiration_date": "17 Jul 2011",
    }


def test_national_ids_and_other_identifiers(sdn_by_id):
    ids = sdn_by_id["12300"].identifiers
    assert {"type": "Cedula No.", "number": "172489729-1", "country": "EC"} in ids
    assert {"type": "C.U.R.P.", "number": "CIVJ650513HNEFLR06", "country": "MX"} in ids
    ids = sdn_by_id["28263"].identifiers
    assert {"type": "Email Address", "number": "417136259@qq.com", "country": ""} in ids
    assert {"type": "Identification Number", "number": "321284198607120616", "country": "CN"} in ids


def test_programs_are_split_and_nulls_are_empty(sdn):
    multi = [e for e in sdn.entries if len(e.programs) > 1]
    assert len(multi) == 1195  # records whose Program holds "] ["
    by_id = {e.entry_id: e for e in sdn.entries}
    assert by_id["15431"].programs == ["SDGT"]
    assert any(e.programs == ["NPWMD", "IFSR"] for e in multi)
    for entry in sdn.entries:
        texts = [*names(entry), *entry.programs, *entry.addresses, entry.remarks]
        # "-0- " is OFAC's null ("US FEIN CH-660-0-469-982-0" is a value)
        assert all(not t.startswith("-0-") and ", -0-" not in t for t in texts), entry.entry_id
        assert all(p and "[" not in p and "]" not in p for p in entry.programs)


def test_addresses_countries_vessels_and_aircraft(sdn_by_id):
    bank = sdn_by_id["306"]
    assert bank.addresses[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert bank.countries == ["CH", "ES", "JP", "PA"]
    assert sdn_by_id["36"].addresses == ["Havana, Cuba"]
    vessel = sdn_by_id["4234"]
    assert vessel.entry_type == "vessel" and vessel.countries == ["CU"]  # flag
    assert {"type": "Call Sign", "number": "CL2685", "country": ""} in vessel.identifiers
    aircraft = sdn_by_id["15431"]
    assert aircraft.entry_type == "aircraft"
    assert {"type": "Linked To", "number": "POUYA AIR", "country": ""} in aircraft.identifiers
    msn = {"type": "Aircraft Manufacturer's Serial Number (MSN)", "number": "1023409321"}
    assert {**msn, "country": ""} in aircraft.identifiers


def test_sdn_csv_alone_loads_with_a_warning():
    parsed = lists.load(DATA / "ofac" / "sdn.csv")
    assert parsed.counts["entries"] == 8976 and parsed.counts["aliases_strong"] == 0
    assert parsed.counts["aliases_weak"] > 2000  # the remarks alone still give weak aliases
    assert "without its alt, add, comments" in parsed.warnings[0]


# -- OFAC legacy CSV: the non-SDN consolidated list -------------------------------------------


def test_cons_set_counts_match_the_files(cons):
    assert (cons.source, cons.format) == ("cons", "ofac-legacy-csv")
    c = cons.counts
    assert (c["entries"], c["entity"], c["individual"]) == (442, 363, 79)
    assert (c["rows_alt"], c["rows_add"], c["rows_comments"]) == (1073, 574, 10)
    assert all(e.list == "cons" for e in cons.entries)


def test_sdn_and_cons_files_sort_themselves_out():
    mixed = [*SDN_SET, *CONS_SET]
    random.Random(3).shuffle(mixed)
    found = {p.source: p for p in lists.load_all(mixed)}
    assert found["sdn"].counts["rows_alt"] == 11910
    assert found["cons"].counts["rows_alt"] == 1073
    with pytest.raises(ListFileError, match="hold 2 lists"):
        lists.load([CONS_SET[0], DATA / "csl" / "consolidated-sample-2025.csv"])


def test_source_can_be_given_when_the_programs_do_not_tell():
    parsed = lists.load(CONS_SET[0], source="sdn")
    assert parsed.source == "sdn" and parsed.entries[0].list == "sdn"


# -- Consolidated Screening List --------------------------------------------------------------


def test_csl_csv_skips_the_cut_off_last_record_and_the_repeated_header(csl):
    assert (csl.source, csl.format) == ("csl", "csl-csv")
    # 4,227 data rows: the last one is cut off in its addresses field.
    assert csl.counts["entries"] == csl.counts["rows"] == 4226
    assert csl.counts["skipped_rows"] == 1 and csl.counts["header_rows"] == 2
    assert "line 4233: the last record is cut off ('BERMUDEZ SUAZA" in csl.warnings[0]
    assert "header row is repeated at line(s) 2" in csl.warnings[1]
    sources = [e.source for e in csl.entries]
    assert sources.count("Specially Designated Nationals (SDN) - Treasury Department") == 1737
    assert csl.counts["untyped"] == 2039  # BIS/State lists give no type: loaded as entities


def test_csl_entries(csl):
    by_id = {e.entry_id: e for e in csl.entries}
    assert len(by_id) == len(csl.entries)  # _id repeats across sub-lists: made unique
    assert {"17014:SSI", "17014:NS-MBS", "9659:PLC", "9659:SDN"} <= set(by_id)
    bank = by_id["306"]
    assert names(bank) == ["BANCO NACIONAL DE CUBA", "BNC", "NATIONAL BANK OF CUBA"]
    assert bank.countries == ["CH", "ES", "JP", "PA"]
    person = by_id["11474"]
    assert person.entry_type == "individual"
    assert person.dates_of_birth == ["1968-02-11", "1968-11-02"]
    assert person.identifiers == [{"type": "Cedula No.", "number": "42895110", "country": "CO"}]
    vtb = by_id["17013"]
    assert vtb.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert {"type": "SWIFT/BIC", "number": "VTBRRUMM", "country": ""} in vtb.identifiers


def test_csl_ids_stay_unique_even_when_a_record_is_repeated():
    sample = (DATA / "csl" / "consolidated-sample-2025.csv").read_bytes().splitlines(True)
    parsed = lists.load_bytes("csl.csv", b"".join([*sample[:3], sample[2]]))
    ids = [e.entry_id for e in parsed.entries]
    assert len(set(ids)) == 3 and ids[1].split(":")[0] == ids[2].split(":")[0]
    assert ids[2].endswith("#2")


def test_csl_sample_loads_cleanly():
    parsed = lists.load(DATA / "csl" / "consolidated-sample-2025.csv")
    assert parsed.counts["entries"] == 13 and "skipped_rows" not in parsed.counts
    assert not any("cut off" in w for w in parsed.warnings)


def test_csl_json():
    parsed = lists.load(DATA / "csl" / "csl-excerpt.json")
    assert (parsed.source, parsed.format, parsed.counts["entries"]) == ("csl", "csl-json", 4)
    by_id = {e.entry_id: e for e in parsed.entries}
    assert by_id["306"].addresses[0] == "Zweierstrasse 35, Zurich, CH-8022, CH"
    assert by_id["306"].countries == ["CH", "ES", "JP", "PA"]
    assert by_id["11474"].dates_of_birth == ["1968-02-11", "1968-11-02"]
    assert by_id["dcc742038bcb47f1bf9e805ef279484d"].entry_type == "entity"
    assert by_id["30882"].identifiers[0]["number"] == "9111000071093019X7"


def test_csl_json_that_is_one_page_of_a_search_is_refused():
    doc = json.loads((DATA / "csl" / "csl-excerpt.json").read_bytes())
    doc["total"] = 6000
    refused([("search.json", json.dumps(doc).encode())], "4 of 6000 results")


# -- flattened OFAC SDN, OFAC XML, UN ---------------------------------------------------------


def test_ofac_flat_csv_with_its_metadata():
    folder = DATA / "ofac-2026"
    parsed = lists.load([folder / "metadata.json", folder / "ofac-sdn.csv"])
    assert (parsed.source, parsed.format, parsed.publish_date) == (
        "sdn",
        "ofac-flat-csv",
        "2026-08-20",
    )
    c = parsed.counts
    assert c["entries"] == 19249
    assert (c["entity"], c["individual"], c["vessel"], c["aircraft"]) == (9871, 7502, 1534, 342)
    assert c["aliases_strong"] + c["duplicate_names_dropped"] == 20194
    by_id = {e.entry_id: e for e in parsed.entries}
    assert by_id["18282"].programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]


def test_ofac_flat_csv_cut_at_a_record_boundary_is_refused_by_its_metadata():
    folder = DATA / "ofac-2026"
    cut = lines(folder / "ofac-sdn.csv", 0, 1000)
    error = refused(
        [("ofac-sdn.csv", cut), ("metadata.json", (folder / "metadata.json").read_bytes())],
        "announces 19249 entries but ofac-sdn.csv holds 999",
    )
    assert error.path == "ofac-sdn.csv"


def test_ofac_flat_json():
    parsed = lists.load(DATA / "ofac-2026" / "ofac-sdn-excerpt.json")
    assert (parsed.format, parsed.publish_date, parsed.counts["entries"]) == (
        "ofac-flat-json",
        "2026-08-20",
        10,
    )
    doc = json.loads((DATA / "ofac-2026" / "ofac-sdn-excerpt.json").read_bytes())
    doc["entries"].pop()
    refused([("ofac-sdn.json", json.dumps(doc).encode())], "announces 10 entries")


@pytest.mark.parametrize(
    "namespace",
    [
        "http://tempuri.org/sdnList.xsd",
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
    ],
)
def test_ofac_xml(namespace):
    data = (DATA / "sdn-xml" / "SDN.XML").read_bytes()
    data = data.replace(b"http://tempuri.org/sdnList.xsd", namespace.encode())
    parsed = lists.load_bytes("SDN.XML", data)
    assert (parsed.source, parsed.format, parsed.publish_date) == ("sdn", "ofac-xml", "2021-07-06")
    c = parsed.counts
    assert (c["entries"], c["individual"], c["entity"], c["vessel"], c["aircraft"]) == (
        5,
        2,
        1,
        1,
        1,
    )
    by_id = {e.entry_id: e for e in parsed.entries}
    assert by_id["306"].names[2] == ListName("BNC", "aka", False)  # <category>weak</category>
    person = by_id["7150"]
    assert person.primary_name == "AL-LIBI, Abd al-Muhsin"  # lastName, firstName
    assert names(person, strong=True)[1] == "ABU BAKR, Ibrahim Ali Muhammad"
    assert person.dates_of_birth == ["1966", "27 Oct 1969"]
    assert person.nationalities == ["LY"]
    assert person.identifiers == [{"type": "Passport", "number": "203037", "country": "LY"}]
    assert names(by_id["6905"], strong=False) == ["TARIQ"]  # from <remarks>
    assert by_id["15431"].programs == ["SDGT", "IRGC"]
    assert lists.detect_bytes("x", data) == "ofac-xml"


def test_ofac_xml_checks_record_count_and_refuses_dtds():
    data = (DATA / "sdn-xml" / "SDN.XML").read_bytes()
    refused([("SDN.XML", data.replace(b">5</Record_Count>", b">6</Record_Count>"))], "holds 6")
    bomb = data.replace(b"<sdnList", b'<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<sdnList', 1)
    assert refused([("SDN.XML", bomb)], "DOCTYPE").line == 2
    error = refused([("SDN.XML", data[: len(data) // 2])], "broken XML")
    assert error.line and error.line > 50


def test_un_consolidated_xml():
    parsed = lists.load(DATA / "un" / "UN_consolidated-excerpt.xml")
    assert (parsed.source, parsed.format, parsed.publish_date) == ("un", "un-xml", "2026-02-27")
    assert (parsed.counts["individual"], parsed.counts["entity"]) == (3, 2)
    by_id = {e.entry_id: e for e in parsed.entries}
    leopold = by_id["CDi.014"]
    assert leopold.primary_name == "LEOPOLD MUJYAMBERE"
    assert leopold.dates_of_birth == ["1962-03-17", "circa 1966"]
    assert "Musenyeri" in names(leopold, strong=False)  # <QUALITY>Low</QUALITY>
    ahmad = by_id["CDi.040"]
    assert {"type": "Passport", "number": "AB850901", "country": "TZ"} in ahmad.identifiers
    assert names(by_id["CDe.003"])[:2] == [
        "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)",
        "GREAT LAKES BUSINESS COMPANY (GLBC)",
    ]


# -- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ofac/sdn.csv", "ofac-legacy-csv"),
        ("ofac/alt.csv", "ofac-legacy-alt"),
        ("ofac/add.csv", "ofac-legacy-add"),
        ("ofac/sdn_comments.csv", "ofac-legacy-comments"),
        ("ofac-cons/cons_prim.csv", "ofac-legacy-csv"),
        ("csl/csl.csv", "csl-csv"),
        ("csl/csl-excerpt.json", "csl-json"),
        ("ofac-2026/ofac-sdn.csv", "ofac-flat-csv"),
        ("ofac-2026/ofac-sdn-excerpt.json", "ofac-flat-json"),
        ("ofac-2026/metadata.json", "ofac-flat-metadata"),
        ("sdn-xml/SDN.XML", "ofac-xml"),
        ("un/UN_consolidated-excerpt.xml", "un-xml"),
    ],
)
def test_detect_from_content(path, expected, tmp_path):
    assert lists.detect(DATA / path) == expected
    renamed = tmp_path / "upload (3).txt"  # the name does not matter
    renamed.write_bytes((DATA / path).read_bytes())
    assert lists.detect(renamed) == expected
    assert expected in lists.FORMATS


# -- broken files -----------------------------------------------------------------------------

SDN = DATA / "ofac" / "sdn.csv"


@pytest.mark.parametrize("data", [b"", b"\x1a", b"\r\n  \r\n"])
def test_empty_files_are_refused(data):
    error = refused([("sdn.csv", data)], "empty")
    assert (error.path, error.line) == ("sdn.csv", 1)
    assert str(error).startswith("sdn.csv, line 1: ")


def test_wrong_encodings_are_refused():
    text = lines(SDN, 0, 20).decode()
    assert refused([("sdn.csv", text.encode("utf-16"))], "UTF-16").line == 1
    assert refused([("sdn.csv", text.encode("utf-16-le"))], "UTF-16").line == 1
    latin1 = lines(SDN, 0, 99) + '42,"CAFÉ RENÉ"'.encode("latin-1") + lines(SDN, 100, 120)
    error = refused([("sdn.csv", latin1)], "not UTF-8 text: byte 0xc9")
    assert error.line == 100
    assert refused([("list.zip", b"PK\x03\x04" + bytes(200))], "ZIP").line == 1
    assert refused([("x.bin", lines(SDN, 0, 5) + b"\x00\x01\x02\xff")], "binary").line == 6


def test_truncated_ofac_files_are_refused():
    three = lines(SDN, 0, 3)  # record 3 ends with "a.k.a. 'BNC'."
    # cut inside the quoted Remarks: strict CSV parsing sees the quote never closed
    error = refused([("sdn.csv", three[: three.rindex(b"BNC")])], "never closed")
    assert error.line == 3
    cut = lines(SDN, 0, 300)
    # cut between two fields of the last record
    error = refused([("sdn.csv", cut[: cut.rindex(b",-0- ,-0-")])], "columns")
    assert error.line == 300
    # cut right at the end of a field: the record is complete but has no line break
    error = refused([("sdn.csv", cut.rstrip(b"\r\n"))], "truncated")
    assert error.line == 300


def test_wrong_columns_are_refused():
    seven = b'1,"a","b","c","d","e","f"\r\n2,"a","b","c","d","e","f"\r\n'
    error = refused([("sdn.csv", seven)], "first line has 7 column")
    assert error.line == 1
    mixed = lines(SDN, 0, 49) + lines(DATA / "ofac" / "add.csv", 0, 1) + lines(SDN, 50, 60)
    error = refused([("sdn.csv", mixed)], "6 columns where this OFAC legacy CSV list file has 12")
    assert (error.path, error.line) == ("sdn.csv", 50)


def test_a_companion_file_alone_is_refused_even_under_the_primary_name():
    add = (DATA / "ofac" / "add.csv").read_bytes()
    error = refused([("sdn.csv", add)], "address file .* not a list by itself")
    assert error.path == "sdn.csv"
    refused([("alt.csv", (DATA / "ofac" / "alt.csv").read_bytes())], "alias file")


def test_companions_from_another_release_are_refused():
    primary = lines(SDN, 0, 100)
    alt = lines(DATA / "ofac" / "alt.csv", 0, 400)
    error = refused([("sdn.csv", primary), ("alt.csv", alt)], "different OFAC releases")
    assert error.path == "alt.csv" and error.line > 1


def test_duplicates_are_refused():
    primary = lines(SDN, 0, 10)
    error = refused([("sdn.csv", primary + lines(SDN, 3, 4))], "ent_num 424 appears twice")
    assert error.line == 11
    refused([("a.csv", primary), ("b.csv", primary)], "same file is given twice")
    alt = lines(DATA / "ofac" / "alt.csv", 0, 2)
    refused([("sdn.csv", primary), ("alt.csv", alt), ("alt2.csv", alt + b"")], "given twice")


def test_a_csl_record_broken_in_the_middle_is_refused():
    csl = (DATA / "csl" / "csl.csv").read_bytes().splitlines(keepends=True)
    head = b"".join(csl[:100])
    broken = head + b'"1","x","2"\n' + b"".join(csl[100:200])
    error = refused([("csl.csv", broken)], "3 columns where the header has 29")
    assert error.line == 101
    # A stray quote swallows the rest of the file: not a cut-off last record, refused.
    stray = head + b'"1","x"y,' + b"".join(csl[101:200])
    assert refused([("csl.csv", stray)], "broken CSV").line == 101
    unclosed = head + b'"1","x","no closing quote\n' + b"a line without quotes\n" * 20
    assert refused([("csl.csv", unclosed)], "never closed").line == 101
    # ... but a cut-off last record of a few lines is skipped with a warning
    parsed = lists.load_bytes("csl.csv", unclosed[: unclosed.index(b"a line")] + b"one more")
    assert parsed.counts["entries"] == 98 and "line 101: the last record is cut off" in str(
        parsed.warnings
    )


def test_broken_json_and_unknown_json_or_xml_are_refused():
    data = (DATA / "csl" / "csl-excerpt.json").read_bytes()
    error = refused([("csl.json", data[: len(data) // 2])], "broken JSON")
    assert error.line and error.line > 10
    refused([("x.json", b'{"hello": 1}')], "not a supported list")
    refused([("x.xml", b"<?xml version='1.0'?><root/>")], "root <root>")


# -- remarks and countries --------------------------------------------------------------------


def test_parse_remarks():
    found = lists.parse_remarks(
        "DOB circa 1960; alt. DOB 1960 to 1962; POB Baghdad, Iraq; nationality Korea, North; "
        "citizen Burma; Passport A10472263 (Malaysia) expires 01 Jan 2030; "
        "alt. National ID No. 660000 73767 (Belgium); Tax ID No. 7744001497 (Russia); "
        "Vessel Registration Identification IMO 9187629; "
        "a.k.a. 'ABU X'; a.k.a. ''FOOPIE''; f.k.a. 'ABU DU'A'; n.k.a. 'NEW NAME S.A.'; "
        "Linked To: RED MUNDIAL INMOBILIARIA, S.A. DE C.V.; Linked To: HIZBALLAH."
    )
    assert found.dates_of_birth == ["circa 1960", "1960 to 1962"]
    assert found.nationalities == ["Korea, North"] and found.citizenships == ["Burma"]
    assert found.aliases == [
        ("aka", "ABU X"),
        ("aka", "FOOPIE"),
        ("fka", "ABU DU'A"),
        ("nka", "NEW NAME S.A."),
    ]
    assert found.linked_to == ["RED MUNDIAL INMOBILIARIA, S.A. DE C.V.", "HIZBALLAH"]
    assert found.identifiers == [
        {
            "type": "Passport",
            "number": "A10472263",
            "country": "MY",
            "expiration_date": "01 Jan 2030",
        },
        {"type": "National ID No.", "number": "660000 73767", "country": "BE"},
        {"type": "Tax ID No.", "number": "7744001497", "country": "RU"},
        {"type": "Vessel Registration Identification", "number": "IMO 9187629", "country": ""},
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Korea, North", "KP"),
        ("Burma", "MM"),
        ("Palestinian", "PS"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Russia", "RU"),
        ("Turkey", "TR"),
        ("Iran", "IR"),
        ("United Kingdom", "GB"),
        ("CN", "CN"),
        ("Kosovo", "XK"),
        ("Switzerland", "CH"),
        ("undetermined", None),
        ("Region: Crimea", None),
        ("-0-", None),
    ],
)
def test_country_code(raw, code):
    assert lists.country_code(raw) == code


def test_unknown_countries_are_kept_as_written(sdn):
    # ("None Identified", a vessel flag, and "undetermined" are not countries: left out)
    raw = {c for e in sdn.entries for c in e.countries if len(c) != 2}
    assert raw == {
        "Region: Kafia Kingi",
        "Netherlands Antilles",
        "Region: Northern Mali",
        "Region: Crimea",
    }


# -- speed ------------------------------------------------------------------------------------


def test_the_loaders_do_not_import_django():
    code = (
        "import sys, openctpat.screening.lists; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

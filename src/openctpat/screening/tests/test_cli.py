"""``ctpat screen`` (no database) and ``ctpat lists load`` on the real list files."""

import json

import pytest

from openctpat.cli import main
from openctpat.screening.models import ListVersion

from .test_lists import DATA

SDN = [str(DATA / "ofac" / f) for f in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]
CSL = str(DATA / "csl" / "csl.csv")


def test_screen_writes_one_json_line_per_name_in_order(tmp_path, capsys):
    names = tmp_path / "names.csv"
    names.write_text(
        "name,country\nMaple Leaf Customs Brokers,CA\nBANCO NACIONAL DE CUBA,CU\nAli Hassan,\n",
        encoding="utf-8",
    )
    assert main(["screen", *[f"--list={p}" for p in [*SDN, CSL]], "--top", "3", str(names)]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["query"] for line in lines] == [
        "Maple Leaf Customs Brokers",
        "BANCO NACIONAL DE CUBA",
        "Ali Hassan",
    ]
    assert lines[0]["matches"] == []
    cuba = lines[1]["matches"][0]
    assert cuba["list"] in ("sdn", "csl") and cuba["name"].upper().startswith("BANCO NACIONAL")
    assert cuba["score"] >= 0.9 and cuba["explanation"]
    assert all(len(line["matches"]) <= 3 for line in lines)
    scores = [m["score"] for m in lines[2]["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert "indexed" in captured.err


def test_screen_reads_a_plain_name_list_and_a_threshold(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("BANCO NACIONAL DE CUBA\n\nAEROCARIBBEAN AIRLINES\n", encoding="utf-8")
    assert main(["screen", "--list", SDN[0], "--threshold", "0.99", str(names)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2 and all(m["score"] >= 0.99 for line in lines for m in line["matches"])


def test_screen_refuses_a_broken_list_with_the_line(tmp_path, capsys):
    broken = tmp_path / "sdn.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage\x00\x01")
    names = tmp_path / "names.txt"
    names.write_text("x\n")
    assert main(["screen", "--list", str(broken), str(names)]) == 2
    assert "ctpat screen:" in capsys.readouterr().err


@pytest.mark.django_db
def test_lists_load_stores_a_version(capsys):
    assert main(["lists", "load", "--no-rescreen", *SDN]) == 0
    version = ListVersion.objects.get(active=True)
    assert version.source == "sdn" and version.entry_count == 8976
    assert version.records.count() == 8976
    assert "Loaded" in capsys.readouterr().out
    assert main(["lists", "load", "--no-rescreen", *SDN]) == 1  # the same file again

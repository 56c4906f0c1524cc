"""Evidence type checks by content (no database)."""

import io

import pytest

from openctpat.profiles.filetypes import RefusedFile, sniff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def xlsx_bytes():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.7\n...", "Policy.PDF", "pdf"),
        (PNG, "seal.png", "png"),
        (JPEG, "dock photo.jpeg", "jpg"),
        (b"date,seal\n2026-01-01,A123\n", "seal-log.csv", "csv"),
        ("Procédure de sécurité\n".encode(), "notes.txt", "txt"),
        (xlsx_bytes(), "inventory.xlsx", "xlsx"),
    ],
)
def test_accepted_types(head, name, kind):
    assert sniff(head, name).kind == kind


@pytest.mark.parametrize(
    ("head", "name", "reason"),
    [
        (b"", "empty.pdf", "empty"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "tool.exe", "does not take"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "renamed.pdf", "does not take"),
        (b"\x00\x01\x02\x03binary", "data.bin", "not a recognised"),
        (PNG, "policy.pdf", "PNG image but its name has .pdf"),
        (b"%PDF-1.4", "policy", "no extension"),
        (b"just text", "script.html", "name has .html"),
        (b"PK\x03\x04" + b"\x00" * 40, "archive.zip", "does not take"),
    ],
)
def test_refused_with_a_reason(head, name, reason):
    with pytest.raises(RefusedFile, match=reason):
        sniff(head, name)

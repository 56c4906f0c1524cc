"""What every parser shares: a file read and decoded, its CSV records, XML and JSON
read safely, small value helpers, and the ParsedList each parser ends with.
"""

import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET  # safe here: _parse_xml refuses DTDs before parsing
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..entries import ENTRY_TYPES, ListEntry, ListFileError, ParsedList
from .formats import _ROLE


@dataclass
class _File:
    name: str
    data: bytes
    text: str
    format: str
    payload: object = None  # what recognising the file already parsed (JSON, XML root)
    sha256: str = ""
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # legacy CSV records


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ListFileError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc


_BINARY_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or an Excel .xlsx file): unzip it or export it as CSV"),
    (b"\x1f\x8b", "a gzip archive: decompress it first"),
    (b"%PDF", "a PDF document, not a list data file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (e.g. .xls): export it as CSV"),
)
_UTF16_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(name: str, data: bytes) -> str:
    """The file as text, or a ListFileError that says what it really is and where.

    List files are UTF-8 (OFAC's are plain ASCII). Other encodings are refused rather than
    guessed: a wrong guess silently garbles names, which is worse than a clear refusal.
    """
    if not data.strip(b" \t\r\n\x1a\x00"):
        raise ListFileError("the file is empty: no list records", path=name, line=1)
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            raise ListFileError(
                f"the file is {encoding} text; list files must be UTF-8 (or ASCII): "
                "save it again as UTF-8",
                path=name,
                line=1,
            )
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ListFileError(f"the file is {what}", path=name, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        head = data[:200]
        utf16 = head.count(b"\x00") * 3 >= len(head)  # every other byte NUL: UTF-16 text
        what = (
            "UTF-16 text without a byte-order mark; save it as UTF-8"
            if utf16
            else "binary data (a NUL byte), not a text list file"
        )
        raise ListFileError(f"the file is {what}", path=name, line=_line_at(data, nul))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ListFileError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} in column {column} cannot be "
            "decoded (list files are UTF-8 or ASCII; a Latin-1/Windows-1252 export must be "
            "converted)",
            path=name,
            line=line,
        ) from None
    # OFAC ends its files with a DOS end-of-file byte.
    return text[:-1] if text.endswith("\x1a") else text


def _line_at(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def _parse_xml(name: str, data: bytes) -> ET.Element:
    """Parse XML, refusing DTDs: list files never have one, and entity declarations are how
    XML bombs and external-entity reads work (uploads are untrusted)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        offset = max(data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY"))
        raise ListFileError(
            "XML with a DOCTYPE or entity declarations is not accepted",
            path=name,
            line=_line_at(data, offset),
        )
    try:
        return ET.fromstring(data)  # noqa: S314 (no DTD: no entity expansion, no external reads)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ListFileError(
            f"broken XML ({_xml_reason(exc)}); a truncated download looks like this",
            path=name,
            line=line,
        ) from None


def _xml_reason(exc: ET.ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(exc))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_json(name: str, text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFileError(
            f"broken JSON ({exc.msg} at column {exc.colno}); a truncated download looks like this",
            path=name,
            line=exc.lineno,
        ) from None


def _null(value: str) -> str:
    """A legacy CSV value with OFAC's null (``-0-``, usually followed by a space) as ""."""
    value = value.strip()
    return "" if value == "-0-" else value


def _csv_records(f: _File) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, fields) for every record; strict quoting.

    Strict mode turns an unclosed quote into an error instead of a silently merged record.
    """
    reader = csv.reader(io.StringIO(f.text, newline=""), strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _CsvBroken(line, str(exc)) from None
        yield line, row
        line = reader.line_num + 1


class _CsvBroken(Exception):
    """A CSV record the strict reader refuses; ``line`` is where the record starts."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason

    @property
    def at_end(self) -> bool:
        """The file ends inside a quoted value (cut off, or a quote never closed)."""
        return self.reason == "unexpected end of data"

    def explain(self) -> str:
        if self.at_end:
            return "broken CSV: a quote opened in this record is never closed (truncated file?)"
        return f"broken CSV ({self.reason}): a stray quote in this record"


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _items(element: ET.Element, list_name: str, item_name: str) -> list[ET.Element]:
    return [i for lst in _children(element, list_name) for i in _children(lst, item_name)]


def _str(value) -> str:
    return "" if value is None else str(value).strip()


def _values(value) -> list[str]:
    """A multi-valued CSL cell ("a; b") or JSON list as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for v in value if (text := _str(v))]
    return [text for v in str(value).split("; ") if (text := v.strip())]


def _iso_date(value) -> str | None:
    text = _str(value)[:10]
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None


def _result(
    source: str,
    fmt: str,
    entries: list[ListEntry],
    files: list[_File],
    publish_date: str | None,
    warnings: list[str],
    counts: Counter,
) -> ParsedList:
    """The ParsedList with its hash and counts; refuses a file that holds no entries.

    One file: the sha256 of its bytes. Several (sdn.csv with alt/add/comments): the sha256 of
    the lines "<role> <sha256 of the file>" in a fixed role order, so the same set of files
    gives the same hash whatever order they were given in.
    """
    if not entries:
        raise ListFileError("the file holds no list entries", path=files[0].name)
    if len(files) == 1:
        digest = files[0].sha256
    else:
        lines = [
            f"{_ROLE.get(x.format, 'list')} {x.sha256}\n"
            for x in sorted(files, key=lambda x: _ROLE.get(x.format, ""))
        ]
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
    counts = Counter({k: v for k, v in counts.items() if v})
    counts["entries"] = len(entries)
    for entry in entries:
        counts[entry.entry_type] += 1
        counts["names"] += len(entry.names)
        for n in entry.names[1:]:
            counts["aliases"] += 1
            counts["aliases_strong" if n.strong else "aliases_weak"] += 1
        counts["addresses"] += len(entry.addresses)
        counts["dates_of_birth"] += len(entry.dates_of_birth)
        counts["identifiers"] += len(entry.identifiers)
    for key in (*ENTRY_TYPES, "aliases", "aliases_strong", "aliases_weak", "addresses"):
        counts.setdefault(key, 0)
    return ParsedList(
        source=source,
        format=fmt,
        entries=entries,
        publish_date=publish_date,
        file_sha256=digest,
        counts=dict(counts),
        warnings=warnings,
    )

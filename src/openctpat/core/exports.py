"""What every export shares: cells a spreadsheet will not run, and the audit entry.

Text starting with ``= + - @`` (or a tab or carriage return) is a formula to Excel,
LibreOffice and Google Sheets when they open a CSV, and to openpyxl when it writes XLSX: a
partner named ``=HYPERLINK(...)`` or an answer's narrative would run on the validator's
machine (formula injection). Every CSV and XLSX writer passes its cells through here:

- CSV: such text gets a leading apostrophe, which spreadsheets show as typed;
- XLSX: such text is stored as a text cell with the quote-prefix style (what Excel does
  with a value typed after an apostrophe), so the cell shows and re-imports exactly the
  text that was entered and stays text when someone edits it. Characters XLSX cannot hold
  are dropped rather than failing the whole export.
"""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from . import audit
from .audit import Action

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_value(value):
    return "'" + value if looks_like_formula(value) else value


def csv_row(values) -> list:
    return [csv_value(v) for v in values]


def xlsx_value(sheet, value, *, bold: bool = False):
    """A value for ``sheet.append`` (write-only or not): text made safe, the rest as is."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    formula_like = looks_like_formula(value)
    if not (formula_like or bold):
        return value
    cell = WriteOnlyCell(sheet, value)
    if formula_like:
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_row(sheet, values, *, bold: bool = False) -> list:
    return [xlsx_value(sheet, v, bold=bold) for v in values]


def record_export(organisation, actor, target=None, **details) -> None:
    """The audit entry every export writes: who took which data out, in which format."""
    audit.record(
        Action.EXPORT, organisation=organisation, actor=actor, target=target, changes=details
    )

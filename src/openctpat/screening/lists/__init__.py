"""Loaders for restricted-party list files (pure Python, no Django).

Why one package without Django: the database layer (``ctpat lists load`` and the upload page),
the batch ``ctpat screen`` CLI and the benchmarks must read the lists exactly the same way,
and the CLI runs without a database.

Supported formats (:data:`FORMATS`), always recognised from the content, never from the file
name (uploads arrive as ``upload (3).csv``, OFAC itself writes ``SDN.CSV`` or ``sdn.csv``):

* ``ofac-legacy-csv``: OFAC's legacy CSV, ``sdn.csv`` (SDN) or ``cons_prim.csv`` (non-SDN
  consolidated list), with its companions ``alt.csv`` (aliases), ``add.csv`` (addresses) and
  ``sdn_comments.csv`` (the remarks OFAC cut off), given in any order and recognised by their
  columns. Weak aliases, dates of birth, nationalities and identifiers are parsed out of the
  remarks text, because the legacy CSV has no other place for them.
* ``ofac-xml``: OFAC ``SDN.XML`` / ``CONSOLIDATED.XML`` (``sdnList`` schema, old
  ``http://tempuri.org/sdnList.xsd`` namespace or the Sanctions List Service one).
* ``csl-csv`` / ``csl-json``: the trade.gov Consolidated Screening List.
* ``ofac-flat-csv`` / ``ofac-flat-json``: the flattened SDN list (``uid,name,type,programs,
  alternate_names``) with its optional ``metadata.json`` companion: names, types and programs
  only, but the newest complete SDN list we have.
* ``un-xml``: the UN Security Council consolidated list.

A file is loaded completely or not at all: anything unexpected raises
:class:`~openctpat.screening.entries.ListFileError` naming the file and the line, so the
caller keeps the previous list version active. The only exception is documented in
:func:`_parse_csl_csv` (a cut-off final CSL record is skipped with a warning).

Values are kept as written (individuals stay ``LAST, First``; the matcher handles name
order); countries are turned into ISO 3166-1 alpha-2 codes where they can be, else kept raw.
"""

from .countries import country_code
from .formats import FORMATS
from .loading import detect, detect_bytes, load, load_all, load_bytes, load_files
from .remarks import parse_remarks

__all__ = [
    "FORMATS",
    "country_code",
    "detect",
    "detect_bytes",
    "load",
    "load_all",
    "load_bytes",
    "load_files",
    "parse_remarks",
]

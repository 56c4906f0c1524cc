"""Country names and codes as the lists write them, turned into ISO 3166-1 alpha-2."""

import json
from functools import lru_cache
from pathlib import Path

import pycountry

from ..entries import ListEntry

# Names the lists use that pycountry does not know (its names are ISO's). XK (Kosovo) is the
# user-assigned code everyone, the CSL included, uses.
_COUNTRY_ALIASES = json.loads((Path(__file__).parent / "country-aliases.json").read_text())
_NOT_A_COUNTRY = {"", "-0-", "undetermined", "unknown", "none", "none identified", "stateless"}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code as the lists write it, else None.

    ``Korea, North`` -> KP, ``Burma`` -> MM, ``Palestinian`` -> PS, ``CN`` -> CN.
    """
    text = " ".join((value or "").replace("’", "'").split()).strip(" .")
    folded = text.casefold()
    if folded in _NOT_A_COUNTRY:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return found.alpha_2 if found else ("XK" if text.upper() == "XK" else None)
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def _add_country(entry: ListEntry, raw: str) -> None:
    """Add a country (as its code, or as written when unknown) to the entry's countries."""
    if raw.strip().casefold() in _NOT_A_COUNTRY:
        return
    value = country_code(raw) or raw.strip()
    if value not in entry.countries:
        entry.countries.append(value)

"""Country names and codes as the lists write them, turned into ISO 3166-1 alpha-2."""

from functools import lru_cache

import pycountry

from ..entries import ListEntry

# Names the lists use that pycountry does not know (its names are ISO's). XK (Kosovo) is the
# user-assigned code everyone, the CSL included, uses.
_COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "korea": "KR",
    "burma": "MM",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "palestinian": "PS",
    "palestinian authority": "PS",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "region: gaza": "PS",
    "region: west bank": "PS",
    "region: north gaza": "PS",
    "region: northern gaza": "PS",
    "kosovo": "XK",
    "the gambia": "GM",
    "gambia, the": "GM",
    "bahamas, the": "BS",
    "north macedonia, the republic of": "MK",
    "macedonia, the former yugoslav republic of": "MK",
    "macedonia": "MK",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "macau": "MO",
    "macao": "MO",
    "brunei": "BN",
    "man, isle of": "IM",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "taiwan": "TW",
    "cape verde": "CV",
    "swaziland": "SZ",
    "czech republic": "CZ",
    "uk": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "united states": "US",
    "holland": "NL",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "st. vincent and the grenadines": "VC",
    "st. kitts and nevis": "KN",
    "st. kitts & nevis": "KN",
    "st. lucia": "LC",
    "eritrean": "ER",
}
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

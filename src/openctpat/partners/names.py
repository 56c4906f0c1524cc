"""Folding partner names for search and duplicate detection (pure Python, no Django).

"ACME Trading Co., Ltd." and "Acme Trading Company Limited" fold to the same key, so the
registry finds a partner however its name was typed, and an import spots the duplicate.
"""

import re

from anyascii import anyascii

# Legal forms dropped from the key (after folding to ASCII, lower case, no punctuation).
LEGAL_FORMS = frozenset(
    [
        "ab",
        "ag",
        "as",
        "asa",
        "bv",
        "bhd",
        "co",
        "company",
        "corp",
        "corporation",
        "cv",
        "de",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kk",
        "lda",
        "llc",
        "llp",
        "lp",
        "ltd",
        "ltda",
        "limited",
        "nv",
        "oao",
        "ooo",
        "oy",
        "pao",
        "plc",
        "pt",
        "pte",
        "pty",
        "sa",
        "sac",
        "sas",
        "sarl",
        "sl",
        "spa",
        "srl",
        "zao",
        "the",
    ]
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def tokens(name: str) -> list[str]:
    return [t for t in _NON_WORD.split(anyascii(name or "").lower()) if t]


def name_key(name: str) -> str:
    """The folded name: ASCII words without legal forms, in order, space-separated."""
    words = tokens(name)
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)[:200]

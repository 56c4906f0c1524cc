"""Restricted-party name matching: an index over list entries, screened by name.

Pure Python (no Django). Build an :class:`Index` once from the entries a loader produced,
then screen names against it::

    index = Index(entries)                       # SDN + CSL, 13k entries / 33k names: ~1 s
    matches = index.screen("Ali Hassan", country="IQ", entity_type="individual")
    for m in matches:                            # best first, all with score >= threshold
        print(m.list, m.entry_id, m.name, m.score, m.explanation["reason"])
    results = index.screen_many(["Ali Hassan", {"name": "Acme LLC", "country": "US"}])

Scores run from 0 to 1; :data:`DEFAULT_THRESHOLD` was chosen with bench/bench_screening.py
(the highest recall with a false-positive rate at most 0.5 % on clean names, over three
seeds). They are not probabilities.

How a name is compared
----------------------
1. **Normalisation** (:func:`normalize`, :func:`tokenize`): any script to ASCII with
   anyascii (Chinese names as "family given", Korean ones syllable by syllable the way the
   lists write them: 김정은 = Kim Jong Un; long CJK strings one token per syllable; CJK legal
   forms such as 有限公司 to "co ltd"), case folded, apostrophes dropped, dotted
   abbreviations joined (``S.A. de C.V.`` gives ``sa de cv``), other punctuation a
   separator, spellings of one legal form folded (:data:`SYNONYMS`: Co = Company). Name-part
   order is ignored (``HASSAN, Ali`` = ``Ali Hassan``): names are compared as bags of tokens,
   except that a Chinese, Korean or Vietnamese query's family name must match the family
   name of a "LAST, First" list name (:data:`FAMILY_MISMATCH_FACTOR`).
2. **Token weights**: the inverse document frequency of the token over the list entries
   (an entry the CSL repeats from the SDN counts once), so rare name parts count more than
   common ones; legal forms and generic business words (:data:`GENERIC_WORDS`: LLC, Ltd,
   OOO, GmbH, Trading, International, Group...) weigh :data:`GENERIC_WEIGHT`, name particles
   (al, de, van...) and single letters at most :data:`PARTICLE_WEIGHT`. A misspelt generic
   word the list does not know (Compani, Indoustrial) is read as that generic word.
3. **Similar tokens** for each query token (:meth:`Index.similar_tokens`, cached), from keys
   built once over the list vocabulary: the token itself, its deletion variants (one
   deletion, two from 7 letters: typos, ``Sergey``/``Sergei``), its metaphone code
   (``Mohammed``/``Muhammad``, ``Yusuf``/``Youssef``), its spelling with transliteration
   variants folded (:func:`_fold`: dj/j/zh, kh/h, q/k, w/v, ks/x, ou/u, y/i, z/s, double
   letters; ``Djamel``/``Jamel``, ``Aleksandr``/``Alexandr``) and that spelling's deletion
   variants, for a query in a script without short vowels (Arabic, Hebrew, Indic) its
   consonant skeleton (``mhmd`` = ``Muhammad``), and for a long token the list does not
   know a C-speed scan of the list tokens of about its length. :func:`_token_similarity`
   says which pairs count and how much (an adjacent transposition counts half an edit).
4. **Candidates**: list names sharing a similar non-generic token, ranked by the weight
   they share with the query; the best :data:`CANDIDATES` are scored. Generic words and
   initials only rank names found otherwise; a query of generic words only ("International
   Trading Company LLC") reaches only the list names made of generic words.
5. **Scoring** of a candidate name: a one-to-one alignment of query and list tokens (best
   pairs first; a single letter matches a token it is the initial of, for little weight;
   two adjacent tokens may match one joined token, ``Abdul Rahman``/``Abdulrahman``; then,
   when a distinctive token aligned well, a left-over query token the list does not know
   may align with a left-over list token one edit away, two from six letters, spellings
   folded: a typo too short or too far for the token rules, ``yigit, farou`` =
   ``YIGIT, Faruk``, method "context-fuzzy", its loss counted :data:`CONTEXT_LOSS` times;
   a known name only when two tokens vouch for it). With
   *M* the matched weight (similarity x weight), *F* the weight lost to imperfect pairs,
   *Uq* and *Ul* the weight of unmatched query and list tokens::

       name_score = M / (M + F + QUERY_MISS * Uq + LIST_MISS * Ul)

   then x :data:`ONE_PART_FACTOR` when a single name part carries the match of a longer
   list name (:data:`ONE_PART_INITIALS_FACTOR` when the query gives the other parts as
   their initials), x :data:`SINGLE_FUZZY_FACTOR` when both names are one distinctive token,
   similar but not equal (Maury/Mauro), x :data:`WEAK_ALIAS_FACTOR` for a weak alias, and
   the optional agreement factors for country, date of birth and entity type
   (:meth:`Index.screen`). An entry scores as its best name.

Every :class:`Match` carries an ``explanation`` dict (JSON-ready): the list name matched,
its kind and strength, both token lists, the alignment (query token, list token,
similarity, method: exact / fuzzy / phonetic / translit / skeleton / initial /
context-fuzzy / joined-..., weight),
unmatched tokens, every score component and factor, and the reason it passed the threshold.
"""

from __future__ import annotations

import heapq
import json
import math
import multiprocessing
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jellyfish
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from openctpat.screening.entries import ListEntry

# --- tunables (chosen with bench/bench_screening.py) ---------------------------------------

DEFAULT_THRESHOLD = 0.71
"""Score a match must reach. Measured on SDN + CSL: see bench/bench_screening.py."""

GENERIC_WEIGHT = 0.4
"""Weight of a legal form or generic business word (a rare list token weighs ~9)."""
PARTICLE_WEIGHT = 1.0
"""Upper bound of the weight of a name particle or a single letter."""
QUERY_MISS = 1.0
"""How much the weight of an unmatched query token costs."""
LIST_MISS = 0.4
"""How much the weight of an unmatched list token costs (lists hold full names; queries
often drop a middle name or a second surname)."""
LIST_MISS_SYLLABIC = 1.0
"""LIST_MISS for a Chinese, Korean or Vietnamese query: every syllable of a name counts."""
ONE_PART_FACTOR = 0.8
"""Factor when one name part alone matches a list name that has other distinctive parts."""
ONE_PART_INITIALS_FACTOR = 0.9
"""... when the query gives the other parts as their initials (BOSHAB, E. = BOSHAB, Evariste)."""
SINGLE_FUZZY_FACTOR = 0.9
"""Factor when the names are one distinctive token each, similar but not equal."""
WEAK_ALIAS_FACTOR = 0.9
"""Factor for OFAC's weak aliases (low-quality a.k.a.)."""
INITIAL_SIMILARITY = 0.8
"""Similarity of an initial to a name part starting with that letter."""
INITIAL_WEIGHT = 1.5
"""Weight an initial carries; the rest of the full name part's weight counts as missed..."""
INITIAL_REST = 0.5
"""... at this fraction of LIST_MISS when the list has the full name (it may be the one)."""
FAMILY_MISMATCH_FACTOR = 0.85
"""Factor when a Chinese, Korean or Vietnamese query's family name matched a list name's
given name."""
MIN_TOKEN_SIMILARITY = 0.7
"""Pairs of tokens less similar than this do not align."""
SHORT_TOKEN = 4
"""Tokens this short (or shorter) align phonetically only with the same vowels."""
KNOWN_DF = 2
"""A query token found in this many list entries is a known name: it aligns with another
list token of 5 letters or less only phonetically (Wang/Kang are other names, not typos)."""
LONG_TOKEN = 7
"""Tokens this long are looked up with up to two edits (typo + transliteration)."""
SCAN_TOKEN = 6
"""Query tokens this long unknown to the list are also compared with every list token of
about their length (a C-speed scan) to find variants two or three edits away."""
TRANSLIT_SIMILARITY = 0.9
"""Similarity of tokens spelt alike once transliteration variants are folded (:func:`_fold`:
Djamel/Jamel, Aleksandr/Alexandr, Wei/Vei, Qassim/Kasim), 0.05 less for each letter the
folded form has under five."""
TRANSLIT_FUZZY = 0.9
"""Factor on the edit similarity of the folded forms (a variant spelling and a typo)."""
CONTEXT_ANCHOR = 0.85
"""A name with a distinctive token aligned this well (the anchor) may align its left-over
tokens more loosely (:meth:`Index._align_context`)..."""
CONTEXT_TWO_EDITS = 6
"""... one edit apart, two edits from this many letters ..."""
CONTEXT_FACTOR = 1.0
"""... with this factor on their edit similarity, and the weight they lose to imperfection
counted CONTEXT_LOSS times."""
CONTEXT_LOSS = 3.0
JOINED_SKELETON_FACTOR = 0.9
"""Factor on the skeleton similarity of two words joined: two vowel-less words of a
first and a last name often spell the consonants of an unrelated list word."""
TRANSPOSITION_EDIT = 0.5
"""What an adjacent transposition counts in edits."""
PHONETIC_BOOST = 0.3
"""Same metaphone code: similarity = edit similarity + PHONETIC_BOOST x what it lacks."""
SHORT_PHONETIC_MAX = 0.85
"""Similarity of short tokens with the same metaphone code and the same vowels (Ali/Aly,
Rim/Reem); short tokens with other vowels are other names (Chen/Chin, Son/Sin)."""
CANDIDATES = 40
"""How many candidate list names (by shared weight) are scored per query."""
COUNTRY_BONUS, COUNTRY_MISMATCH = 0.02, 0.95
DOB_BONUS, DOB_MISMATCH = 0.03, 0.85
TYPE_MISMATCH_PERSON, TYPE_MISMATCH_OTHER = 0.85, 0.9

# --- vocabulary of generic words -------------------------------------------------------------


# The word lists are data (screening/data/vocabulary.json), tuned with bench/bench_screening.py.
_VOCABULARY = json.loads((Path(__file__).parent / "data" / "vocabulary.json").read_text("utf-8"))
LEGAL_FORMS = frozenset(_VOCABULARY["legal_forms"])
BUSINESS_WORDS = frozenset(_VOCABULARY["business_words"])
STOPWORDS = frozenset(_VOCABULARY["stopwords"])
GENERIC_WORDS = LEGAL_FORMS | BUSINESS_WORDS | STOPWORDS
"""Tokens that weigh GENERIC_WEIGHT: alone they never identify a party."""
SYNONYMS: dict[str, str] = _VOCABULARY["synonyms"]
"""Spellings of one generic word folded into one token (Co. = Company)."""
_PHRASES = {tuple(words): token for words, token in _VOCABULARY["phrases"]}  # Cong ty
PARTICLES = frozenset(_VOCABULARY["particles"])

# --- normalisation ----------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_DOTTED = re.compile(r"\b([a-z0-9])\.(?=[a-z0-9]\b)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def _hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7AF


def _vowelless(ch: str) -> bool:
    """Scripts whose transliteration loses short vowels: Hebrew, Arabic, Syriac, Thaana, Indic."""
    o = ord(ch)
    return 0x0590 <= o <= 0x08FF or 0xFB1D <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF


# legal forms written in Chinese, Japanese, Korean: replaced before transliteration
_CJK_FORMS = tuple(tuple(pair) for pair in _VOCABULARY["cjk_forms"])
# Korean family names as the lists write them (McCune-Reischauer, as in DPRK entries)
_KOREAN_FAMILY: dict[str, str] = _VOCABULARY["korean_family"]


def _korean_syllable(ch: str) -> str:
    """Revised Romanization (anyascii) moved towards McCune-Reischauer: Jeong Eun = Jong Un."""
    s = anyascii(ch).lower().replace("eo", "o").replace("eu", "u")
    if s[:1] in ("g", "b", "d") and s[:2] != "gw":
        s = {"g": "k", "b": "p", "d": "t"}[s[0]] + s[1:]
    elif s[:2] == "gw":
        s = "k" + s[1:]
    return s


def _syllabic_run(run: list[str]) -> str:
    """A Chinese or Korean run: a name (<= 4 syllables) as "family given", else syllables."""
    korean = _hangul(run[0])
    if korean:
        sylls = [_korean_syllable(c) for c in run]
        if len(run) <= 4 and run[0] in _KOREAN_FAMILY:
            sylls[0] = _KOREAN_FAMILY[run[0]]
    else:
        sylls = [anyascii(c).strip().lower() for c in run]
    if len(sylls) <= 4 and not korean:  # pinyin writes the given name as one word
        return " " + sylls[0] + ("" if len(sylls) == 1 else " " + "".join(sylls[1:])) + " "
    return " " + " ".join(sylls) + " "  # Korean names as the lists write them: Kim Jong Un


_VIETNAMESE = frozenset(
    "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
)


@dataclass(frozen=True)
class Transliteration:
    text: str
    vowelless: bool = False  # Arabic, Hebrew or Indic script: short vowels were not written
    family_first: bool = False  # Chinese, Korean, Vietnamese: family name first, syllables


def transliterate(text: str) -> Transliteration:
    """ASCII form of ``text``, and what its script tells about it."""
    if text.isascii():
        return Transliteration(text)
    for form, latin in _CJK_FORMS:
        if form in text:
            text = text.replace(form, latin)
    out: list[str] = []
    plain: list[str] = []
    run: list[str] = []
    vowelless = family_first = False
    for ch in text:
        if _cjk(ch) or _hangul(ch):
            if plain:
                out.append(anyascii("".join(plain)))
                plain = []
            if run and _cjk(run[-1]) != _cjk(ch):
                out.append(_syllabic_run(run))
                run = []
            run.append(ch)
            continue
        if run:
            family_first = family_first or len(run) <= 4
            out.append(_syllabic_run(run))
            run = []
        if not vowelless and _vowelless(ch):
            vowelless = True
        if ch in _VIETNAMESE:
            family_first = True
        plain.append(ch)
    if run:
        family_first = family_first or len(run) <= 4
        out.append(_syllabic_run(run))
    if plain:
        out.append(anyascii("".join(plain)))
    return Transliteration("".join(out), vowelless, family_first)


def normalize(name: str) -> str:
    """The folded form of a name: ASCII, lower case, tokens separated by one space."""
    return " ".join(tokenize(name))


def tokenize(name: str) -> list[str]:
    """Tokens of a name, in order (see the module docstring)."""
    return _tokenize(name)[0]


def _tokenize(name: str) -> tuple[list[str], Transliteration]:
    tr = transliterate(name)
    text = _APOSTROPHES.sub("", tr.text.lower())
    text = _DOTTED.sub(r"\1", text)
    tokens = [SYNONYMS.get(t, t) for t in _NON_ALNUM.sub(" ", text).split()]
    for i in range(len(tokens) - 1, 0, -1):
        phrase = _PHRASES.get((tokens[i - 1], tokens[i]))
        if phrase:
            tokens[i - 1 : i + 1] = [phrase]
    return tokens, tr


def _family_count(name: str) -> int:
    """How many tokens of a list name are its family name ("LAST, First"), 0 if unknown."""
    family, comma, _ = name.partition(",")
    return len(_tokenize(family)[0]) if comma else 0


def _phonetic(token: str) -> str:
    """Metaphone code with any leading vowel written A (Usama = Osama)."""
    if not token.isalpha():
        return ""
    for a, b in _PHONETIC_SPELLINGS:
        token = token.replace(a, b)
    if token[0] == "y" and len(token) > 1 and token[1] in "aeiou":
        token = "i" + token[1:]
    code = jellyfish.metaphone(token[0] + token[1:].replace("y", "i"))
    if code and code[0] in "AEIOU":
        code = "A" + code[1:]
    return code


# spellings of one sound across transliteration systems, folded before metaphone
_PHONETIC_SPELLINGS = (("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"))
_SKELETON_DROP = str.maketrans("", "", "aeiouyw")


def _skeleton(token: str) -> str:
    """Consonant skeleton: matches vowel-less transliterations (mhmd = muhammad)."""
    token = token.replace("q", "k")
    head = token[0] if token[:1] in ("w", "y") else ""  # a leading w or y is a consonant
    s = head + token[len(head) :].translate(_SKELETON_DROP)
    out = []
    for ch in s:
        if not out or out[-1] != ch:
            out.append(ch)
    if len(out) > 2 and out[-1] == "h":
        out.pop()
    return "".join(out)


# spellings of one sound across transliteration systems and languages, folded for the
# "translit" comparison: Djamel = Jamel, Aleksandr = Alexandr, Wei = Vei, Qassim = Kasim,
# Lopez = Lopes, Yan = Ian, Moussa = Musa, Bosco = Bosko
_FOLD_SPELLINGS = tuple(tuple(pair) for pair in _VOCABULARY["fold_spellings"])
_HARD_C = re.compile(r"c(?=[aou]|$)")


@lru_cache(maxsize=65536)
def _fold(token: str) -> str:
    """``token`` with transliteration spellings folded and double letters single."""
    for a, b in _FOLD_SPELLINGS:
        if a in token:
            token = token.replace(a, b)
    token = _HARD_C.sub("k", token)
    out = []
    for ch in token:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _edit_similarity(a: str, b: str) -> float:
    """1 - edits / length (OSA), an adjacent transposition counting half an edit: a typing
    slip (Birght, Patirs) far more often than another name."""
    sim = OSA.normalized_similarity(a, b)
    if len(a) == len(b) and a != b and OSA.distance(a, b) == 1:
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            sim = 1.0 - TRANSPOSITION_EDIT / len(a)
    return sim


_VOWELS = re.compile(r"[^aeiouy]+")


_VOWEL_RUN = re.compile(r"[aeiou]+")
_VOWEL_SPELLINGS = {"ou": "u", "oo": "u", "ee": "i", "ie": "i", "ey": "ei", "ay": "ai"}


def _vowel_pattern(token: str) -> str:
    """The vowel groups of a token, spelling variants folded: Moun = Mun, Lee = Li, Reem =
    Rim, Sya = Sia; but Dar (a) differs from Tara (a-a) and Pohl from Polo."""
    token = token[0] + token[1:].replace("y", "i")
    runs = []
    for run in _VOWEL_RUN.findall(token):
        run = _VOWEL_SPELLINGS.get(run, run)
        if len(set(run)) == 1:
            run = run[0]
        runs.append(run)
    return "-".join(runs)


def _token_similarity(q: str, v: str, mode: str = "", known: bool = False) -> tuple[float, str]:
    """Similarity (0..1) of query token ``q`` to list token ``v``, and how it was found.

    * fuzzy: OSA edit similarity (1 - edits / length, a transposition is one edit), from 3
      letters (one letter more or less: Nic/Nioc); only from 6 letters when ``q`` is itself
      a name on the lists (``known``): a known name one edit from another is another name
      (Wang/Kang), an unknown one is a typo;
    * phonetic: the same metaphone code (after folding dj/zh/kh spellings) raises it by
      PHONETIC_BOOST of what it lacks (Mohammed/Muhammad); between tokens of 4 letters or
      less it is SHORT_PHONETIC_MAX, and only with the same vowels (Ali/Aly, Rim/Reem yes;
      Chen/Chin, Son/Sin no: in short syllables the vowel is the name);
    * skeleton (``mode`` "vowelless": a query in a script without short vowels): the same
      consonants (mhmd/muhammad), less for short skeletons;
    * ``mode`` "syllabic" (a Chinese, Korean or Vietnamese query): syllables are names, so
      no phonetic similarity, and fuzzy only from 8 letters.

    Pairs below MIN_TOKEN_SIMILARITY do not align.
    """
    if q == v:
        return 1.0, "exact"
    sim, how = 0.0, ""
    n = min(len(q), len(v))
    base = _edit_similarity(q, v)
    syllabic = mode == "syllabic"
    if n >= (8 if syllabic else 6 if known else 3):
        sim, how = base, "fuzzy"
    if n >= 2 and base >= 0.5 and not syllabic:
        pq = _phonetic(q)
        if pq and pq == _phonetic(v):
            if n > SHORT_TOKEN:
                psim = base + PHONETIC_BOOST * (1.0 - base)
            elif _vowel_pattern(q) == _vowel_pattern(v) != "":  # Gud/Good, Rim/Reem
                psim = SHORT_PHONETIC_MAX
            else:
                psim = 0.0
            if psim > sim:
                sim, how = psim, "phonetic"
    if not syllabic and not (q.isdigit() or v.isdigit()):
        fq, fv = _fold(q), _fold(v)
        if fq == fv:  # shorter spellings are more often other names (Toor/Tour)
            tsim = TRANSLIT_SIMILARITY - 0.05 * max(0, 5 - len(fq))
        elif min(len(fq), len(fv)) >= (6 if known else 5):
            tsim = TRANSLIT_FUZZY * _edit_similarity(fq, fv)
        else:
            tsim = 0.0
        if tsim > sim:
            sim, how = tsim, "translit"
    if mode == "vowelless":
        sq, sv = _skeleton(q), _skeleton(v)
        if sq and sq == sv:
            ssim = 0.85 if len(sq) >= 4 else 0.8 if len(sq) == 3 else 0.7
        elif len(sq) >= 4 and sq[0] == "l" and sq[1:] == sv:  # Arabic article written joined
            ssim = 0.8
        else:
            ssim = 0.0
        if ssim > sim:
            sim, how = ssim, "skeleton"
    return sim, how


def _context_similarity(q: str, v: str) -> float:
    """Similarity of a query token to a list token when the rest of the name matches: one
    edit (on the letters or on the folded spellings), two from five letters; else 0."""
    d = min(OSA.distance(q, v), OSA.distance(_fold(q), _fold(v)))
    if d == 1 or (d == 2 and min(len(q), len(v)) >= CONTEXT_TWO_EDITS):
        return CONTEXT_FACTOR * (1.0 - d / max(len(q), len(v)))
    return 0.0


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One list entry found for a query. ``name`` is the entry's name that matched best."""

    list: str
    entry_id: str
    entry_type: str
    name: str
    score: float
    explanation: dict = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "list": self.list,
            "entry_id": self.entry_id,
            "entry_type": self.entry_type,
            "name": self.name,
            "score": self.score,
            "explanation": self.explanation,
        }


@dataclass
class _Query:
    text: str
    tokens: list[str]
    mode: str  # "", "vowelless", "syllabic": see _token_similarity
    family_first: bool
    similar: list[dict[str, tuple[float, str]]]
    weights: list[float]


# --- the index --------------------------------------------------------------------------------


class Index:
    """Screening index over list entries. Build once; :meth:`screen` is thread-safe to read
    (its token cache is a plain dict; concurrent writers at worst compute an entry twice)."""

    def __init__(self, entries: Iterable[ListEntry]):
        self.entries: list[ListEntry] = []
        # one row per distinct (entry, normalised name)
        self._name_entry: list[int] = []
        self._name_text: list[str] = []
        self._name_kind: list[str] = []
        self._name_strong: list[bool] = []
        self._name_tokens: list[tuple[str, ...]] = []
        self._name_family: list[int] = []  # tokens before the comma of "LAST, First"
        self._name_weights: list[tuple[float, ...]] = []
        self._postings: dict[str, list[int]] = {}
        self._exact: dict[str, list[int]] = {}
        self._joined: dict[str, list[int]] = {}
        self._generic_names: set[int] = set()
        self._cache: dict[tuple[str, bool], dict[str, tuple[float, str]]] = {}

        df: dict[str, int] = {}
        seen_groups: dict[tuple[str, ...], set[str]] = {}
        for entry in entries:
            ei = len(self.entries)
            self.entries.append(entry)
            seen: dict[tuple[str, ...], int] = {}
            entry_tokens: set[str] = set()
            for ln in entry.names:
                toks = tuple(tokenize(ln.name))
                if not toks:
                    continue
                prev = seen.get(toks)
                if prev is not None:
                    if ln.strong and not self._name_strong[prev]:
                        self._name_strong[prev] = True  # same name also given as strong
                    continue
                seen[toks] = len(self._name_entry)
                self._name_entry.append(ei)
                self._name_text.append(ln.name)
                self._name_kind.append(ln.kind)
                self._name_strong.append(ln.strong)
                self._name_tokens.append(toks)
                self._name_family.append(_family_count(ln.name))
                entry_tokens.update(toks)
            # an entry listed twice (the CSL repeats the SDN) counts once
            group = seen_groups.setdefault(tuple(tokenize(entry.primary_name)), set())
            for t in entry_tokens - group:
                df[t] = df.get(t, 0) + 1
            group |= entry_tokens

        self._df = df
        n = max(len(seen_groups), 1)
        self._groups = n
        self._unknown_weight = math.log(n + 1)
        self._weight = {t: self._token_weight(t, math.log((n + 1) / c)) for t, c in df.items()}

        postings = self._postings
        for nid, toks in enumerate(self._name_tokens):
            self._name_weights.append(tuple(self._weight[t] for t in toks))
            for t in set(toks):
                postings.setdefault(t, []).append(nid)
            self._exact.setdefault(self._key(toks), []).append(nid)
            if all(t in GENERIC_WORDS or len(t) == 1 for t in toks):
                self._generic_names.add(nid)
            for a, b in zip(toks, toks[1:], strict=False):
                if a not in GENERIC_WORDS and b not in GENERIC_WORDS:
                    self._joined.setdefault(a + b, []).append(nid)

        # keys over the vocabulary: deletions, metaphone, consonant skeleton
        self._by_deletion: dict[str, list[str]] = {}
        self._by_phonetic: dict[str, list[str]] = {}
        self._by_skeleton: dict[str, list[str]] = {}
        self._by_fold: dict[str, list[str]] = {}  # folded spelling and its deletions
        self._scan_vocab = sorted(
            t for t in df if len(t) >= SCAN_TOKEN - 2 and t.isalpha() and t not in GENERIC_WORDS
        )
        self._windows: dict[int, list[str]] = {}
        for t in df:
            if t in GENERIC_WORDS or t.isdigit():
                continue
            if len(t) >= 3:
                self._by_deletion.setdefault(t, []).append(t)
            if len(t) >= 4:
                for d in _deletions(t):
                    self._by_deletion.setdefault(d, []).append(t)
            if len(t) >= 2:
                code = _phonetic(t)
                if code:
                    self._by_phonetic.setdefault(code, []).append(t)
                sk = _skeleton(t)
                if sk:
                    self._by_skeleton.setdefault(sk, []).append(t)
                f = _fold(t)
                for k in {f} | (_deletions(f) if len(f) >= 4 else set()):
                    self._by_fold.setdefault(k, []).append(t)

    # --- building blocks ---

    @staticmethod
    def _token_weight(token: str, idf: float) -> float:
        if token in GENERIC_WORDS:
            return min(idf, GENERIC_WEIGHT)
        if token in PARTICLES or len(token) == 1:
            return min(idf, PARTICLE_WEIGHT)
        return idf

    @staticmethod
    def _key(tokens: Iterable[str]) -> str:
        toks = list(tokens)
        core = [t for t in toks if t not in GENERIC_WORDS]
        return " ".join(sorted(core or toks))

    def _idf(self, token: str) -> float:
        return math.log((self._groups + 1) / self._df.get(token, 1))

    def weight(self, token: str) -> float:
        """Weight of a token: its list IDF, capped for generic words, particles, initials."""
        w = self._weight.get(token)
        if w is None:
            w = self._token_weight(token, self._unknown_weight)
        return w

    def similar_tokens(self, token: str, mode: str = "") -> dict[str, tuple[float, str]]:
        """List tokens similar to ``token``: {list token: (similarity, method)}.

        ``mode``: "" (Latin-script query), "vowelless" or "syllabic" (see
        :func:`_token_similarity`)."""
        key = (token, mode)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out: dict[str, tuple[float, str]] = {}
        if token in self._weight:
            out[token] = (1.0, "exact")
        for g, sim in _GENERIC_NEAR.get(token, ()):  # Import/Imports, Trade/Trader
            if g in self._weight:
                out[g] = (sim, "fuzzy")
        if token not in GENERIC_WORDS and not token.isdigit():
            cands: set[str] = set()
            if len(token) >= 3:
                cands.update(self._by_deletion.get(token, ()))
            if len(token) >= 4:
                dels = _deletions(token)
                if len(token) >= LONG_TOKEN:  # two edits: delete two letters from the query
                    dels |= {d2 for d in dels for d2 in _deletions(d)}
                for d in dels:
                    cands.update(self._by_deletion.get(d, ()))
            if len(token) >= 2:
                code = _phonetic(token)
                if code:
                    cands.update(self._by_phonetic.get(code, ()))
                if mode != "syllabic":
                    f = _fold(token)
                    for k in {f} | (_deletions(f) if len(f) >= 4 else set()):
                        cands.update(self._by_fold.get(k, ()))
                if mode == "vowelless":
                    sk = _skeleton(token)
                    cands.update(self._by_skeleton.get(sk, ()))
                    if len(sk) >= 4 and sk[0] == "l":
                        cands.update(self._by_skeleton.get(sk[1:], ()))
            if len(token) >= SCAN_TOKEN and token not in self._weight:
                # an unknown long token: scan the list tokens of about its length (two or
                # three edits: bumajno/bumazhno), C speed, cached
                window = self._length_window(len(token))
                for v, _score, _i in process.extract(
                    token,
                    window,
                    scorer=OSA.normalized_similarity,
                    score_cutoff=MIN_TOKEN_SIMILARITY,
                    limit=None,
                ):
                    cands.add(v)
            for v in sorted(cands):  # sorted: the same results in every process
                if v in out:
                    continue
                known = self._df.get(token, 0) >= KNOWN_DF
                sim, how = _token_similarity(token, v, mode, known)
                if sim >= MIN_TOKEN_SIMILARITY:
                    out[v] = (sim, how)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[key] = out
        return out

    def _length_window(self, n: int) -> list[str]:
        window = self._windows.get(n)
        if window is None:
            lo, hi = n - 2, n + 2
            window = [t for t in self._scan_vocab if lo <= len(t) <= hi]
            self._windows[n] = window
        return window

    def _generic_spelling(self, token: str) -> str:
        """A misspelt generic word (Compani, Indoustrial) when the list does not know it."""
        if len(token) < 4 or token in self._weight or token in GENERIC_WORDS:
            return token
        dels = _deletions(token)
        if len(token) >= LONG_TOKEN:
            dels |= {d2 for d in dels for d2 in _deletions(d)}
        found: set[str] = set(_GENERIC_BY_DELETION.get(token, ()))
        for d in dels:
            found |= _GENERIC_BY_DELETION.get(d, set())
        best = max(found, key=lambda g: (_edit_similarity(token, g), g), default=None)
        if best is not None:
            sim = _edit_similarity(token, best)
            if sim >= 0.8 or (sim >= 0.7 and len(token) >= LONG_TOKEN):
                return best
        return token

    def _query(self, name: str) -> _Query:
        tokens, tr = _tokenize(name)
        mode = "syllabic" if tr.family_first else ("vowelless" if tr.vowelless else "")
        similar = []
        for i, t in enumerate(tokens):
            sim = self.similar_tokens(t, mode)
            g = self._generic_spelling(t)
            if g != t and max((s for s, _ in sim.values()), default=0.0) <= _edit_similarity(t, g):
                tokens[i], sim = g, self.similar_tokens(g, mode)  # a misspelt generic word
            similar.append(sim)
        weights = []
        for t, sim in zip(tokens, similar, strict=True):
            if mode == "syllabic":  # each syllable is a name part: its plain rarity
                w = self._idf(t) if t not in GENERIC_WORDS else GENERIC_WEIGHT
            elif t in self._weight:
                w = self._weight[t]
            elif sim:  # weigh an unknown token like the list tokens it resembles
                w = max(self._weight[v] for v in sim)
            else:  # unknown to the list: as rare as can be
                w = self.weight(t)
            if mode != "syllabic":  # unmatched, a short token costs less (Ko, Mo: syllables)
                w = min(w, _SHORT_CAP.get(len(t), w))
            weights.append(w)
        return _Query(name, tokens, mode, tr.family_first, similar, weights)

    def _candidates(self, q: _Query) -> list[int]:
        acc: dict[int, float] = {}
        order = sorted(range(len(q.tokens)), key=lambda i: -q.weights[i])
        generic_only = all(t in GENERIC_WORDS or len(t) == 1 for t in q.tokens)
        postings = self._postings
        for i in order:
            t = q.tokens[i]
            local: dict[int, float] = {}
            for v, (sim, _how) in q.similar[i].items():
                for nid in postings.get(v, ()):
                    if local.get(nid, 0.0) < sim:
                        local[nid] = sim
            for nid in self._joined.get(t, ()):
                local.setdefault(nid, 0.9)
            w = q.weights[i]
            if (t in GENERIC_WORDS or len(t) == 1) and not generic_only:
                for nid, s in local.items():  # generic words only rank names found otherwise
                    if nid in acc:
                        acc[nid] += s * w
            else:
                for nid, s in local.items():
                    acc[nid] = acc.get(nid, 0.0) + s * w
        # query tokens written apart that a list name writes as one (abdul rahman)
        for a, b in zip(q.tokens, q.tokens[1:], strict=False):
            joined = [a + b] if a + b in postings else []
            if q.mode == "vowelless":  # nsr llh = nasrallah
                joined += self._by_skeleton.get(_skeleton(a + b), [])
            for v in joined:
                for nid in postings.get(v, ()):
                    acc[nid] = acc.get(nid, 0.0) + self._weight[v]
        if generic_only:  # generic words reach only list names made of generic words
            acc = {nid: s for nid, s in acc.items() if nid in self._generic_names}
        best = heapq.nlargest(CANDIDATES, acc.items(), key=lambda kv: (kv[1], -kv[0]))
        ids = [nid for nid, _ in best]
        for nid in self._exact_ids(q):
            if nid not in acc or nid not in ids:
                ids.append(nid)
        return ids

    def _exact_ids(self, q: _Query) -> list[int]:
        return self._exact.get(self._key(q.tokens), [])

    # --- scoring ---

    def _align(self, q: _Query, nid: int) -> dict[str, Any]:
        ltoks = self._name_tokens[nid]
        lw = self._name_weights[nid]
        qt = q.tokens
        pairs: list[tuple[float, int, int, str]] = []
        for i, t in enumerate(qt):
            sim_i = q.similar[i]
            for j, lt in enumerate(ltoks):
                hit = sim_i.get(lt)
                if hit is not None:
                    pairs.append((hit[0], i, j, hit[1]))
                elif (len(t) == 1) != (len(lt) == 1) and t[0] == lt[0] and lt.isalpha():
                    pairs.append((INITIAL_SIMILARITY, i, j, "initial"))
        pairs.sort(key=lambda p: (-p[0], -lw[p[2]]))
        q_used: dict[int, int] = {}
        l_used: set[int] = set()
        aligned: list[tuple[tuple[int, ...], tuple[int, ...], float, str]] = []
        for sim, i, j, how in pairs:
            if i in q_used or j in l_used:
                continue
            q_used[i] = j
            l_used.add(j)
            aligned.append(((i,), (j,), sim, how))
        # joined tokens: one token against two adjacent unmatched tokens on the other side
        if len(q_used) < len(qt) or len(l_used) < len(ltoks):
            self._align_joined(q, ltoks, q_used, l_used, aligned)
        # a query token the list does not know, close to a list token left over by a name
        # that otherwise matches well: a typo the token-level rules were too strict for
        if len(q_used) < len(qt) and len(l_used) < len(ltoks) and q.mode != "syllabic":
            self._align_context(q, ltoks, lw, q_used, l_used, aligned)

        matched = fuzz_loss = miss_q = miss_l = 0.0
        alignment = []
        for qi, lj, sim, how in aligned:
            w = sum(lw[j] for j in lj)
            if how == "initial":  # an initial says little: the rest of the full name is missed
                w = min(w, INITIAL_WEIGHT)
                miss_l += (sum(lw[j] for j in lj) - w) * INITIAL_REST
                miss_q += max(0.0, sum(q.weights[i] for i in qi) - w)
            matched += sim * w
            fuzz_loss += (1.0 - sim) * w * (CONTEXT_LOSS if how == "context-fuzzy" else 1.0)
            alignment.append(
                {
                    "query": " ".join(qt[i] for i in qi),
                    "list": " ".join(ltoks[j] for j in lj),
                    "similarity": round(sim, 3),
                    "method": how,
                    "weight": round(w, 2),
                }
            )
        un_q = [i for i in range(len(qt)) if i not in q_used]
        un_l = [j for j in range(len(ltoks)) if j not in l_used]
        miss_q += sum(q.weights[i] for i in un_q)
        miss_l += sum(lw[j] for j in un_l)
        list_miss = LIST_MISS_SYLLABIC if q.mode == "syllabic" else LIST_MISS
        denom = matched + fuzz_loss + QUERY_MISS * miss_q + list_miss * miss_l
        name_score = matched / denom if denom > 0 else 0.0
        # evidence from one name part only, against a list name with other distinctive parts
        core = [a for a in aligned if a[3] != "initial"]
        strong_parts = sum(1 for a in core if any(lw[j] > PARTICLE_WEIGHT for j in a[1]))
        initials = [j for a in aligned if a[3] == "initial" for j in a[1]]
        other_parts = [j for j in (*un_l, *initials) if lw[j] > PARTICLE_WEIGHT]
        one_part = strong_parts <= 1 and bool(other_parts)
        if one_part and not [j for j in un_l if lw[j] > PARTICLE_WEIGHT]:
            one_part = "initials"  # the other parts are there as initials: BOSHAB, E.
        # one distinctive token each side, not equal: Maury/Mauro, Castro/Castor
        distinctive = [a for a in core if any(lw[j] > PARTICLE_WEIGHT for j in a[1])]
        single_fuzzy = (
            len(distinctive) == 1
            and distinctive[0][2] < 1.0
            and not other_parts
            and not any(q.weights[i] > PARTICLE_WEIGHT for i in un_q)
        )
        # a Chinese or Korean query starts with the family name: it must match the family
        # name of a "LAST, First" list name, not a given name
        family_mismatch = False
        nf = self._name_family[nid]
        if q.family_first and nf and 0 in q_used:
            first = next(a for a in aligned if 0 in a[0])
            family_mismatch = all(j >= nf for j in first[1])
        return {
            "name_score": name_score,
            "one_part": one_part,
            "single_fuzzy": single_fuzzy,
            "family_mismatch": family_mismatch,
            "alignment": alignment,
            "unmatched_query": [qt[i] for i in un_q],
            "unmatched_list": [ltoks[j] for j in un_l],
            "matched_weight": matched,
            "query_weight": sum(q.weights),
            "list_weight": sum(lw),
        }

    def _align_context(self, q, ltoks, lw, q_used, l_used, aligned) -> None:
        anchors = sum(
            1
            for _qi, lj, sim, how in aligned
            if how != "initial"
            and sim >= CONTEXT_ANCHOR
            and any(lw[j] > PARTICLE_WEIGHT for j in lj)
        )
        if not anchors:
            return
        pairs = []
        for i, t in enumerate(q.tokens):
            if i in q_used or len(t) < 2 or not t.isalpha() or t in GENERIC_WORDS:
                continue
            if t in self._df and anchors < 2:  # a known name is another name, not a typo,
                continue  # unless the rest of a longer name matches well
            for j, v in enumerate(ltoks):
                if j in l_used or len(v) < 2 or not v.isalpha() or v in GENERIC_WORDS:
                    continue
                sim = _context_similarity(t, v)
                if sim > 0:
                    pairs.append((sim, i, j))
        pairs.sort(key=lambda p: (-p[0], -lw[p[2]]))
        for sim, i, j in pairs:
            if i in q_used or j in l_used:
                continue
            q_used[i] = j
            l_used.add(j)
            aligned.append(((i,), (j,), sim, "context-fuzzy"))

    def _align_joined(self, q, ltoks, q_used, l_used, aligned) -> None:
        qt = q.tokens
        min_sim = 1.0 if q.mode == "syllabic" else MIN_TOKEN_SIMILARITY
        for i in range(len(qt)):
            if i in q_used:
                continue
            for j in range(len(ltoks) - 1):
                if j in l_used or j + 1 in l_used:
                    continue
                sim, how = _token_similarity(qt[i], ltoks[j] + ltoks[j + 1], q.mode)
                if how == "skeleton":
                    sim *= JOINED_SKELETON_FACTOR
                if sim >= min_sim:
                    q_used[i] = j
                    l_used.update((j, j + 1))
                    aligned.append(((i,), (j, j + 1), sim, "joined-" + how))
                    break
        for j in range(len(ltoks)):
            if j in l_used:
                continue
            for i in range(len(qt) - 1):
                if i in q_used or i + 1 in q_used:
                    continue
                sim, how = _token_similarity(qt[i] + qt[i + 1], ltoks[j], q.mode)
                if how == "skeleton":
                    sim *= JOINED_SKELETON_FACTOR
                if sim >= min_sim:
                    q_used[i] = j
                    q_used[i + 1] = j
                    l_used.add(j)
                    aligned.append(((i, i + 1), (j,), sim, "joined-" + how))
                    break

    def _score_entry_attrs(
        self,
        entry: ListEntry,
        country: str | None,
        date_of_birth: str | None,
        entity_type: str | None,
    ) -> tuple[float, float, dict[str, Any]]:
        """(factor, bonus, components) from the optional attributes."""
        factor, bonus = 1.0, 0.0
        comp: dict[str, Any] = {}
        if entity_type:
            want = _entity_type(entity_type)
            have = entry.entry_type or "entity"
            if want == have:
                comp["entity_type"] = {"query": want, "entry": have, "factor": 1.0}
            else:
                f = TYPE_MISMATCH_PERSON if "individual" in (want, have) else TYPE_MISMATCH_OTHER
                factor *= f
                comp["entity_type"] = {"query": want, "entry": have, "factor": f}
        if country:
            want = _country_key(country)
            have = {_country_key(c) for c in (*entry.countries, *entry.nationalities) if c}
            if have:
                if want in have:
                    bonus += COUNTRY_BONUS
                    comp["country"] = {"query": country, "agrees": True, "bonus": COUNTRY_BONUS}
                else:
                    factor *= COUNTRY_MISMATCH
                    comp["country"] = {
                        "query": country,
                        "agrees": False,
                        "entry": sorted(have),
                        "factor": COUNTRY_MISMATCH,
                    }
            else:
                comp["country"] = {"query": country, "agrees": None, "note": "entry has none"}
        if date_of_birth:
            years_q = {int(y) for y in _YEAR.findall(date_of_birth)}
            years_e = {int(y) for d in entry.dates_of_birth for y in _YEAR.findall(d)}
            if years_q and years_e:
                gap = min(abs(a - b) for a in years_q for b in years_e)
                if gap == 0:
                    bonus += DOB_BONUS
                    comp["date_of_birth"] = {"agrees": True, "bonus": DOB_BONUS}
                elif gap > 1:
                    factor *= DOB_MISMATCH
                    comp["date_of_birth"] = {
                        "agrees": False,
                        "entry": entry.dates_of_birth,
                        "factor": DOB_MISMATCH,
                    }
                else:
                    comp["date_of_birth"] = {"agrees": None, "note": "one year apart"}
            else:
                comp["date_of_birth"] = {"agrees": None, "note": "no year to compare"}
        return factor, bonus, comp

    # --- public API ---

    def screen(
        self,
        name: str,
        *,
        country: str | None = None,
        date_of_birth: str | None = None,
        entity_type: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        top: int = 5,
    ) -> list[Match]:
        """Entries whose best-matching name scores at least ``threshold``, best first.

        ``country`` (ISO 3166 alpha-2 or a name), ``date_of_birth`` (any text holding a
        year) and ``entity_type`` (individual, entity, vessel, aircraft) adjust the score
        when the list entry has the same data: agreement adds a little, disagreement
        multiplies by a factor below one.
        """
        q = self._query(name)
        if not q.tokens:
            return []
        best: dict[int, tuple[float, int, dict, dict]] = {}
        for nid in self._candidates(q):
            al = self._align(q, nid)
            score = al["name_score"]
            if score <= 0:
                continue
            factors: dict[str, float] = {}
            if al["one_part"]:
                f = ONE_PART_INITIALS_FACTOR if al["one_part"] == "initials" else ONE_PART_FACTOR
                score *= f
                factors["one_part"] = f
            if al["single_fuzzy"]:
                score *= SINGLE_FUZZY_FACTOR
                factors["single_fuzzy"] = SINGLE_FUZZY_FACTOR
            if al["family_mismatch"]:
                score *= FAMILY_MISMATCH_FACTOR
                factors["family_mismatch"] = FAMILY_MISMATCH_FACTOR
            if not self._name_strong[nid]:
                score *= WEAK_ALIAS_FACTOR
                factors["weak_alias"] = WEAK_ALIAS_FACTOR
            ei = self._name_entry[nid]
            prev = best.get(ei)
            if prev is not None and prev[0] >= score:
                continue
            best[ei] = (score, nid, al, factors)
        if not best:
            return []
        out: list[Match] = []
        for ei, (score, nid, al, factors) in best.items():
            entry = self.entries[ei]
            comp: dict[str, Any] = {}
            if country or date_of_birth or entity_type:
                f, bonus, comp = self._score_entry_attrs(entry, country, date_of_birth, entity_type)
                score = min(1.0, score * f + bonus)
            if score < threshold:
                continue
            out.append(self._match(q, ei, nid, score, al, factors, comp, threshold))
        out.sort(key=lambda m: (-m.score, m.list, m.entry_id))
        return out[:top]

    def screen_many(
        self,
        queries: Iterable[str | Mapping[str, Any]],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        top: int = 5,
        workers: int = 1,
    ) -> list[list[Match]]:
        """:meth:`screen` for many queries, results in input order.

        A query is a name or a mapping with ``name`` and optionally ``country``,
        ``date_of_birth``, ``entity_type``. ``workers`` > 1 forks that many processes
        (POSIX only; the index is shared copy-on-write), worth it from a few thousand names.
        """
        qs = [{"name": q} if isinstance(q, str) else dict(q) for q in queries]
        kw = {"threshold": threshold, "top": top}
        if workers <= 1 or len(qs) < 500 or "fork" not in multiprocessing.get_all_start_methods():
            return [self._screen_one(q, kw) for q in qs]
        global _FORK_INDEX
        _FORK_INDEX = self
        try:
            ctx = multiprocessing.get_context("fork")
            chunk = max(50, len(qs) // (workers * 8))
            parts = [qs[i : i + chunk] for i in range(0, len(qs), chunk)]
            with ctx.Pool(workers) as pool:
                done = pool.map(_screen_chunk, [(p, kw) for p in parts])
        finally:
            _FORK_INDEX = None
        return [r for part in done for r in part]

    def _screen_one(self, q: dict[str, Any], kw: dict[str, Any]) -> list[Match]:
        return self.screen(
            q["name"],
            country=q.get("country") or None,
            date_of_birth=q.get("date_of_birth") or None,
            entity_type=q.get("entity_type") or None,
            **kw,
        )

    def _match(self, q, ei, nid, score, al, factors, comp, threshold) -> Match:
        entry = self.entries[ei]
        n_core = sum(1 for t in q.tokens if t not in GENERIC_WORDS) or len(q.tokens)
        n_aligned = len(al["alignment"])
        reason = (
            f"score {score:.3f} >= threshold {threshold:.2f}: {n_aligned} of "
            f"{len(q.tokens)} query tokens aligned ({n_core} distinctive) to "
            f"{self._name_kind[nid]} name {self._name_text[nid]!r}, carrying "
            f"{al['matched_weight']:.1f} of weight {al['list_weight']:.1f} on the list side"
        )
        if factors:
            reason += "; reduced for " + ", ".join(sorted(factors))
        explanation = {
            "query": q.text,
            "query_tokens": q.tokens,
            "matched_name": self._name_text[nid],
            "name_kind": self._name_kind[nid],
            "name_strong": self._name_strong[nid],
            "list_tokens": list(self._name_tokens[nid]),
            "alignment": al["alignment"],
            "unmatched_query": al["unmatched_query"],
            "unmatched_list": al["unmatched_list"],
            "components": {
                "name_score": round(al["name_score"], 4),
                "matched_weight": round(al["matched_weight"], 3),
                "query_weight": round(al["query_weight"], 3),
                "list_weight": round(al["list_weight"], 3),
                **factors,
                **comp,
            },
            "score": round(score, 4),
            "threshold": threshold,
            "reason": reason,
        }
        return Match(
            list=entry.list,
            entry_id=entry.entry_id,
            entry_type=entry.entry_type,
            name=self._name_text[nid],
            score=round(score, 4),
            explanation=explanation,
        )

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def name_count(self) -> int:
        return len(self._name_tokens)


_FORK_INDEX: Index | None = None

_SHORT_CAP = {1: 0.5, 2: 2.5, 3: 5.0, 4: 7.0}
_GENERIC_NEAR: dict[str, list[tuple[str, float]]] = {}
for _g in GENERIC_WORDS:
    for _h in GENERIC_WORDS:
        if _g != _h and len(_g) >= 5 and OSA.normalized_similarity(_g, _h) >= 0.8:
            _GENERIC_NEAR.setdefault(_g, []).append((_h, OSA.normalized_similarity(_g, _h)))
_GENERIC_BY_DELETION: dict[str, set[str]] = {}
for _g in GENERIC_WORDS:
    if len(_g) >= 5 and _g not in STOPWORDS:
        for _d in {_g} | _deletions(_g):
            _GENERIC_BY_DELETION.setdefault(_d, set()).add(_g)


def _screen_chunk(arg: tuple[list[dict[str, Any]], dict[str, Any]]) -> list[list[Match]]:
    queries, kw = arg
    index = _FORK_INDEX
    assert index is not None
    return [index._screen_one(q, kw) for q in queries]


def _entity_type(value: str) -> str:
    v = value.strip().lower()
    if v in ("person", "individual", "natural person", "people"):
        return "individual"
    if v in ("vessel", "ship", "boat"):
        return "vessel"
    if v in ("aircraft", "airplane", "plane"):
        return "aircraft"
    return "entity"


@lru_cache(maxsize=4096)
def _country_key(value: str) -> str:
    """ISO 3166-1 alpha-2 code of a country code or name when pycountry knows it."""
    v = value.strip()
    if len(v) == 2 and v.isalpha():
        return v.upper()
    try:
        import pycountry

        return pycountry.countries.lookup(v).alpha_2
    except (ImportError, LookupError):
        return normalize(v)

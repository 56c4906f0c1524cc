"""The name matcher: hard cases on the real SDN + CSL lists, behaviour on small hand-made lists,
and a property test (any strong list name, screened, finds its own entry).

Accuracy and speed are measured by bench/bench_screening.py, not here.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openctpat.screening import lists, matcher
from openctpat.screening.entries import ListEntry, ListName

DATA = Path(__file__).resolve().parents[4] / "tests" / "data" / "lists"
SDN_SET = [DATA / "ofac" / n for n in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]


@pytest.fixture(scope="module")
def entries():
    return lists.load(SDN_SET).entries + lists.load([DATA / "csl" / "csl.csv"]).entries


@pytest.fixture(scope="module")
def index(entries):
    return matcher.Index(entries)


def ids(matches):
    return [(m.list, m.entry_id) for m in matches]


def entry_ids(matches):
    return {m.entry_id for m in matches}


def entry(entry_id, *names, entry_type="entity", weak=(), **kw):
    return ListEntry(
        list="sdn",
        entry_id=str(entry_id),
        entry_type=entry_type,
        names=[
            ListName(n, "primary" if i == 0 else "aka", n not in weak) for i, n in enumerate(names)
        ],
        **kw,
    )


def people(*names):
    """An index of individuals, numbered from 1 in order."""
    return matcher.Index(entry(n, name, entry_type="individual") for n, name in enumerate(names, 1))


@pytest.fixture(scope="module")
def small():
    return matcher.Index(
        [
            entry(
                1, "HASSAN, Ali", entry_type="individual", countries=["IQ"], dates_of_birth=["1960"]
            ),
            entry(2, "MOLINA GONZALEZ, Jose Epimenio", entry_type="individual"),
            entry(3, "GOLDEN STAR TRADING CO., LTD.", countries=["AE"]),
            entry(4, "ALPHA INTERNATIONAL TRADING COMPANY LLC"),
            entry(5, "BETA TRADING GROUP LTD"),
            entry(6, "OMEGA INDUSTRIAL IMPORT EXPORT S.A. DE C.V."),
            entry(7, "MUHAMMAD, Khalid Abdullah", entry_type="individual"),
            entry(8, "ZARKOV, Ivan", "VANYA", entry_type="individual", weak=("VANYA",)),
            entry(9, "VANYA"),
            entry(10, "KIM, Jong Un", entry_type="individual"),
            entry(11, "WANG, Min", entry_type="individual"),
            entry(12, "HESA"),
            entry(13, "KASHANI ARMS VESSEL", entry_type="vessel"),
        ]
    )


# --- normalisation -------------------------------------------------------------------------


def test_normalisation_folds_script_case_punctuation_and_legal_forms():
    assert (
        matcher.normalize("GOLDEN STAR TRADING CO., LTD.") == "golden star trading company limited"
    )
    assert matcher.normalize("Omega S.A. de C.V.") == "omega sa de cv"
    assert matcher.normalize("AL-KA'BI, Sa'd") == "al kabi sad"
    assert matcher.normalize("Сергей Калиновский") == "sergey kalinovskiy"
    assert matcher.normalize("Şükrü Çağlar") == "sukru caglar"
    assert matcher.normalize("王伟") == "wang wei"  # family name, then the given name
    assert matcher.normalize("김정은") == "kim jong un"  # as the lists write Korean names
    assert matcher.normalize("Công ty TNHH Minh Anh") == "company tnhh minh anh"


# --- transliteration ---------------------------------------------------------------------------


def test_cyrillic_names_find_the_latin_list_spelling(index):
    # SDN 31913 is KALINOVSKY, Sergei (aka KALINOVSKIY, Sergey Alekseevich...)
    assert ids(index.screen("Сергей Калиновский"))[0] == ("sdn", "31913")
    # SDN 21171 is PRIGOZHIN, Yevgeniy Viktorovich
    (top,) = index.screen("Евгений Викторович Пригожин", top=1)
    assert top.entry_id == "21171" and top.score > 0.9
    assert "9760" in entry_ids(index.screen("Александр Лукашенко"))  # LUKASHENKO, Aleksandr


def test_arabic_script_names_find_the_latin_list_spelling(index):
    # no short vowels in Arabic script: حسن نصر الله is "hsn nsr llh"
    found = index.screen("حسن نصر الله")
    assert found and found[0].entry_id == "2686"  # NASRALLAH, Hasan
    assert found[0].explanation["alignment"][0]["method"].endswith("skeleton")
    assert "6365" in entry_ids(index.screen("أسامة بن لادن"))  # BIN LADEN, Usama


def test_transliteration_variants_of_a_given_name(small, index):
    for spelling in (
        "Khalid Abdullah Mohammed",
        "Khaled Abdallah Mohamed",
        "Muhammad Khalid Abdulla",
    ):
        assert entry_ids(small.screen(spelling)) == {"7"}, spelling
    mohammed = small.screen("Mohammed Khalid Abdullah")[0]
    pair = next(a for a in mohammed.explanation["alignment"] if a["list"] == "muhammad")
    assert pair["query"] == "mohammed" and pair["method"] == "phonetic"
    assert "6365" in entry_ids(index.screen("Osama Bin Laden"))
    assert "6365" in entry_ids(index.screen("Usama bin Ladin"))


def test_transliteration_spellings_fold_together():
    fold = matcher._fold
    assert fold("djamel") == fold("jamel") == fold("zhamel")
    assert fold("aleksandr") == fold("alexandr")
    assert fold("qassim") == fold("kasim") and fold("wei") == fold("vei")
    assert fold("moussa") == fold("musa") and fold("lopez") == fold("lopes")
    assert fold("bosco") == fold("bosko") and fold("yan") == fold("ian")
    assert fold("chen") != fold("chin")  # in short syllables the vowel is the name


def test_transliteration_variants_match_as_translit():
    idx = people("JAMEL, Bashir", "XIRSI, Xasan Cabdulle", "SUN, Wei")
    (m,) = idx.screen("Djamel Bashir")
    assert m.entry_id == "1"
    pair = next(a for a in m.explanation["alignment"] if a["list"] == "jamel")
    assert pair["method"] == "translit" and pair["similarity"] == matcher.TRANSLIT_SIMILARITY
    assert entry_ids(idx.screen("Ksirsi, Xasan Cabdulle")) == {"2"}
    assert entry_ids(idx.screen("Sun Vei")) == {"3"}
    assert idx.screen("Sun Vai") == []  # another vowel: another name


# --- typos ----------------------------------------------------------------------------------------


def test_a_transposition_counts_half_an_edit():
    assert matcher._edit_similarity("birght", "bright") == pytest.approx(1 - 0.5 / 6)
    assert matcher._edit_similarity("brigt", "bright") == pytest.approx(1 - 1 / 6)


def test_a_typo_the_rest_of_the_name_vouches_for():
    idx = people("YIGIT, Faruk", "SMITH, John", "JOAN, Maria", "ABBOT, Joan")
    # farou: a typo and a transliteration of faruk, too far for itself, anchored by yigit
    (m,) = idx.screen("yigit, farou")
    assert m.entry_id == "1"
    pair = next(a for a in m.explanation["alignment"] if a["list"] == "faruk")
    assert pair["method"] == "context-fuzzy" and pair["similarity"] < 1
    assert idx.screen("farou") == []  # alone it is no match
    # Joan is a name on the list: one letter from John it is another name, not a typo
    assert "2" not in entry_ids(idx.screen("Joan Smith"))


def test_a_family_name_with_the_initial_of_the_given_name():
    others = [entry(i, f"OTHER {chr(65 + i)}{chr(65 + i)}") for i in range(2, 20)]
    idx = matcher.Index([entry(1, "BOSHAB, Evariste", entry_type="individual"), *others])
    (m,) = idx.screen("BOSHAB, E.")
    assert m.explanation["components"]["one_part"] == matcher.ONE_PART_INITIALS_FACTOR
    assert idx.screen("BOSHAB, Evariste")[0].score > m.score
    assert idx.screen("BOSHAB, X.") == [] or idx.screen("BOSHAB, X.")[0].score < m.score


# --- name-part order -----------------------------------------------------------------------


def test_name_part_order_does_not_matter(index, small):
    a, b = small.screen("HASSAN, Ali"), small.screen("Ali Hassan")
    assert ids(a) == ids(b) == [("sdn", "1")] and a[0].score == b[0].score == 1.0
    assert ids(index.screen("Jong Un Kim"))[0] == ids(index.screen("KIM, Jong Un"))[0]


def test_chinese_family_name_must_match_the_family_name():
    idx = people("WANG, Guo Ying")
    family = idx.screen("王国英", threshold=0.0)[0]  # Wang Guoying: the same person
    assert family.score >= matcher.DEFAULT_THRESHOLD
    crossed = idx.screen("郭英", threshold=0.0)  # Guo Ying: Guo is a family name here
    assert not crossed or crossed[0].score < matcher.DEFAULT_THRESHOLD


# --- generic words and legal forms --------------------------------------------------------------


def test_generic_words_do_not_match_on_their_own(small, index):
    assert small.screen("International Trading Company LLC") == []
    assert small.screen("Trading Group Ltd") == []
    assert small.screen("Import Export S.A. de C.V.") == []
    assert index.screen("International Trading Company LLC") == []
    # a distinctive word is needed, and it is enough
    assert entry_ids(small.screen("Golden Star International Trading Company LLC")) == {"3"}
    assert entry_ids(small.screen("Silver Moon International Trading Company LLC")) == set()


def test_legal_suffix_added_removed_or_changed(small):
    for name in (
        "Golden Star",
        "Golden Star Trading LLC",
        "Golden Star Co Limited",
        "GOLDEN STAR GmbH",
    ):
        (m,) = small.screen(name)
        assert m.entry_id == "3" and m.score > 0.85, name
    assert entry_ids(small.screen("Omega Industrial Import Export SA de CV")) == {"6"}
    assert entry_ids(small.screen("Omega Industrial Importt Exportt, S.A.")) == {"6"}  # misspelt


# --- short names --------------------------------------------------------------------------------


def test_short_names(small, index):
    assert entry_ids(small.screen("HESA")) == {"12"}
    assert entry_ids(index.screen("HESA")) == {"11195"}
    assert index.screen("HESO") == []  # one letter off a four-letter name is another name
    assert entry_ids(small.screen("Wang Min")) == {"11"}
    # WANG, Chen is on the list: Kang and Fang are names of their own, not typos of Wang
    assert "30503" in entry_ids(index.screen("Wang Chen"))
    assert "30503" not in entry_ids(index.screen("Kang Chen"))
    assert "30503" not in entry_ids(index.screen("Fang Chen"))
    # Chinese names are short syllables: sharing one is no match
    assert index.screen("Wang Ming") == [] and index.screen("Li Ming") == []
    assert index.screen("Chen Wei") == [] and index.screen("Li Na") == []
    assert entry_ids(index.screen("Zhang Wei")) == {"23647"}  # WEI, Zhang
    assert index.screen("Ali") == []  # a common given name alone is no match
    assert entry_ids(index.screen("Cimex")) >= {"535"}


def test_a_one_part_match_of_a_longer_name_is_weak(small):
    assert small.screen("Hassan") == []
    assert small.screen("Molina") == []


# --- initials ------------------------------------------------------------------------------------


def test_initials(small):
    (m,) = small.screen("J. E. Molina Gonzalez")
    assert m.entry_id == "2"
    assert {a["method"] for a in m.explanation["alignment"]} == {"exact", "initial"}
    assert small.screen("Jose E. Molina Gonzalez")[0].score > m.score
    assert small.screen("J. Molina")[0].score < m.score if small.screen("J. Molina") else True


# --- explanation ---------------------------------------------------------------------------------


def test_explanation_says_what_matched_and_why(small):
    (m,) = small.screen("Mohamad Khalid Abdulla", country="IQ")
    assert (m.list, m.entry_id, m.entry_type, m.name) == (
        "sdn",
        "7",
        "individual",
        "MUHAMMAD, Khalid Abdullah",
    )
    e = m.explanation
    assert e["matched_name"] == m.name and e["name_kind"] == "primary" and e["name_strong"]
    assert e["query_tokens"] == ["mohamad", "khalid", "abdulla"]
    assert e["list_tokens"] == ["muhammad", "khalid", "abdullah"]
    pairs = {a["query"]: a for a in e["alignment"]}
    assert pairs["khalid"]["similarity"] == 1.0 and pairs["khalid"]["method"] == "exact"
    assert pairs["abdulla"]["list"] == "abdullah" and 0.8 < pairs["abdulla"]["similarity"] < 1
    assert all(a["weight"] > 0 for a in e["alignment"])
    assert e["unmatched_query"] == [] and e["unmatched_list"] == []
    comp = e["components"]
    assert 0 < comp["name_score"] <= 1 and comp["matched_weight"] > 0
    assert comp["country"]["agrees"] is None  # the entry has no country to compare
    assert e["score"] == m.score and e["threshold"] == matcher.DEFAULT_THRESHOLD
    assert "threshold" in e["reason"] and "MUHAMMAD, Khalid Abdullah" in e["reason"]


def test_weak_aliases_score_lower(small):
    found = {m.entry_id: m for m in small.screen("Vanya")}
    assert found["9"].score == 1.0  # its primary name
    assert found["8"].score == pytest.approx(matcher.WEAK_ALIAS_FACTOR)  # a weak a.k.a.
    assert found["8"].explanation["components"]["weak_alias"] == matcher.WEAK_ALIAS_FACTOR
    assert [m.entry_id for m in small.screen("Vanya")] == ["9", "8"]


def test_country_date_of_birth_and_type_agreement(small):
    base = small.screen("Ali Hassan")[0].score
    agree = small.screen(
        "Ali Hassan", country="Iraq", date_of_birth="1960-05-01", entity_type="individual"
    )[0]
    assert agree.score == base  # 1.0 is the ceiling
    comp = agree.explanation["components"]
    assert comp["country"]["agrees"] and comp["date_of_birth"]["agrees"]
    assert comp["entity_type"]["factor"] == 1.0
    other = small.screen(
        "Ali Hassan", country="FR", date_of_birth="1985", entity_type="company", threshold=0
    )[0]
    assert other.score < base
    comp = other.explanation["components"]
    assert not comp["country"]["agrees"] and not comp["date_of_birth"]["agrees"]
    assert comp["entity_type"]["factor"] == matcher.TYPE_MISMATCH_PERSON
    assert other.score == pytest.approx(
        base * matcher.COUNTRY_MISMATCH * matcher.DOB_MISMATCH * matcher.TYPE_MISMATCH_PERSON,
        abs=1e-4,
    )


# --- threshold and result shape -----------------------------------------------------------------


def test_threshold_and_top(index):
    loose = index.screen("Mohammed Ali", threshold=0.5, top=50)
    assert len(loose) > 5
    assert [m.score for m in loose] == sorted((m.score for m in loose), reverse=True)
    assert all(m.score >= 0.5 for m in loose)
    strict = index.screen("Mohammed Ali", threshold=0.9, top=50)
    assert ids(strict) == [i for i, m in zip(ids(loose), loose, strict=True) if m.score >= 0.9]
    assert len(index.screen("Mohammed Ali", threshold=0.5, top=3)) == 3
    assert all(0 <= m.score <= 1 for m in loose)
    assert index.screen("") == [] and index.screen("  ,.-  ") == []


def test_screen_many_gives_the_same_results_in_input_order(index):
    names = ["Ali Hassan", "Golden Star Trading", "Сергей Калиновский", "nobody at all"]
    queries = [*names, {"name": "Ali Hassan", "country": "IQ"}]
    many = index.screen_many(queries)
    assert [ids(r) for r in many[:4]] == [ids(index.screen(n)) for n in names]
    assert ids(many[4]) == ids(index.screen("Ali Hassan", country="IQ"))


# --- property: a list name finds its own entry -------------------------------------------------


@pytest.fixture(scope="module")
def strong_names(entries):
    return [(e.list, e.entry_id, n.name) for e in entries for n in e.names if n.strong]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_strong_list_name_finds_its_own_entry(index, strong_names, data):
    lst, entry_id, name = data.draw(st.sampled_from(strong_names))
    found = index.screen(name, top=100)
    assert (lst, entry_id) in ids(found), name
    mine = next(m for m in found if (m.list, m.entry_id) == (lst, entry_id))
    assert mine.score == found[0].score  # nothing scores above a list name's own entry

"""Property tests of the scoring matrix (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openctpat.risk.scoring import RATINGS, Matrix, MatrixError, vulnerability_from_answers, worst

ratings = st.sampled_from(RATINGS)


@st.composite
def matrices(draw):
    low = draw(st.integers(1, 4))
    medium = draw(st.integers(low + 1, 7))
    high = draw(st.integers(medium + 1, 10))
    use_impact = draw(st.booleans())
    factors = 3 if use_impact else 2
    lo, hi = low**factors, high**factors
    medium_from = draw(st.integers(lo + 1, hi - 1))
    high_from = draw(st.integers(medium_from + 1, hi))
    return Matrix(low, medium, high, use_impact, medium_from, high_from)


@given(matrices(), ratings, ratings, ratings)
def test_score_is_within_bounds_and_banded(matrix, threat, vulnerability, impact):
    matrix.check()
    score = matrix.score(threat, vulnerability, impact)
    assert matrix.min_score <= score <= matrix.max_score
    assert matrix.band(score) in RATINGS


@given(matrices(), ratings, ratings, ratings)
def test_raising_any_factor_never_lowers_the_risk(matrix, threat, vulnerability, impact):
    base = matrix.score(threat, vulnerability, impact)
    for higher in RATINGS[RATINGS.index(threat) :]:
        assert matrix.score(higher, vulnerability, impact) >= base
    for higher in RATINGS[RATINGS.index(vulnerability) :]:
        assert matrix.score(threat, higher, impact) >= base
    if matrix.use_impact:
        for higher in RATINGS[RATINGS.index(impact) :]:
            assert matrix.score(threat, vulnerability, higher) >= base


@given(matrices(), ratings, ratings)
def test_score_is_symmetric_in_threat_and_vulnerability(matrix, a, b):
    assert matrix.score(a, b, "Medium") == matrix.score(b, a, "Medium")


@given(matrices())
def test_extremes_band_low_and_high(matrix):
    assert matrix.band(matrix.score("Low", "Low", "Low")) == "Low"
    assert matrix.band(matrix.score("High", "High", "High")) == "High"


@given(matrices(), st.integers(-5, 1200), st.integers(-5, 1200))
def test_band_is_monotonic(matrix, a, b):
    lo, hi = sorted((a, b))
    assert RATINGS.index(matrix.band(lo)) <= RATINGS.index(matrix.band(hi))


def test_default_matrix_and_grid():
    matrix = Matrix()
    matrix.check()
    assert matrix.score("High", "High") == 9 and matrix.band(9) == "High"
    assert matrix.band(matrix.score("Medium", "Medium")) == "Medium"
    assert matrix.band(matrix.score("Low", "Medium")) == "Low"
    grid = matrix.grid()
    assert grid[0][2] == (9, "High") and grid[2][0] == (1, "Low")


@pytest.mark.parametrize(
    "matrix",
    [
        Matrix(low=2, medium=2, high=3),
        Matrix(medium_from=6, high_from=6),
        Matrix(high_from=10),
        Matrix(use_impact=True, medium_from=1, high_from=6),
    ],
)
def test_unreachable_bands_are_refused(matrix):
    with pytest.raises(MatrixError):
        matrix.check()


def test_unknown_rating_is_refused():
    with pytest.raises(MatrixError, match="not one of"):
        Matrix().score("Severe", "Low")


def test_helpers():
    assert worst(["Low", None, "High", "Medium"]) == "High"
    assert worst([None]) is None
    assert vulnerability_from_answers(9, 10) == "Low"
    assert vulnerability_from_answers(5, 10) == "Medium"
    assert vulnerability_from_answers(1, 10) == "High"
    assert vulnerability_from_answers(0, 0) is None

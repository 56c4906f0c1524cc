"""The tier computation, without a database: each factor's contribution and its reason."""

import pytest

from openctpat.partners.tiering import Facts, SettingsError, Weights, compute


def reasons(result):
    return {r.factor: r for r in result.reasons}


def test_an_unknown_partner_in_a_high_threat_country_is_high():
    facts = Facts(country_ratings={"HN": "High"}, activities=["stuffing"])
    result = compute(facts, Weights())
    # screening is left out: 25+20+15+20+10 = 90 weight; country, role, cert, questionnaire
    # are all at full risk, weaknesses at none: 80/90.
    assert result.score == 89
    assert result.tier == "High"
    r = reasons(result)
    assert "HN High" in r["country"].detail
    assert r["role"].detail == "Highest-risk activity: stuffing."
    assert r["certification"].detail == "No current security certification."
    assert r["questionnaire"].detail == "No security questionnaire answered yet."
    assert r["screening"].points == 0 and "Not screened" in r["screening"].detail


def test_a_certified_partner_with_a_good_questionnaire_is_low():
    facts = Facts(
        country_ratings={"CA": "Low"},
        activities=["customs_brokerage"],
        certification="current_ctpat",
        certification_label="CTPAT SVI-1",
        questionnaire_score=100,
        screening="clear",
    )
    result = compute(facts, Weights())
    assert result.score == 8  # only the role (0.4 x 20 of 100) counts
    assert result.tier == "Low"
    r = reasons(result)
    assert r["certification"].detail == "CTPAT certified, verified (CTPAT SVI-1)."
    assert r["questionnaire"].detail == "Questionnaire: 100% of applicable questions met."
    assert r["screening"].detail == "Screened: no restricted-party match."


def test_weaknesses_against_a_must_criterion_count_in_full():
    base = Facts(country_ratings={"MX": "Medium"}, activities=["transport"], screening="clear")
    one = compute(Facts(**{**base.__dict__, "open_weaknesses": 1}), Weights())
    must = compute(
        Facts(**{**base.__dict__, "open_weaknesses": 1, "open_must_weaknesses": 1}), Weights()
    )
    assert reasons(one)["weaknesses"].risk == 0.5
    assert reasons(must)["weaknesses"].risk == 1.0
    assert "against a Must criterion" in reasons(must)["weaknesses"].detail
    assert must.score > one.score


def test_a_confirmed_screening_match_is_high_whatever_the_score():
    facts = Facts(
        country_ratings={"CA": "Low"},
        certification="current_ctpat",
        questionnaire_score=100,
        activities=["it_services"],
        screening="confirmed_match",
    )
    result = compute(facts, Weights(screening=1))
    assert result.score < 35
    assert result.tier == "High"
    assert reasons(result)["override"].detail == "A confirmed match makes the tier High."


def test_weights_are_configurable_and_a_zero_weight_drops_a_factor():
    facts = Facts(country_ratings={"HN": "High"}, certification="current_ctpat", screening="clear")
    only_country = Weights(role=0, certification=0, questionnaire=0, weaknesses=0, screening=0)
    assert compute(facts, only_country).score == 100
    only_cert = Weights(country=0, role=0, questionnaire=0, weaknesses=0, screening=0)
    assert compute(facts, only_cert).score == 0


def test_unrated_countries_count_as_medium_and_say_so():
    result = compute(Facts(country_ratings={"XK": None}), Weights())
    assert reasons(result)["country"].risk == 0.5
    assert "XK not rated (counted as Medium)" in reasons(result)["country"].detail


def test_the_worst_country_counts():
    result = compute(Facts(country_ratings={"CA": "Low", "CO": "High"}), Weights())
    assert reasons(result)["country"].risk == 1.0


def test_partial_answers_lower_the_questionnaire_risk_proportionally():
    result = compute(Facts(questionnaire_score=75), Weights())
    assert reasons(result)["questionnaire"].risk == pytest.approx(0.25)


def test_thresholds_decide_the_tier():
    facts = Facts(country_ratings={"MX": "Medium"}, activities=["storage"], screening="clear")
    score = compute(facts, Weights()).score
    assert compute(facts, Weights(high_from=score, medium_from=1)).tier == "High"
    assert compute(facts, Weights(high_from=score + 1, medium_from=score)).tier == "Medium"
    assert compute(facts, Weights(high_from=100, medium_from=score + 1)).tier == "Low"


@pytest.mark.parametrize(
    "weights",
    [
        Weights(0, 0, 0, 0, 0, 0),
        Weights(high_from=30, medium_from=40),
        Weights(high_from=101),
        Weights(medium_from=0),
    ],
)
def test_bad_settings_are_refused(weights):
    with pytest.raises(SettingsError):
        compute(Facts(), weights)

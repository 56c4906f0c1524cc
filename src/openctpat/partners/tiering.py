"""The partner risk tier: a weighted score with its reasons (pure Python, no Django).

Each factor gives a risk between 0 (none) and 1 (highest); the score is the weighted mean
times 100. A factor with no data either counts at a stated default or, for screening before
any list is loaded, is left out and its weight shared by the others; the reasons say which.
A confirmed restricted-party match makes the tier High whatever the score.
"""

from dataclasses import dataclass, field

RATING_RISK = {"High": 1.0, "Medium": 0.5, "Low": 0.0}
FACTORS = ("country", "role", "certification", "questionnaire", "weaknesses", "screening")
FACTOR_LABELS = {
    "country": "Country threat",
    "role": "Role in the supply chain",
    "certification": "Security certification",
    "questionnaire": "Security questionnaire",
    "weaknesses": "Open weaknesses",
    "screening": "Restricted-party screening",
}
# What a partner does, by how much of the cargo's security it holds.
ROLE_RISK = {
    "stuffing": 1.0,
    "sealing": 1.0,
    "manufacturing": 0.8,
    "packing": 0.8,
    "consolidation": 0.8,
    "storage": 0.7,
    "highway_transport": 0.7,
    "sea_transport": 0.6,
    "air_transport": 0.6,
    "rail_transport": 0.6,
    "transport": 0.6,
    "freight_forwarding": 0.4,
    "customs_brokerage": 0.4,
    "documentation": 0.4,
    "document_handling": 0.4,
    "shipping_data": 0.4,
    "order_data": 0.3,
    "security_services": 0.3,
    "it_services": 0.3,
    "other": 0.2,
}
# The organisation's tier settings: the lowest and highest value each takes, and its label.
SETTINGS = {
    "weight_country": (0, 100, "Country threat"),
    "weight_role": (0, 100, "Role in the supply chain"),
    "weight_certification": (0, 100, "Certification"),
    "weight_questionnaire": (0, 100, "Questionnaire"),
    "weight_weaknesses": (0, 100, "Open weaknesses"),
    "weight_screening": (0, 100, "Screening"),
    "high_from": (1, 100, "High from score"),
    "medium_from": (1, 100, "Medium from score"),
    "months_high": (1, 120, "Re-assess High every (months)"),
    "months_medium": (1, 120, "Re-assess Medium every (months)"),
    "months_low": (1, 120, "Re-assess Low every (months)"),
}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Weights:
    country: int = 25
    role: int = 20
    certification: int = 15
    questionnaire: int = 20
    weaknesses: int = 10
    screening: int = 10
    high_from: int = 60
    medium_from: int = 35

    def check(self) -> None:
        if sum(getattr(self, f) for f in FACTORS) <= 0:
            raise SettingsError("At least one weight must be above zero.")
        if not 0 < self.medium_from < self.high_from <= 100:
            raise SettingsError("Thresholds must satisfy 0 < Medium from < High from ≤ 100.")


@dataclass
class Facts:
    """What is known about one partner."""

    country_ratings: dict[str, str | None] = field(default_factory=dict)  # country -> rating
    country_source: str = "reference indicators"
    activities: list[str] = field(default_factory=list)
    certification: str = "none"  # current_ctpat | current_mra | current_other | claimed | none
    certification_label: str = ""
    questionnaire_score: int | None = None  # percent yes of applicable, last reviewed/submitted
    open_weaknesses: int = 0
    open_must_weaknesses: int = 0
    screening: str | None = None  # clear | potential_match | confirmed_match | None


@dataclass
class Reason:
    factor: str
    label: str
    weight: int
    risk: float
    points: float
    detail: str


@dataclass
class TierResult:
    score: int
    tier: str
    reasons: list[Reason]


def _country(facts: Facts) -> tuple[float, str]:
    if not facts.country_ratings:
        return 0.5, "No country given; counted as Medium."
    parts, worst = [], 0.0
    for country, rating in sorted(facts.country_ratings.items()):
        if rating is None:
            parts.append(f"{country} not rated (counted as Medium)")
            worst = max(worst, 0.5)
        else:
            parts.append(f"{country} {rating}")
            worst = max(worst, RATING_RISK[rating])
    return worst, f"Worst threat rating from the {facts.country_source}: {', '.join(parts)}."


def _role(facts: Facts) -> tuple[float, str]:
    known = [a for a in facts.activities if a in ROLE_RISK]
    if not known:
        return 0.5, "What the partner does for us is not recorded; counted as medium."
    top = max(known, key=lambda a: ROLE_RISK[a])
    return ROLE_RISK[top], f"Highest-risk activity: {top.replace('_', ' ')}."


def _certification(facts: Facts) -> tuple[float, str]:
    label = f" ({facts.certification_label})" if facts.certification_label else ""
    return {
        "current_ctpat": (0.0, f"CTPAT certified, verified{label}."),
        "current_mra": (0.1, f"Certified under a program with a CTPAT MRA{label}."),
        "current_other": (0.5, f"Other security certification{label}; not CTPAT or MRA."),
        "claimed": (0.75, f"Certification claimed but not verified{label}."),
    }.get(facts.certification, (1.0, "No current security certification."))


def _questionnaire(facts: Facts) -> tuple[float, str]:
    if facts.questionnaire_score is None:
        return 1.0, "No security questionnaire answered yet."
    score = max(0, min(100, facts.questionnaire_score))
    return 1 - score / 100, f"Questionnaire: {score}% of applicable questions met."


def _weaknesses(facts: Facts) -> tuple[float, str]:
    n, must = facts.open_weaknesses, facts.open_must_weaknesses
    if n == 0:
        return 0.0, "No open weaknesses."
    risk = 1.0 if must or n >= 3 else 0.5
    musts = f", {must} against a Must criterion" if must else ""
    return risk, f"{n} open weakness{'es' if n > 1 else ''}{musts}."


def _screening(facts: Facts) -> tuple[float, str] | None:
    return {
        None: None,
        "clear": (0.0, "Screened: no restricted-party match."),
        "potential_match": (1.0, "Screening: potential restricted-party match under review."),
        "confirmed_match": (1.0, "Screening: confirmed restricted-party match."),
    }[facts.screening]


def compute(facts: Facts, weights: Weights) -> TierResult:
    weights.check()
    found = {
        "country": _country(facts),
        "role": _role(facts),
        "certification": _certification(facts),
        "questionnaire": _questionnaire(facts),
        "weaknesses": _weaknesses(facts),
        "screening": _screening(facts),
    }
    counted = {f: v for f, v in found.items() if v is not None and getattr(weights, f) > 0}
    total = sum(getattr(weights, f) for f in counted) or 1
    reasons, score = [], 0.0
    for factor in FACTORS:
        weight = getattr(weights, factor)
        if found[factor] is None:
            reasons.append(
                Reason(
                    factor,
                    FACTOR_LABELS[factor],
                    weight,
                    0.0,
                    0.0,
                    "Not screened yet: left out, its weight shared by the other factors.",
                )
            )
            continue
        risk, detail = found[factor]
        points = 100 * weight * risk / total if factor in counted else 0.0
        score += points
        reasons.append(
            Reason(factor, FACTOR_LABELS[factor], weight, risk, round(points, 1), detail)
        )
    rounded = round(score)
    if facts.screening == "confirmed_match":
        tier = "High"
        reasons.append(
            Reason("override", "Override", 0, 1.0, 0.0, "A confirmed match makes the tier High.")
        )
    elif rounded >= weights.high_from:
        tier = "High"
    elif rounded >= weights.medium_from:
        tier = "Medium"
    else:
        tier = "Low"
    return TierResult(rounded, tier, reasons)

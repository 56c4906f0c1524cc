"""What risk tells the partner register: country threat ratings and the activities a
partner's parties perform in the lanes; and the lanes it refreshes when a partner answers.

Registered in ``RiskConfig.ready()`` (partners imports nothing from risk).
"""

from .models import Assessment, AssessmentStatus, CountryThreat, LaneNode, ReferenceIndicator
from .scoring import worst


def country_ratings(org) -> tuple[dict[str, str], str]:
    """country -> worst threat rating, from the latest risk assessment or reference data."""
    from .services import current_reference_set

    assessment = (
        Assessment.objects.for_org(org).order_by("-status", "-assessment_date", "-id").first()
    )
    ratings: dict[str, list[str]] = {}
    source = "reference indicators"
    if assessment is not None:
        for country, rating, suggested in CountryThreat.objects.filter(
            assessment=assessment
        ).values_list("country", "rating", "suggested_rating"):
            if rating or suggested:
                ratings.setdefault(country, []).append(rating or suggested)
        source = f"risk assessment {assessment.title!r}"
    ref = current_reference_set(org)
    if ref is not None:
        for country, rating in ReferenceIndicator.objects.filter(reference_set=ref).values_list(
            "country", "rating"
        ):
            if country not in ratings or source == "reference indicators":
                ratings.setdefault(country, []).append(rating)
    return {c: worst(r) for c, r in ratings.items()}, source


def lane_activities(org, partner_ids) -> dict[int, set]:
    activities: dict[int, set] = {}
    for pid, acts in (
        LaneNode.objects.for_org(org)
        .filter(partner_id__in=partner_ids)
        .values_list("partner_id", "activities")
    ):
        activities.setdefault(pid, set()).update(acts or [])
    return activities


def refresh_lanes(sender, organisation, partner, **kwargs) -> None:
    """Draft risk assessments where the partner sits take its new answers as suggestions."""
    from .services import sync

    for assessment in (
        Assessment.objects.for_org(organisation)
        .filter(status=AssessmentStatus.DRAFT, lanes__nodes__partner=partner)
        .distinct()
    ):
        sync(assessment)


def connect() -> None:
    from openctpat.partners import providers

    providers.country_ratings.register(country_ratings)
    providers.lane_activities.register(lane_activities)
    providers.questionnaire_submitted.connect(refresh_lanes, dispatch_uid="risk-refresh-lanes")

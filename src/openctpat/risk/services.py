"""The risk assessment's logic: every step's writes, the scores, sign-off and copy-forward."""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from openctpat.accounts.models import Membership
from openctpat.catalog.categories import CATEGORIES, category_name
from openctpat.core import audit, concurrency, tabular
from openctpat.core.audit import Action as AuditAction
from openctpat.core.bulk import insert_many
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, invalid
from openctpat.core.orgsettings import OrgSettings
from openctpat.profiles.models import AnswerStatus, SecurityProfile

from . import reference
from .models import (
    ACTIVITIES,
    Action,
    ActionStatus,
    Assessment,
    AssessmentStatus,
    CountryThreat,
    Lane,
    LaneNode,
    Mode,
    NodeType,
    Rating,
    ReferenceIndicator,
    ReferenceSet,
    ScoringSettings,
    ThreatCategory,
    Vulnerability,
)
from .node_roles import categories_for
from .scoring import Matrix, MatrixError, vulnerability_from_answers, worst

DATA_DIR = Path(__file__).resolve().parent / "data" / "indicators"
PACKAGED_FILE = DATA_DIR / "reference-indicators.csv"
ASSESSMENT_FIELDS = ("title", "assessment_date", "scope", "participants", "methodology", "sources")
NODE_FIELDS = (
    "position",
    "node_type",
    "mode",
    "name",
    "site",
    "partner",
    "country",
    "activities",
    "impact",
)
ACTION_FIELDS = (
    "title",
    "description",
    "node",
    "msc_category",
    "criterion",
    "owner",
    "due_date",
    "status",
    "evidence",
    "completion_note",
)
MATRIX_FIELDS = ("low", "medium", "high", "use_impact", "medium_from", "high_from")


# -- reference indicators --------------------------------------------------------------------
def _store_reference(rows, name, sha, organisation=None, actor=None, using="default"):
    ref = ReferenceSet.objects.using(using).create(
        organisation=organisation,
        name=name,
        file_sha256=sha,
        as_of=max(r.source_date for r in rows),
        loaded_by=actor,
    )
    ReferenceIndicator.objects.using(using).bulk_create(
        ReferenceIndicator(reference_set=ref, **r.__dict__) for r in rows
    )
    return ref


def load_packaged_indicators(using: str = "default") -> ReferenceSet | None:
    """The shipped file, loaded once per content (a changed file is a new set)."""
    if not PACKAGED_FILE.exists():
        return None
    data = PACKAGED_FILE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    existing = ReferenceSet.objects.using(using).filter(organisation=None, file_sha256=sha).first()
    if existing:
        return existing
    rows = reference.parse(data)
    with transaction.atomic(using=using):
        ref = _store_reference(rows, "OpenCTPAT reference indicators", sha, using=using)
        audit.record(AuditAction.CREATE, target=ref, changes={"indicators": len(rows)})
    return ref


def import_indicators(org, actor, uploaded) -> ReferenceSet:
    """An organisation's newer reference file; earlier sets are kept."""
    data = tabular.read_upload(uploaded, reference.LIMITS.max_bytes)
    try:
        rows = reference.parse(data)
    except reference.ReferenceFileError as exc:
        raise ValidationFailed(
            exc.message, field_errors={"rows": exc.rows or [exc.message]}
        ) from exc
    with transaction.atomic():
        ref = _store_reference(
            rows, uploaded.name or "imported file", hashlib.sha256(data).hexdigest(), org, actor
        )
        audit.record(
            AuditAction.CREATE,
            organisation=org,
            actor=actor,
            target=ref,
            changes={"indicators": len(rows), "file": ref.name, "as_of": ref.as_of},
        )
    return ref


def reference_sets(org):
    return ReferenceSet.objects.filter(Q(organisation=org) | Q(organisation=None)).annotate(
        indicator_count=Count("indicators")
    )


def current_reference_set(org) -> ReferenceSet | None:
    return reference_sets(org).order_by("-loaded_at", "-id").first()


# -- scoring matrix --------------------------------------------------------------------------
def matrix_for(org) -> Matrix:
    s = settings_for(org)
    return Matrix(**{f: getattr(s, f) for f in MATRIX_FIELDS})


def matrix_of(assessment: Assessment) -> Matrix:
    """A signed-off assessment keeps the matrix it was scored with."""
    if assessment.is_frozen and assessment.matrix:
        return Matrix(**assessment.matrix)
    return matrix_for(assessment.organisation)


def _check_matrix(values: dict) -> None:
    try:
        Matrix(**values).check()
    except MatrixError as exc:
        raise ValidationFailed(str(exc), field_errors={"__all__": [str(exc)]}) from exc


MATRIX = OrgSettings(ScoringSettings, MATRIX_FIELDS, check=_check_matrix)
settings_for = MATRIX.for_org
update_matrix = MATRIX.update


# -- assessments -----------------------------------------------------------------------------
def ensure_draft(assessment: Assessment) -> None:
    """Lock the assessment for the change at hand, then refuse it once signed off.

    Every change to an assessment's lanes, ratings and actions comes through here, so a
    sign-off and an edit never interleave.
    """
    concurrency.lock(assessment)
    refuse_frozen(assessment)


def refuse_frozen(assessment: Assessment) -> None:
    if assessment.is_frozen:
        raise Conflict(
            "This assessment is signed off and read-only; start next year's as a copy of it."
        )


@transaction.atomic
def create_assessment(org, actor, *, title: str, assessment_date=None, **fields) -> Assessment:
    title = (title or "").strip()
    if not title:
        raise invalid("title", "An assessment needs a title.")
    assessment = Assessment.objects.create(
        organisation=org,
        title=title[:200],
        assessment_date=assessment_date or timezone.localdate(),
        reference_set=current_reference_set(org),
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    audit.record_created(org, actor, assessment, ASSESSMENT_FIELDS)
    return assessment


@transaction.atomic
def update_assessment(org, actor, assessment: Assessment, **fields) -> Assessment:
    ensure_draft(assessment)
    refuse_unknown(fields, ASSESSMENT_FIELDS)
    if "title" in fields and not (fields["title"] or "").strip():
        raise invalid("title", "An assessment needs a title.")
    audit.update_audited(org, actor, assessment, fields, ASSESSMENT_FIELDS)
    return assessment


@dataclass
class Readiness:
    threats_open: int
    vulnerabilities_open: int
    lanes: int

    @property
    def ready(self) -> bool:
        return self.lanes > 0 and not self.threats_open and not self.vulnerabilities_open


def readiness(assessment: Assessment) -> Readiness:
    open_q = Q(rating="") | Q(needs_reconfirmation=True)
    return Readiness(
        assessment.threats.filter(open_q).count(),
        assessment.vulnerabilities.filter(open_q).count(),
        assessment.lanes.count(),
    )


@transaction.atomic
def sign_off(org, actor, assessment: Assessment, role: str) -> Assessment:
    from openctpat.core.permissions import Role

    if role != Role.OWNER:
        raise PermissionDenied("Only an owner (the PCSO) can sign off a risk assessment.")
    ensure_draft(assessment)
    state = readiness(assessment)
    if not state.ready:
        raise Conflict(
            f"Not ready to sign off: {state.lanes} lane(s), {state.threats_open} country "
            f"threat rating(s) and {state.vulnerabilities_open} vulnerability rating(s) "
            "still to decide or re-confirm."
        )
    matrix = matrix_for(org)
    assessment.matrix = {f: getattr(matrix, f) for f in MATRIX_FIELDS}
    assessment.status = AssessmentStatus.SIGNED_OFF
    assessment.signed_off_by = actor
    assessment.signed_off_at = timezone.now()
    assessment.updated_by = actor
    assessment.save()
    audit.record(
        AuditAction.UPDATE,
        organisation=org,
        actor=actor,
        target=assessment,
        changes={"status": ["draft", "signed_off"], "matrix": assessment.matrix},
    )
    return assessment


@transaction.atomic
def copy_forward(org, actor, previous: Assessment, *, title: str | None = None) -> Assessment:
    """Next year's assessment: the same lanes and ratings, every rating to re-confirm."""
    today = timezone.localdate()
    new = create_assessment(
        org,
        actor,
        title=title or f"Risk assessment {today.year}",
        assessment_date=today,
        scope=previous.scope,
        participants=previous.participants,
        methodology=previous.methodology,
        sources=previous.sources,
    )
    new.previous = previous
    new.save(update_fields=["previous"])
    node_map = {}
    for lane in previous.lanes.prefetch_related("nodes"):
        copy = Lane.objects.create(
            organisation=org,
            assessment=new,
            name=lane.name,
            description=lane.description,
            created_by=actor,
            updated_by=actor,
        )
        for node in lane.nodes.all():
            old_pk = node.pk
            node.pk = None
            node.lane = copy
            node.created_by = node.updated_by = actor
            node.save()
            node_map[old_pk] = node
    CountryThreat.objects.bulk_create(
        CountryThreat(
            organisation=org,
            assessment=new,
            country=t.country,
            category=t.category,
            suggested_rating=t.suggested_rating,
            suggestion_basis=t.suggestion_basis,
            rating=t.rating,
            override_reason=t.override_reason,
            rationale=t.rationale,
            sources=t.sources,
            needs_reconfirmation=True,
            created_by=actor,
            updated_by=actor,
        )
        for t in previous.threats.all()
    )
    Vulnerability.objects.bulk_create(
        Vulnerability(
            organisation=org,
            assessment=new,
            node=node_map[v.node_id],
            category=v.category,
            suggested_rating=v.suggested_rating,
            basis=v.basis,
            rating=v.rating,
            notes=v.notes,
            needs_reconfirmation=True,
            created_by=actor,
            updated_by=actor,
        )
        for v in previous.vulnerabilities.all()
    )
    sync(new)  # fresh suggestions from the newest reference data and profile answers
    audit.record(
        AuditAction.CREATE,
        organisation=org,
        actor=actor,
        target=new,
        changes={"copied_from": previous.pk, "lanes": len({n.lane_id for n in node_map.values()})},
    )
    return new


# -- step 1: lanes and nodes -----------------------------------------------------------------
@transaction.atomic
def create_lane(org, actor, assessment: Assessment, *, name: str, description: str = "") -> Lane:
    ensure_draft(assessment)
    name = (name or "").strip()
    if not name:
        raise invalid("name", "A lane needs a name.")
    lane = Lane(
        organisation=org,
        assessment=assessment,
        name=name[:200],
        description=description or "",
        created_by=actor,
        updated_by=actor,
    )
    try:
        with transaction.atomic():
            lane.save()
    except IntegrityError as exc:
        raise Conflict(
            f"A lane named {name!r} already exists.", field_errors={"name": ["Taken."]}
        ) from exc
    audit.record_changes(AuditAction.CREATE, org, actor, lane, {"name": [None, lane.name]})
    return lane


@transaction.atomic
def update_lane(org, actor, lane: Lane, **fields) -> Lane:
    ensure_draft(lane.assessment)
    if "name" in fields and not (fields["name"] or "").strip():
        raise invalid("name", "A lane needs a name.")
    audit.update_audited(org, actor, lane, fields, ("name", "description"))
    return lane


@transaction.atomic
def delete_lane(org, actor, lane: Lane) -> None:
    assessment = lane.assessment
    ensure_draft(assessment)
    audit.record_changes(AuditAction.DELETE, org, actor, lane, {"name": [lane.name, None]})
    lane.delete()
    sync(assessment)


def clean_node(org, fields: dict) -> dict:
    """Validate a node's fields the same way for forms, the API and CSV import."""
    fields = dict(fields)
    if "node_type" in fields and fields["node_type"] not in NodeType.values:
        raise invalid("node_type", f"Choose one of {', '.join(NodeType.values)}.")
    if "mode" in fields:
        fields["mode"] = fields["mode"] or ""
        if fields["mode"] and fields["mode"] not in Mode.values:
            raise invalid("mode", f"Choose one of {', '.join(Mode.values)}.")
    if fields.get("node_type") == NodeType.CARRIER_LEG and not fields.get("mode"):
        raise invalid("mode", "A carrier leg needs its mode: sea, air, rail or highway.")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()[:200]
        if not fields["name"]:
            raise invalid("name", "Name the business partner or place.")
    if "country" in fields:
        code = (fields["country"] or "").strip().upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise invalid("country", f"{fields['country']!r} is not an ISO 3166 country code.")
        fields["country"] = code
    if "activities" in fields:
        activities = list(dict.fromkeys(fields["activities"] or []))
        bad = [a for a in activities if a not in ACTIVITIES]
        if bad:
            raise invalid("activities", f"Unknown activities: {', '.join(bad)}.")
        fields["activities"] = activities
    if "impact" in fields and fields["impact"] not in Rating.values:
        raise invalid("impact", "Impact is High, Medium or Low.")
    site = fields.get("site")
    if site is not None and site.organisation_id != org.pk:
        raise NotFound("No such site.")
    partner = fields.get("partner")
    if partner is not None and partner.organisation_id != org.pk:
        raise NotFound("No such business partner.")
    return fields


def _retier(org, *partners) -> None:
    """A partner's role in a lane is part of its risk tier."""
    from openctpat.partners.services import recompute_tiers

    linked = [p for p in partners if p is not None]
    if linked:
        recompute_tiers(org, linked)


@transaction.atomic
def add_node(org, actor, lane: Lane, **fields) -> LaneNode:
    ensure_draft(lane.assessment)
    fields = clean_node(org, {"mode": "", "activities": [], "impact": "Medium", **fields})
    last = lane.nodes.order_by("-position").values_list("position", flat=True).first() or 0
    fields.setdefault("position", last + 1)
    fields["position"] = fields["position"] or last + 1
    node = LaneNode.objects.create(
        organisation=org, lane=lane, created_by=actor, updated_by=actor, **fields
    )
    audit.record_created(org, actor, node, NODE_FIELDS)
    sync(lane.assessment)
    _retier(org, node.partner)
    return node


@transaction.atomic
def update_node(org, actor, node: LaneNode, **fields) -> LaneNode:
    ensure_draft(node.lane.assessment)
    merged = {"node_type": node.node_type, "mode": node.mode, **fields}
    fields = {k: v for k, v in clean_node(org, merged).items() if k in fields or k == "mode"}
    if fields.get("position", 0) is None:  # left blank in the form: keep its place
        del fields["position"]
    previous = node.partner
    audit.update_audited(org, actor, node, fields, NODE_FIELDS)
    sync(node.lane.assessment)
    _retier(org, previous, node.partner if node.partner != previous else None)
    return node


@transaction.atomic
def delete_node(org, actor, node: LaneNode) -> None:
    assessment = node.lane.assessment
    ensure_draft(assessment)
    audit.record_changes(
        AuditAction.DELETE, org, actor, node, audit.diff(audit.snapshot(node, NODE_FIELDS), {})
    )
    partner = node.partner
    node.delete()
    sync(assessment)
    _retier(org, partner)


# -- keeping steps 2 and 3 in line with step 1 ------------------------------------------------
def _suggestions(assessment: Assessment, countries) -> dict:
    ref = assessment.reference_set or current_reference_set(assessment.organisation)
    found: dict[tuple[str, str], list[ReferenceIndicator]] = {}
    if ref is None:
        return found
    for ind in ref.indicators.filter(country__in=countries):
        found.setdefault((ind.country, ind.category), []).append(ind)
    return found


def _basis(indicators) -> list[dict]:
    return [
        {
            "rating": i.rating,
            "indicator": i.indicator,
            "source": i.source,
            "source_url": i.source_url,
            "source_date": i.source_date,
        }
        for i in indicators
    ]


def _site_suggestions(org, site_ids) -> dict[tuple[int, int], tuple[str, str]]:
    """(site, category) -> (rating, basis) from the security profile covering each site."""
    result = {}
    if not site_ids:
        return result
    profiles = SecurityProfile.objects.for_org(org)
    rows = (
        profiles.filter(Q(site_id__in=site_ids) | Q(site__isnull=True))
        .values("site_id", "answers__criterion__category")
        .annotate(
            applicable=Count(
                "answers",
                filter=Q(answers__retired=False) & ~Q(answers__status=AnswerStatus.NOT_APPLICABLE),
            ),
            meets=Count(
                "answers", filter=Q(answers__retired=False, answers__status=AnswerStatus.MEETS)
            ),
        )
    )
    whole_org = {}
    for row in rows:
        category = row["answers__criterion__category"]
        if category is None:
            continue
        rating = vulnerability_from_answers(row["meets"], row["applicable"])
        if rating is None:
            continue
        basis = f"Security profile: {row['meets']} of {row['applicable']} criteria met"
        if row["site_id"] is None:
            whole_org[category] = (rating, basis)
        else:
            result[(row["site_id"], category)] = (rating, basis)
    for site_id in site_ids:
        for category, value in whole_org.items():
            result.setdefault((site_id, category), value)
    return result


def _partner_suggestions(org, partner_ids) -> dict[tuple[int, int], tuple[str, str]]:
    """(partner, category) -> (rating, basis) from the partner's last answered questionnaire."""
    from openctpat.partners.models import Questionnaire, QuestionnaireItem, Reply

    result = {}
    if not partner_ids:
        return result
    latest = {}
    for q in (
        Questionnaire.objects.for_org(org)
        .filter(partner_id__in=partner_ids, status__in=["submitted", "reviewed"])
        .order_by("partner_id", "submitted_at", "id")
        .values("pk", "partner_id", "title")
    ):
        latest[q["partner_id"]] = q
    rows = (
        QuestionnaireItem.objects.filter(
            questionnaire_id__in=[q["pk"] for q in latest.values()], criterion__isnull=False
        )
        .values("questionnaire__partner_id", "criterion__category")
        .annotate(
            applicable=Count("id", filter=~Q(reply__in=["", Reply.NOT_APPLICABLE])),
            meets=Count("id", filter=Q(reply=Reply.YES)),
        )
    )
    for row in rows:
        rating = vulnerability_from_answers(row["meets"], row["applicable"])
        if rating is None:
            continue
        pid = row["questionnaire__partner_id"]
        basis = (
            f"Partner questionnaire {latest[pid]['title']!r}: "
            f"{row['meets']} of {row['applicable']} answered yes"
        )
        result[(pid, row["criterion__category"])] = (rating, basis)
    return result


def sync(assessment: Assessment) -> None:
    """Create the threat rows for every mapped country and the vulnerability rows for every
    node, with suggestions; drop rows for countries and categories no longer mapped."""
    org = assessment.organisation
    nodes = list(LaneNode.objects.filter(lane__assessment=assessment))
    countries = sorted({n.country for n in nodes})
    suggestions = _suggestions(assessment, countries)
    existing = {(t.country, t.category): t for t in assessment.threats.all()}
    new_threats, refreshed = [], []
    for country in countries:
        for category in ThreatCategory.values:
            indicators = suggestions.get((country, category), [])
            suggested = worst(i.rating for i in indicators) or ""
            threat = existing.get((country, category))
            if threat is None:
                new_threats.append(
                    CountryThreat(
                        organisation=org,
                        assessment=assessment,
                        country=country,
                        category=category,
                        suggested_rating=suggested,
                        suggestion_basis=_basis(indicators),
                    )
                )
            elif threat.suggested_rating != suggested:
                threat.suggested_rating = suggested
                threat.suggestion_basis = _basis(indicators)
                refreshed.append(threat)
    insert_many(CountryThreat, new_threats)
    CountryThreat.objects.bulk_update(refreshed, ["suggested_rating", "suggestion_basis"])
    assessment.threats.exclude(country__in=countries).delete()

    site_suggestions = _site_suggestions(org, {n.site_id for n in nodes if n.site_id})
    partner_suggestions = _partner_suggestions(org, {n.partner_id for n in nodes if n.partner_id})
    existing_v = {(v.node_id, v.category): v for v in assessment.vulnerabilities.all()}
    wanted, new_vulns, refreshed_v = set(), [], []
    for node in nodes:
        for category in categories_for(node.node_type):
            wanted.add((node.pk, category))
            if node.site_id:
                rating, basis = site_suggestions.get((node.site_id, category), ("", ""))
            elif node.partner_id:
                rating, basis = partner_suggestions.get(
                    (node.partner_id, category),
                    ("", "No answered questionnaire of this partner covers this category yet"),
                )
            else:
                rating, basis = "", "Rated by hand: link the node to a registry partner"
            vuln = existing_v.get((node.pk, category))
            if vuln is None:
                new_vulns.append(
                    Vulnerability(
                        organisation=org,
                        assessment=assessment,
                        node=node,
                        category=category,
                        suggested_rating=rating,
                        basis=basis,
                    )
                )
            elif (vuln.suggested_rating, vuln.basis) != (rating, basis):
                vuln.suggested_rating, vuln.basis = rating, basis
                refreshed_v.append(vuln)
    insert_many(Vulnerability, new_vulns)
    Vulnerability.objects.bulk_update(refreshed_v, ["suggested_rating", "basis"])
    stale = [v.pk for key, v in existing_v.items() if key not in wanted]
    Vulnerability.objects.filter(pk__in=stale).delete()


# -- step 2: threats -------------------------------------------------------------------------
THREAT_FIELDS = ("rating", "override_reason", "rationale", "sources", "needs_reconfirmation")


@transaction.atomic
def rate_threat(
    org, actor, threat: CountryThreat, *, rating: str, override_reason: str = "", **fields
) -> CountryThreat:
    """Accept the suggestion (same rating) or override it (a reason is required)."""
    ensure_draft(threat.assessment)  # the assessment before its row: one lock order
    concurrency.lock(threat)
    if rating not in Rating.values:
        raise invalid("rating", "Rate High, Medium or Low.")
    override_reason = (override_reason or "").strip()
    if threat.suggested_rating and rating != threat.suggested_rating and not override_reason:
        raise invalid(
            "override_reason",
            f"The reference data suggests {threat.suggested_rating}; say why you rate "
            f"{rating} instead.",
        )
    if rating == threat.suggested_rating:
        override_reason = ""
    values = {
        "rating": rating,
        "override_reason": override_reason,
        "needs_reconfirmation": False,
        **{k: (v or "").strip() for k, v in fields.items() if k in ("rationale", "sources")},
    }
    audit.update_audited(org, actor, threat, values, THREAT_FIELDS)
    return threat


@transaction.atomic
def accept_suggestions(org, actor, assessment: Assessment) -> int:
    """Accept every undecided threat suggestion; rows without one stay for a manual rating."""
    ensure_draft(assessment)
    pending = assessment.threats.filter(rating="").exclude(suggested_rating="")
    count = 0
    for threat in pending:
        rate_threat(org, actor, threat, rating=threat.suggested_rating)
        count += 1
    return count


@transaction.atomic
def rate_open_threats_of_country(org, actor, assessment, country: str, rating: str) -> int:
    """Rate a country's undecided categories that have no suggestion in one go."""
    ensure_draft(assessment)
    count = 0
    for threat in assessment.threats.filter(country=country, rating="", suggested_rating=""):
        rate_threat(org, actor, threat, rating=rating)
        count += 1
    return count


# -- step 3: vulnerabilities -----------------------------------------------------------------
@transaction.atomic
def rate_vulnerability(
    org, actor, vulnerability: Vulnerability, *, rating: str, notes: str | None = None
) -> Vulnerability:
    ensure_draft(vulnerability.assessment)
    if rating not in Rating.values:
        raise invalid("rating", "Rate High, Medium or Low.")
    values = {"rating": rating, "needs_reconfirmation": False}
    if notes is not None:
        values["notes"] = notes.strip()
    audit.update_audited(
        org, actor, vulnerability, values, ("rating", "notes", "needs_reconfirmation")
    )
    return vulnerability


@transaction.atomic
def rate_open_vulnerabilities_of_node(org, actor, node: LaneNode, rating: str) -> int:
    """Rate a party's undecided (or to re-confirm) categories in one go."""
    ensure_draft(node.lane.assessment)
    count = 0
    for vuln in node.vulnerabilities.filter(Q(rating="") | Q(needs_reconfirmation=True)):
        rate_vulnerability(org, actor, vuln, rating=vuln.rating or rating)
        count += 1
    return count


# -- step 4: risks, heat maps ----------------------------------------------------------------
@dataclass
class Risk:
    vulnerability: Vulnerability
    node: LaneNode
    category: int
    threat: str
    vulnerability_rating: str
    impact: str | None
    score: int
    band: str

    @property
    def category_name(self) -> str:
        return category_name(self.category)


def risks(assessment: Assessment) -> list[Risk]:
    """Every rated vulnerability scored against the worst threat of its node's country."""
    matrix = matrix_of(assessment)
    threats: dict[str, list[str]] = {}
    for country, rating in assessment.threats.exclude(rating="").values_list("country", "rating"):
        threats.setdefault(country, []).append(rating)
    result = []
    vulns = assessment.vulnerabilities.exclude(rating="").select_related("node__lane", "node__site")
    for v in vulns:
        threat = worst(threats.get(v.node.country, []))
        if threat is None:
            continue
        impact = v.node.impact if matrix.use_impact else None
        score = matrix.score(threat, v.rating, impact)
        result.append(
            Risk(v, v.node, v.category, threat, v.rating, impact, score, matrix.band(score))
        )
    result.sort(key=lambda r: (-r.score, r.node.lane.name, r.node.position, r.category))
    return result


@dataclass
class HeatMap:
    columns: list[str]
    rows: list[tuple[str, list[str | None]]]


def country_heatmap(assessment: Assessment) -> HeatMap:
    ratings = {(t.country, t.category): t.rating for t in assessment.threats.all()}
    countries = sorted({c for c, _ in ratings})
    rows = []
    for country in countries:
        name = getattr(pycountry.countries.get(alpha_2=country), "name", country)
        rows.append(
            (f"{country} · {name}", [ratings.get((country, c)) or None for c in ThreatCategory])
        )
    return HeatMap([c.label for c in ThreatCategory], rows)


def lane_heatmap(assessment: Assessment, scored: list[Risk] | None = None) -> HeatMap:
    scored = risks(assessment) if scored is None else scored
    cells: dict[tuple[int, int], str] = {}
    for risk in scored:
        key = (risk.node.lane_id, risk.category)
        cells[key] = worst([cells.get(key), risk.band])
    rows = [
        (lane.name, [cells.get((lane.pk, n)) for n in CATEGORIES])
        for lane in assessment.lanes.all()
    ]
    return HeatMap([f"{n}. {category_name(n)}" for n in CATEGORIES], rows)


# -- step 4: action plan ---------------------------------------------------------------------
def _clean_action(org, assessment, fields: dict) -> dict:
    fields = dict(fields)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()[:200]
        if not fields["title"]:
            raise invalid("title", "An action needs a title.")
    if fields.get("status") and fields["status"] not in ActionStatus.values:
        raise invalid("status", f"Choose one of {', '.join(ActionStatus.values)}.")
    if fields.get("msc_category") is not None and fields["msc_category"] not in CATEGORIES:
        raise invalid("msc_category", "MSC categories are 1 to 12.")
    node = fields.get("node")
    if node is not None and node.lane.assessment_id != assessment.pk:
        raise NotFound("No such lane node in this assessment.")
    owner = fields.get("owner")
    if owner is not None and not Membership.objects.for_org(org).filter(user=owner).exists():
        raise invalid("owner", "The owner must be a member of the organisation.")
    evidence = fields.get("evidence")
    if evidence is not None and evidence.organisation_id != org.pk:
        raise NotFound("No such evidence document.")
    return fields


@transaction.atomic
def create_action(org, actor, assessment: Assessment, **fields) -> Action:
    fields = _clean_action(org, assessment, fields)
    if "title" not in fields:
        raise invalid("title", "An action needs a title.")
    action = Action(
        organisation=org, assessment=assessment, created_by=actor, updated_by=actor, **fields
    )
    if action.status == ActionStatus.DONE:
        action.completed_at = timezone.now()
    action.save()
    audit.record_created(org, actor, action, ACTION_FIELDS)
    return action


@transaction.atomic
def update_action(org, actor, action: Action, **fields) -> Action:
    """Actions stay workable after sign-off: closing them is what the plan is for."""
    concurrency.lock(action)
    fields = _clean_action(org, action.assessment, fields)
    if fields.get("status") == ActionStatus.DONE and action.status != ActionStatus.DONE:
        fields["completed_at"] = timezone.now()
    elif fields.get("status") not in (None, ActionStatus.DONE):
        fields["completed_at"] = None
    audit.update_audited(org, actor, action, fields, (*ACTION_FIELDS, "completed_at"))
    return action


@transaction.atomic
def delete_action(org, actor, action: Action) -> None:
    ensure_draft(action.assessment)
    audit.record_changes(AuditAction.DELETE, org, actor, action, {"title": [action.title, None]})
    action.delete()


def overdue_actions(org, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (
        Action.objects.for_org(org)
        .filter(due_date__lt=today, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .select_related("owner", "assessment")
        .order_by("due_date")
    )


# -- step 1 by file: lanes from CSV ----------------------------------------------------------
LANE_COLUMNS = ["lane", "position", "node_type", "mode", "name", "country", "activities"]
OPTIONAL_LANE_COLUMNS = ["site", "impact"]


LANE_LIMITS = tabular.Limits(max_bytes=5 * 1024 * 1024, max_rows=2_000, max_columns=30)


def import_lanes_csv(org, actor, assessment: Assessment, uploaded) -> dict:
    """Lanes and nodes from a CSV; every row checked first, one bad row imports nothing.

    The file is read and checked before the transaction opens; the writes are bulk and the
    threat and vulnerability rows are brought in line once for the whole file, so the
    transaction is short (a 2,000-row file, the most accepted, in about a second).
    """
    refuse_frozen(assessment)  # before reading the file; checked again under the lock
    data = tabular.read_upload(uploaded, LANE_LIMITS.max_bytes)
    planned = _planned_lanes(org, data)
    with transaction.atomic():
        ensure_draft(assessment)
        result = _write_lanes(org, actor, assessment, planned)
        audit.record(
            AuditAction.UPDATE,
            organisation=org,
            actor=actor,
            target=assessment,
            changes={
                "imported_lanes_csv": uploaded.name or "",
                "sha256": hashlib.sha256(data).hexdigest(),
                **result,
            },
        )
    return result


def _planned_lanes(org, data: bytes) -> list[tuple[str, int | None, dict]]:
    """(lane name, position, cleaned node fields) per row, or every row's problem."""
    from openctpat.profiles.models import Site

    with tabular.open_table(data, LANE_LIMITS, kinds=("csv",), encodings=("utf-8-sig",)) as table:
        rows = table.rows()
        first = next(rows, (1, []))
        header = [h.strip() for h in first[1]] if first[0] == 1 else []
        missing = [c for c in LANE_COLUMNS if c not in header]
        if missing:
            raise ValidationFailed(
                f"Row 1: missing columns {', '.join(missing)}; expected "
                f"{','.join(LANE_COLUMNS + OPTIONAL_LANE_COLUMNS)}.",
                field_errors={"rows": [f"Row 1: missing columns {', '.join(missing)}."]},
            )
        sites = {s.name.lower(): s for s in Site.objects.for_org(org)}
        errors, planned = tabular.ErrorList(), []
        for number, cells in rows:
            row = dict.fromkeys(header, "")
            row.update(zip(header, (c.strip() for c in cells), strict=False))
            if not any(row.values()):
                continue
            where = f"Row {number}"
            try:
                position = int(row["position"]) if row["position"] else None
                if position is not None and position < 1:
                    raise ValueError
            except ValueError:
                errors.add(where, f"position {row['position']!r} is not a whole number ≥ 1.")
                continue
            if not row["lane"]:
                errors.add(where, "the lane name is empty.")
                continue
            site = None
            if row.get("site"):
                site = sites.get(row["site"].lower())
                if site is None:
                    errors.add(where, f"no site named {row['site']!r}.")
                    continue
            fields = {
                "node_type": row["node_type"],
                "mode": row["mode"],
                "name": row["name"],
                "country": row["country"],
                "activities": [a.strip() for a in row["activities"].split(";") if a.strip()],
                "impact": row.get("impact") or "Medium",
                "site": site,
            }
            try:
                fields = clean_node(org, fields)
            except ValidationFailed as exc:
                errors.add(where, exc.message)
                continue
            planned.append((row["lane"], position, fields))
    if errors:
        raise errors.failed()
    if not planned:
        raise ValidationFailed("The file has no rows.", field_errors={"rows": ["No rows."]})
    return planned


def _write_lanes(org, actor, assessment: Assessment, planned) -> dict:
    """The nodes of ``planned`` in their lanes (new lanes made), each audited, then one sync.

    A node without a position goes after the lane's last one, as ``add_node`` places it.
    """
    existing = {lane.name: lane for lane in assessment.lanes.all()}
    last = dict(
        LaneNode.objects.filter(lane__assessment=assessment)
        .values("lane_id")
        .annotate(last=Max("position"))
        .values_list("lane_id", "last")
    )
    lanes_created, nodes = 0, []
    for lane_name, position, fields in planned:
        lane = existing.get(lane_name)
        if lane is None:
            lane = create_lane(org, actor, assessment, name=lane_name)
            existing[lane_name] = lane
            lanes_created += 1
        position = position or (last.get(lane.pk) or 0) + 1
        last[lane.pk] = max(last.get(lane.pk) or 0, position)
        nodes.append(
            LaneNode(
                organisation=org,
                lane=lane,
                created_by=actor,
                updated_by=actor,
                **{**fields, "position": position},
            )
        )
    LaneNode.objects.bulk_create(nodes)
    audit.record_many(
        org,
        actor,
        [(AuditAction.CREATE, n, audit.diff({}, audit.snapshot(n, NODE_FIELDS))) for n in nodes],
    )
    sync(assessment)
    return {"lanes_created": lanes_created, "nodes_created": len(nodes)}


def lane_rows_for_export(assessment: Assessment):
    return LaneNode.objects.filter(lane__assessment=assessment).select_related("lane", "site")

"""Checklist templates (the standard ones installed from data) and their points."""

import functools
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Count, F, Max

from openctpat.core import audit, concurrency
from openctpat.core.cleaning import clean_text, create_audited, refuse_unknown
from openctpat.core.errors import Conflict, invalid

from ..models import ChecklistPoint, ChecklistTemplate, ConveyanceType
from .org_settings import _same_org

DATA = Path(__file__).parent.parent / "data"
TEMPLATE_FIELDS = ("name", "conveyance_type", "description", "source", "active", "version")
POINT_FIELDS = ("position", "section", "title", "guidance", "agricultural")


@functools.cache
def standard_templates() -> tuple[dict, ...]:
    """The packaged templates, points flattened (shared point lists are YAML anchors)."""
    data = yaml.safe_load((DATA / "checklists.yaml").read_text(encoding="utf-8"))
    out = []
    for template in data["templates"]:
        points = []
        for item in template["points"]:
            points.extend(item if isinstance(item, list) else [item])
        out.append({**template, "points": tuple(points)})
    return tuple(out)


def install_standard_templates(org, actor=None) -> int:
    """Give the organisation its own copy of every packaged template it does not have yet."""
    have = set(ChecklistTemplate.objects.for_org(org).values_list("standard_key", flat=True)) | set(
        ChecklistTemplate.objects.for_org(org).values_list("name", flat=True)
    )
    made = 0
    for spec in standard_templates():
        if spec["key"] in have or spec["name"] in have:
            continue
        template = ChecklistTemplate.objects.create(
            organisation=org,
            name=spec["name"],
            conveyance_type=spec["conveyance_type"],
            description=spec.get("description", ""),
            source=spec.get("source", ""),
            standard_key=spec["key"],
            created_by=actor,
            updated_by=actor,
        )
        ChecklistPoint.objects.bulk_create(
            ChecklistPoint(
                organisation=org,
                template=template,
                position=i,
                section=p.get("section", ""),
                title=p["title"],
                guidance=p.get("guidance", ""),
                agricultural=bool(p.get("agricultural")),
                created_by=actor,
                updated_by=actor,
            )
            for i, p in enumerate(spec["points"], start=1)
        )
        made += 1
    return made


def templates_for(org):
    """The organisation's checklist templates, installing the packaged ones on first use."""
    qs = ChecklistTemplate.objects.for_org(org)
    if not qs.exists():
        with transaction.atomic():
            install_standard_templates(org)
    return qs.annotate(point_count=Count("points")).order_by("-active", "name", "id")


def copy_points(model, org, actor, points, **parent) -> None:
    """``points`` copied as ``model`` rows under ``parent``: a new checklist's, or an
    inspection's own copy (so that later edits of the checklist keep it)."""
    model.objects.bulk_create(
        model(
            organisation=org,
            created_by=actor,
            updated_by=actor,
            **parent,
            **{f: getattr(p, f) for f in POINT_FIELDS},
        )
        for p in points
    )


def _clean_template(fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, ("name", "conveyance_type", "description", "source", "active"))
    clean_text(fields, "name", 120, required=True)
    clean_text(fields, "description", 5000)
    clean_text(fields, "source", 300)
    if "conveyance_type" in fields and fields["conveyance_type"] not in ConveyanceType.values:
        raise invalid("conveyance_type", "Choose one of the conveyance types.")
    return fields


def _name_clash(org, name: str, exclude=None) -> None:
    if ChecklistTemplate.objects.for_org(org).filter(name=name).exclude(pk=exclude).exists():
        raise Conflict(
            f"A checklist named {name!r} already exists.",
            field_errors={"name": ["This name is taken."]},
        )


@transaction.atomic
def create_template(org, actor, *, copy_from: ChecklistTemplate | None = None, **fields):
    """A new checklist, empty or copied from another (say, for rail cars or air ULDs)."""
    for required in ("name", "conveyance_type"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields = _clean_template(fields)
    _name_clash(org, fields["name"])
    _same_org(org, copy_from, "copy_from", "checklist")
    template = create_audited(org, actor, ChecklistTemplate, TEMPLATE_FIELDS, **fields)
    if copy_from is not None:
        copy_points(ChecklistPoint, org, actor, copy_from.points.all(), template=template)
    return template


@transaction.atomic
def update_template(org, actor, template: ChecklistTemplate, **fields) -> ChecklistTemplate:
    concurrency.lock(template)
    fields = _clean_template(fields)
    if "name" in fields:
        _name_clash(org, fields["name"], exclude=template.pk)
    return audit.update_audited(org, actor, template, fields, TEMPLATE_FIELDS)


def _points_changed(org, actor, template: ChecklistTemplate) -> None:
    """Inspections keep their copy of the points; a used template starts a new version."""
    if template.used:
        audit.update_audited(
            org, actor, template, {"version": template.version + 1, "used": False}, TEMPLATE_FIELDS
        )


def _clean_point(fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, POINT_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "section", 60)
    clean_text(fields, "guidance", 2000)
    if "position" in fields and (not isinstance(fields["position"], int) or fields["position"] < 1):
        raise invalid("position", "Positions start at 1.")
    return fields


@transaction.atomic
def add_point(org, actor, template: ChecklistTemplate, **fields) -> ChecklistPoint:
    concurrency.lock(template)
    if not fields.get("title"):
        raise invalid("title", "A point needs a title.")
    fields = _clean_point(fields)
    last = template.points.aggregate(m=Max("position"))["m"] or 0
    position = min(fields.pop("position", last + 1), last + 1)
    template.points.filter(position__gte=position).update(position=F("position") + 1)
    point = create_audited(
        org, actor, ChecklistPoint, POINT_FIELDS, template=template, position=position, **fields
    )
    _points_changed(org, actor, template)
    return point


@transaction.atomic
def update_point(org, actor, point: ChecklistPoint, **fields) -> ChecklistPoint:
    concurrency.lock(point.template)  # the checklist before its point: one lock order
    concurrency.lock(point)
    fields = _clean_point(fields)
    audit.update_audited(org, actor, point, fields, POINT_FIELDS)
    _points_changed(org, actor, point.template)
    return point


@transaction.atomic
def delete_point(org, actor, point: ChecklistPoint) -> None:
    concurrency.lock(point.template)
    template = point.template
    if template.points.count() <= 1:
        raise Conflict("A checklist needs at least one point; add another before removing this.")
    audit.delete_audited(org, actor, point, POINT_FIELDS)
    _points_changed(org, actor, template)

"""The seal inventory pages: batches, seals and their log, VVTT, reconciliation, seal audits."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openctpat.core import pages
from openctpat.core.pages import apply_domain_error
from openctpat.core.pages import can_change as _can_change
from openctpat.core.pages import get_for_org as _get
from openctpat.core.permissions import Perm, Role, has_perm, org_view
from openctpat.core.routes import route
from openctpat.profiles import services as profile_services

from . import services
from .models import Seal, SealAudit, SealBatch, SealClass
from .seal_forms import (
    SEAL_STATES,
    BatchEditForm,
    BatchForm,
    IssueForm,
    ReconciliationForm,
    RemoveForm,
    ReturnForm,
    SealAuditForm,
    SealFilterForm,
    SignOffForm,
    VerifyForm,
    WriteOffForm,
)
from .seal_states import TRANSITIONS, SealEvent, SealState

PAGE_SIZE = 50
RECENT_BATCHES = 25


def _error_with_story(form, exc) -> None:
    """The field gets its error; the whole story (which numbers) goes above the form too."""
    apply_domain_error(form, exc)
    placed = [m for ms in exc.field_errors.values() for m in ms]
    if placed and exc.message not in placed:
        form.add_error(None, exc.message)


def posted(pattern: str, name: str = ""):
    """A form posted from a page: its route, POST only, for members who may change."""

    def mark(view):
        return route(pattern, name)(require_POST(org_view(Perm.CHANGE)(view)))

    return mark


def submit(request, form, call, obj=None) -> bool:
    return pages.submit(request, form, call, on_error=_error_with_story, obj=obj)


def inspection_url(pk) -> str | None:
    """The inspection's page (views.py); None while that page does not exist."""
    try:
        return reverse("inspections:inspection_detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def _certificate(request, data) -> None:
    """Store an uploaded certificate in the evidence library; the batch links to it."""
    upload = data.pop("certificate_file", None)
    if upload is not None:
        data["certificate"] = profile_services.upload_evidence(
            request.org,
            request.user,
            upload,
            title=f"ISO 17712 certificate: {data.get('manufacturer', '')} "
            f"{data.get('certificate_reference', '')}".strip()[:200],
        )


def _class_warning(request, batch) -> None:
    if batch.iso_class != SealClass.HIGH:
        messages.warning(
            request,
            f"These seals are ISO 17712 class {batch.iso_class}, not H: MSC 6.2 requires "
            "high-security (H) seals on loaded containers and trailers.",
        )


def _state_counts(seals, every=False) -> list[tuple[str, str, int]]:
    """(state, label, how many) of ``seals``: of every state, or of those they are in."""
    counts = dict(seals.order_by().values_list("state").annotate(Count("pk")))
    return [(s, label, counts.get(s, 0)) for s, label in SEAL_STATES if every or s in counts]


# -- inventory -------------------------------------------------------------------------------
@route("seals/")
@org_view(Perm.VIEW)
def seal_list(request):
    org = request.org
    filters = SealFilterForm(request.GET or None, org=org)
    seals = services.search_seals(org, **(filters.criteria() if filters.is_valid() else {}))
    seals = seals.select_related("batch", "issued_to")
    page = Paginator(seals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    if request.htmx:
        return render(request, "inspections/seal_list_rows.html", context)
    counts = _state_counts(Seal.objects.for_org(org), every=True)
    batches = (
        SealBatch.objects.for_org(org)
        .select_related("site")
        .annotate(
            seal_count=Count("seals"),
            in_stock=Count("seals", filter=Q(seals__state=SealState.IN_STOCK)),
        )[:RECENT_BATCHES]
    )
    context.update(
        counts=counts,
        total=sum(n for *_, n in counts),
        batches=batches,
        audit_due=services.seal_audit_due(org),
        today=timezone.localdate(),
    )
    return render(request, "inspections/seal_list.html", context)


@route("seals/batches/new/")
@org_view(Perm.CHANGE)
def seal_batch_new(request):
    org = request.org
    form = BatchForm(
        request.POST or None,
        request.FILES or None,
        org=org,
        initial={"received_on": timezone.localdate(), "iso_class": SealClass.HIGH},
    )
    made = {}

    def create(data):
        with transaction.atomic():
            _certificate(request, data)
            made["batch"] = services.create_batch(org, request.user, **data)

    if submit(request, form, create):
        batch = made["batch"]
        messages.success(request, f"{batch.size} seals received into the stock: {batch}.")
        _class_warning(request, batch)
        return redirect("inspections:seal_batch_detail", pk=batch.pk)
    return render(request, "inspections/seal_batch_form.html", {"form": form})


@route("seals/batches/<int:pk>/")
@org_view(Perm.VIEW)
def seal_batch_detail(request, pk):
    org = request.org
    batch = _get(request, SealBatch, pk, "site", "certificate")
    form = BatchEditForm(
        request.POST or None,
        request.FILES or None,
        org=org,
        initial=BatchEditForm.initial_from(batch),
        instance=batch,
    )

    def save(data):
        with transaction.atomic():
            _certificate(request, data)
            services.update_batch(org, request.user, batch, **data)

    if submit(request, form, save):
        messages.success(request, "Batch saved.")
        return redirect("inspections:seal_batch_detail", pk=pk)
    context = {
        "batch": batch,
        "first": batch.number(batch.first_number),
        "last": batch.number(batch.last_number),
        "form": form,
        "editable": _can_change(request),
        "issuers": batch.issuers.order_by("email"),
        "counts": _state_counts(batch.seals.all()),
        "can_view_evidence": has_perm(request.role, Perm.VIEW_EVIDENCE),
    }
    return render(request, "inspections/seal_batch_detail.html", context)


# -- one seal --------------------------------------------------------------------------------
def _allowed(seal) -> set[str]:
    return {event.value for (state, event) in TRANSITIONS if state == seal.state}


def _seal_page(request, seal, status=200, **forms):
    org = request.org
    allowed = _allowed(seal)
    editable = _can_change(request)
    may_issue = editable and services.may_issue(org, request.user, seal.batch, request.role)
    failed = next((f for f in forms.values() if f.errors), None)
    context = {
        "seal": seal,
        "event_error": " ".join(m for ms in failed.errors.values() for m in ms) if failed else "",
        "editable": editable,
        "allowed": allowed,
        "may_issue": may_issue,
        "movements": [
            (m, m.from_state.replace("_", " "), m.to_state.replace("_", " "))
            for m in seal.movements.select_related("by", "site")
        ],
        "verifications": seal.verifications.select_related("site", "verified_by"),
        "incidents": seal.incidents.all(),
        "inspection_url": inspection_url(seal.inspection_id) if seal.inspection_id else None,
        "issue_form": forms.get("issue") or IssueForm(org=org),
        "return_form": forms.get("return") or ReturnForm(),
        "remove_form": forms.get("remove") or RemoveForm(org=org),
        "write_off_form": forms.get("write_off") or WriteOffForm(),
        "can_issue": SealEvent.ISSUE in allowed,
        "can_return": SealEvent.RETURN in allowed,
        "can_remove": SealEvent.REMOVE in allowed,
        "can_write_off": SealEvent.LOSE in allowed,
    }
    return render(request, "inspections/seal_detail.html", context, status=status)


def _seal(request, pk):
    return _get(request, Seal, pk, "batch", "issued_to", "inspection")


@route("seals/<int:pk>/")
@org_view(Perm.VIEW)
def seal_detail(request, pk):
    return _seal_page(request, _seal(request, pk))


def _seal_event(event, form, call, success):
    """The view of one move posted from the seal page (``seals/<pk>/write-off/`` for
    "write_off"): ``form(request)`` reads it, ``call(request, seal, data)`` makes it, and a
    refused move shows the seal page again with the form's errors."""

    @posted(f"seals/<int:pk>/{event.replace('_', '-')}/", f"seal_{event}")
    def view(request, pk):
        seal = _seal(request, pk)
        posted_form = form(request)
        if submit(request, posted_form, lambda data: call(request, seal, data)):
            messages.success(request, success.format(seal=seal))
            return redirect("inspections:seal_detail", pk=seal.pk)
        seal.refresh_from_db()
        return _seal_page(request, seal, **{event: posted_form})

    view.__name__ = view.__qualname__ = f"seal_{event}"
    return view


seal_issue = _seal_event(
    "issue",
    lambda request: IssueForm(request.POST, org=request.org),
    lambda request, seal, d: services.issue_seal(
        request.org, request.user, seal, d["to"], role=request.role
    ),
    "Seal {seal.number} issued to {seal.issued_to.email}.",
)
seal_return = _seal_event(
    "return",
    lambda request: ReturnForm(request.POST),
    lambda request, seal, d: services.return_seal(request.org, request.user, seal, note=d["note"]),
    "Seal {seal.number} returned to stock.",
)
seal_remove = _seal_event(
    "remove",
    lambda request: RemoveForm(request.POST, org=request.org),
    lambda request, seal, d: services.remove_seal(
        request.org, request.user, seal, note=d["note"], site=d["site"]
    ),
    "Seal {seal.number} recorded as removed.",
)
seal_write_off = _seal_event(
    "write_off",
    lambda request: WriteOffForm(request.POST),
    lambda request, seal, d: services.write_off_seal(
        request.org, request.user, seal, d["event"], d["reason"]
    ),
    "Seal {seal.number} written off as {seal.state}.",
)


# -- VVTT at receipt -------------------------------------------------------------------------
@route("seals/verify/")
@org_view(Perm.CHANGE)
def seal_verify(request):
    org = request.org
    initial = {}
    number = (request.GET.get("seal") or "").strip()[:40].replace("\x00", "")
    if number:
        initial["document_seal_number"] = number
    form = VerifyForm(request.POST or None, org=org, initial=initial)
    done = {}

    def verify(data):
        done["check"], done["incident"] = services.verify_seal(org, request.user, **data)

    if submit(request, form, verify):
        check, incident = done["check"], done["incident"]
        if incident is not None:
            messages.error(
                request,
                f"VVTT discrepancy on seal {check.seal.number}: incident {incident.pk} was "
                "opened. Hold the shipment, tell the owners, and report it to CBP.",
            )
            return redirect("inspections:incident_detail", pk=incident.pk)
        messages.success(request, f"VVTT passed: seal {check.seal.number} is verified.")
        return redirect("inspections:seal_detail", pk=check.seal_id)
    return render(request, "inspections/seal_verify.html", {"form": form})


# -- reconciliation and audits ---------------------------------------------------------------
def _report_context(report: dict) -> dict:
    return {
        "report_counts": [
            (k.replace("_", " ").capitalize(), v) for k, v in report.get("counts", {}).items()
        ],
    }


@route("seals/reconciliation/")
@org_view(Perm.VIEW)
def seal_reconciliation(request):
    org = request.org
    form = ReconciliationForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else None
    report = services.reconciliation_report(org, days=days)
    batches = {
        b.pk: b
        for b in SealBatch.objects.for_org(org).filter(pk__in={g.batch for g in report.gaps})
    }
    gaps = [(g, batches.get(g.batch)) for g in report.gaps]
    if not form.is_bound:
        form = ReconciliationForm(initial={"days": report.issued_unapplied_days})
    context = {
        "form": form,
        "report": report,
        "gaps": gaps,
        "total": sum(report.counts.values()),
        **_report_context(report.as_dict()),
    }
    return render(request, "inspections/seal_reconciliation.html", context)


@route("seals/audits/")
@org_view(Perm.VIEW)
def seal_audit_list(request):
    audits = SealAudit.objects.for_org(request.org).select_related("signed_off_by")
    page = Paginator(audits.defer("counted_numbers", "report"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "due": services.seal_audit_due(request.org),
        "today": timezone.localdate(),
        "interval": services.settings_for(request.org).seal_audit_interval_days,
    }
    return render(request, "inspections/seal_audit_list.html", context)


@route("seals/audits/new/")
@org_view(Perm.CHANGE)
def seal_audit_new(request):
    org = request.org
    form = SealAuditForm(request.POST or None, initial={"audited_on": timezone.localdate()})
    made = {}

    def record(data):
        made["audit"] = services.record_seal_audit(
            org,
            request.user,
            audited_on=data["audited_on"],
            counted_numbers=data["counted"],
            notes=data["notes"],
        )

    if submit(request, form, record):
        seal_audit = made["audit"]
        if seal_audit.missing or seal_audit.unexpected:
            messages.warning(
                request,
                f"Count recorded: {len(seal_audit.missing)} missing, "
                f"{len(seal_audit.unexpected)} unexpected. Investigate before signing off.",
            )
        else:
            messages.success(request, "Count recorded: the stock matches the seal log.")
        return redirect("inspections:seal_audit_detail", pk=seal_audit.pk)
    return render(request, "inspections/seal_audit_form.html", {"form": form})


def _audit_page(request, seal_audit, form=None, status=200):
    report = seal_audit.report or {}
    context = {
        "seal_audit": seal_audit,
        "report": report,
        "counted_count": len(seal_audit.counted_numbers or []),
        "is_owner": request.role == Role.OWNER,
        "form": form or SignOffForm(),
        **_report_context(report),
    }
    return render(request, "inspections/seal_audit_detail.html", context, status=status)


@route("seals/audits/<int:pk>/")
@org_view(Perm.VIEW)
def seal_audit_detail(request, pk):
    return _audit_page(request, _get(request, SealAudit, pk, "signed_off_by"))


@posted("seals/audits/<int:pk>/sign-off/")
def seal_audit_sign_off(request, pk):
    seal_audit = _get(request, SealAudit, pk, "signed_off_by")
    form = SignOffForm(request.POST)

    def sign(data):
        services.sign_off_seal_audit(
            request.org, request.user, seal_audit, request.role, note=data["note"]
        )

    if submit(request, form, sign):
        messages.success(request, "Seal audit signed off.")
        return redirect("inspections:seal_audit_detail", pk=pk)
    seal_audit.refresh_from_db()
    return _audit_page(request, seal_audit, form=form)

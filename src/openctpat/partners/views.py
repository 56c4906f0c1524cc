from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openctpat.accounts.models import User
from openctpat.core.downloads import XLSX, attachment
from openctpat.core.errors import DomainError
from openctpat.core.pages import can_change as _can_change
from openctpat.core.pages import edit_and_add
from openctpat.core.pages import get_for_org as _get
from openctpat.core.pages import submit as _submit
from openctpat.core.permissions import Perm, has_perm, org_view
from openctpat.core.routes import route
from openctpat.core.tabular import MAX_ERRORS, size_text
from openctpat.profiles.models import EvidenceDocument

from . import exports, importing, services
from .forms import (
    ActionForm,
    DocumentLinkForm,
    ImportUploadForm,
    ItemReviewForm,
    MappingForm,
    PartnerFilterForm,
    QuestionForm,
    ReviewForm,
    SendForm,
    TemplateForm,
)
from .models import (
    BusinessPartner,
    ImportStatus,
    PartnerImport,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireTemplate,
)

PAGE_SIZE = 50


def _members(org):
    return User.objects.filter(memberships__organisation=org).order_by("email")


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# -- registry --------------------------------------------------------------------------------


def _detail_form(request, pk, form_class, call, success, back=None, **form_kwargs):
    """A form posted from the partner page: back to it, or the page with the errors shown."""
    partner = _get(request, BusinessPartner, pk)
    form = form_class(request.POST, **form_kwargs)
    if _submit(request, form, lambda data: call(partner, data)):
        messages.success(request, success)
    else:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, errors or "Nothing was saved.")
    return redirect(back or reverse("partners:detail", kwargs={"pk": pk}))


@route("<int:pk>/documents/")
@require_POST
@org_view(Perm.CHANGE)
def document_link(request, pk):
    upload = request.FILES.get("file")
    if upload is not None:
        partner = _get(request, BusinessPartner, pk)
        title = request.POST.get("title", "")[:200].replace("\x00", "")
        try:
            services.upload_document(request.org, request.user, partner, upload, title=title)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Document uploaded and linked.")
        return redirect("partners:detail", pk=pk)
    documents = EvidenceDocument.objects.for_org(request.org)
    return _detail_form(
        request,
        pk,
        DocumentLinkForm,
        lambda p, d: services.link_document(request.org, request.user, p, d["document"]),
        "Document linked.",
        documents=documents,
    )


@route("<int:pk>/documents/unlink/")
@require_POST
@org_view(Perm.CHANGE)
def document_unlink(request, pk):
    partner = _get(request, BusinessPartner, pk)
    document = get_object_or_404(partner.documents.all(), pk=request.POST.get("document") or 0)
    services.unlink_document(request.org, request.user, partner, document)
    messages.success(request, "Document unlinked.")
    return redirect("partners:detail", pk=pk)


def _item_action_form(item, owner_choices) -> ActionForm:
    """A follow-up form per weakness row: its own field ids, the owners queried once."""
    form = ActionForm(members=User.objects.none(), prefix=f"item{item.pk}")
    form.fields["owner"].choices = owner_choices
    return form


@route("<int:pk>/actions/")
@require_POST
@org_view(Perm.CHANGE)
def action_add(request, pk):
    item, prefix, back = None, None, None
    if request.POST.get("item"):
        item = get_object_or_404(
            QuestionnaireItem.objects.for_org(request.org), pk=request.POST["item"]
        )
        prefix = f"item{item.pk}"
        url = reverse("partners:questionnaire", kwargs={"pk": item.questionnaire_id})
        back = f"{url}#item-{item.pk}"
    return _detail_form(
        request,
        pk,
        ActionForm,
        lambda p, d: services.create_action(request.org, request.user, p, item=item, **d),
        "Follow-up action created.",
        back=back,
        members=_members(request.org),
        prefix=prefix,
    )


# -- exports ---------------------------------------------------------------------------------
def _filtered(request) -> tuple:
    filters = PartnerFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    criteria = {k: v or None for k, v in criteria.items()}
    return services.search_partners(request.org, **criteria), criteria


@route("export.csv")
@org_view(Perm.VIEW)
def export_csv(request):
    partners, criteria = _filtered(request)
    data = exports.build_csv(request.org, request.user, partners, criteria)
    return attachment(data, exports.filename("csv"), "text/csv; charset=utf-8")


@route("export.xlsx")
@org_view(Perm.VIEW)
def export_xlsx(request):
    partners, criteria = _filtered(request)
    data = exports.build_xlsx(request.org, request.user, partners, criteria)
    return attachment(data, exports.filename("xlsx"), XLSX)


# -- import ----------------------------------------------------------------------------------
@route("import/", "import")
@org_view(Perm.CHANGE)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    made = {}

    def upload(data):
        made["imp"] = services.start_import(request.org, request.user, data["file"])

    if _submit(request, form, upload):
        return redirect("partners:import_detail", pk=made["imp"].pk)
    recent = PartnerImport.objects.for_org(request.org).defer("rows")[:10]
    context = {
        "form": form,
        "recent": recent,
        "max_rows": f"{importing.LIMITS.max_rows:,}",
        "max_size": size_text(importing.LIMITS.max_bytes),
        "inline_rows": f"{services.INLINE_ROWS:,}",
    }
    return render(request, "partners/import.html", context)


@route("import/<int:pk>/")
@org_view(Perm.CHANGE)
def import_detail(request, pk):
    imp = _get(request, PartnerImport, pk)
    if imp.status == ImportStatus.COMMITTED:
        messages.info(request, f"This file was imported: {imp.created_count} partners.")
        return redirect("partners:list")
    if imp.status == ImportStatus.IMPORTING:
        return render(request, "partners/import_running.html", {"imp": imp})
    form = MappingForm(request.POST or None, headers=imp.headers, initial=imp.mapping)
    commit_error = imp.error or None
    if request.method == "POST" and request.POST.get("action") == "commit":
        try:
            created = services.commit_import(
                request.org,
                request.user,
                imp,
                skip_duplicates=bool(request.POST.get("skip_duplicates")),
            )
        except DomainError as exc:
            commit_error = exc.message
        else:
            if imp.status == ImportStatus.IMPORTING:  # a large file: the task carries on
                return redirect("partners:import_detail", pk=pk)
            messages.success(request, f"{created} partners imported from {imp.file_name}.")
            return redirect("partners:list")
    elif _submit(
        request, form, lambda data: services.set_mapping(request.org, request.user, imp, data)
    ):
        return redirect("partners:import_detail", pk=pk)
    result = services.preview(request.org, imp)
    errors, duplicates = result.errors, sorted(result.duplicates.items())
    context = {
        "imp": imp,
        "form": form,
        "preview": result,
        "errors": errors[:MAX_ERRORS],
        "more_errors": max(len(errors) - MAX_ERRORS, 0),
        "duplicates": duplicates[:MAX_ERRORS],
        "more_duplicates": max(len(duplicates) - MAX_ERRORS, 0),
        "duplicate_count": len(duplicates),
        "sample": imp.rows[:5],
        "commit_error": commit_error,
        "inline_rows": services.INLINE_ROWS,
    }
    return render(request, "partners/import_detail.html", context)


@route("import/<int:pk>/progress/")
@org_view(Perm.CHANGE)
def import_progress(request, pk):
    """The progress of a background commit, polled by the import page every two seconds."""
    imp = get_object_or_404(PartnerImport.objects.for_org(request.org).defer("rows"), pk=pk)
    return render(request, "partners/_import_progress.html", {"imp": imp})


# -- questionnaire templates -----------------------------------------------------------------


@route("templates/<int:pk>/", "template")
@org_view(Perm.VIEW)
def template_detail(request, pk):
    template = _get(request, QuestionnaireTemplate, pk, "criteria_set")
    form, question_form, done = edit_and_add(
        request,
        lambda data: TemplateForm(
            data,
            initial={"name": template.name, "instructions": template.instructions},
            instance=template,
        ),
        lambda d: services.update_template(request.org, request.user, template, **d),
        QuestionForm,
        lambda d: services.add_question(request.org, request.user, template, **d),
        action="add_question",
    )
    if done:
        messages.success(request, "Question added." if done == "added" else "Template saved.")
        return redirect("partners:template", pk=pk)
    context = {
        "template": template,
        "form": form,
        "question_form": question_form,
        "questions": template.questions.all(),
        "editable": _can_change(request),
    }
    return render(request, "partners/template.html", context)


# -- questionnaires --------------------------------------------------------------------------
@route("<int:pk>/questionnaires/", "send")
@require_POST
@org_view(Perm.CHANGE)
def questionnaire_send(request, pk):
    partner = _get(request, BusinessPartner, pk)
    form = SendForm(request.POST, templates=QuestionnaireTemplate.objects.for_org(request.org))
    sent = {}

    def send(data):
        template = data.pop("template")
        sent["q"], sent["link"] = services.send_questionnaire(
            request.org, request.user, partner, template, base_url=_base_url(request), **data
        )

    if _submit(request, form, send):
        context = {"questionnaire": sent["q"], "link": sent["link"], "partner": partner}
        return render(request, "partners/sent.html", context)
    messages.error(request, "; ".join(" ".join(v) for v in form.errors.values()))
    return redirect("partners:detail", pk=pk)


@route("questionnaires/<int:pk>/", "questionnaire")
@org_view(Perm.VIEW)
def questionnaire_detail(request, pk):
    q = _get(request, Questionnaire, pk, "partner", "template", "reviewed_by")
    reviewable = q.status in ("submitted", "reviewed") and _can_change(request)
    items = q.items.select_related("document").prefetch_related("actions")
    only_findings = request.GET.get("show") == "findings"
    if only_findings:  # the answers a reviewer acts on: not "yes", or marked weak
        items = items.filter(Q(weakness=True) | Q(reply__in=["no", "partial", ""]))
    items = list(items)
    owners = None
    rows = []
    for item in items:
        form = None
        if reviewable and item.weakness and not item.weakness_closed:
            if owners is None:
                owners = [("", "---------")] + [(u.pk, u.email) for u in _members(request.org)]
            form = _item_action_form(item, owners)
        rows.append((item, form))
    context = {
        "q": q,
        "rows": rows,
        "editable": _can_change(request),
        "reviewable": reviewable,
        "only_findings": only_findings,
        "review_form": ReviewForm(initial={"summary": q.review_summary}),
        "suggested": services.suggested_weaknesses(q).count(),
        "can_view_evidence": has_perm(request.role, Perm.VIEW_EVIDENCE),
    }
    return render(request, "partners/questionnaire.html", context)


@route("questionnaires/<int:pk>/revoke/", "revoke")
@require_POST
@org_view(Perm.CHANGE)
def questionnaire_revoke(request, pk):
    q = _get(request, Questionnaire, pk)
    services.revoke_link(request.org, request.user, q)
    messages.success(request, "The partner link is revoked.")
    return redirect("partners:questionnaire", pk=pk)


@route("questionnaires/<int:pk>/reissue/", "reissue")
@require_POST
@org_view(Perm.CHANGE)
def questionnaire_reissue(request, pk):
    q = _get(request, Questionnaire, pk, "partner", "organisation")
    link = services.reissue_link(request.org, request.user, q, base_url=_base_url(request))
    return render(
        request, "partners/sent.html", {"questionnaire": q, "link": link, "partner": q.partner}
    )


@route("questionnaires/<int:pk>/weaknesses/", "mark_weaknesses")
@require_POST
@org_view(Perm.CHANGE)
def questionnaire_weaknesses(request, pk):
    q = _get(request, Questionnaire, pk, "partner")
    n = services.mark_suggested_weaknesses(request.org, request.user, q)
    noun = "answer" if n == 1 else "answers"
    messages.success(request, f"{n} {noun} marked as weaknesses.")
    return redirect("partners:questionnaire", pk=pk)


@route("questionnaires/<int:pk>/review/", "review")
@require_POST
@org_view(Perm.CHANGE)
def questionnaire_review(request, pk):
    q = _get(request, Questionnaire, pk, "partner")
    form = ReviewForm(request.POST)
    if _submit(
        request,
        form,
        lambda d: services.complete_review(request.org, request.user, q, summary=d["summary"]),
    ):
        messages.success(request, "Review completed. The partner's tier is updated.")
    else:
        messages.error(request, " ".join(" ".join(v) for v in form.errors.values()))
    return redirect("partners:questionnaire", pk=pk)


@route("items/<int:pk>/review/")
@require_POST
@org_view(Perm.CHANGE)
def item_review(request, pk):
    item = _get(request, QuestionnaireItem, pk, "questionnaire__partner")
    form = ItemReviewForm(request.POST)
    if _submit(request, form, lambda d: services.review_item(request.org, request.user, item, **d)):
        messages.success(request, f"Question {item.reference or item.position} reviewed.")
    url = reverse("partners:questionnaire", kwargs={"pk": item.questionnaire_id})
    return redirect(f"{url}#item-{item.pk}")

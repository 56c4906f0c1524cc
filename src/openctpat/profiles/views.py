from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openctpat.accounts.models import Membership
from openctpat.catalog.categories import CATEGORIES
from openctpat.catalog.models import CriteriaSet, Requirement
from openctpat.core.downloads import PDF, XLSX, attachment
from openctpat.core.errors import DomainError
from openctpat.core.pages import get_for_org, require_change, safe_next, submit
from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route

from . import exports, resources, services
from .api import evidence_file_response, exports_filename
from .forms import (
    AnniversaryForm,
    CommentForm,
    DocumentForm,
    EvidenceUploadForm,
    FileForm,
    LinkEvidenceForm,
    apply_domain_error,
)
from .models import (
    Answer,
    AnswerStatus,
    EvidenceDocument,
    ReviewStatus,
    SecurityProfile,
)


def _profile(request, pk) -> SecurityProfile:
    return get_for_org(request, SecurityProfile, pk, "criteria_set", "site")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- profiles --------------------------------------------------------------------------------
@route("<int:pk>/", "profile")
@org_view(Perm.VIEW)
def profile_detail(request, pk):
    profile = _profile(request, pk)
    anniversary = AnniversaryForm(
        request.POST or None,
        initial={"anniversary_date": profile.anniversary_date},
        instance=profile,
    )
    if submit(
        request,
        anniversary,
        lambda d: services.update_profile(request.org, request.user, profile, **d),
    ):
        messages.success(request, "Anniversary date saved.")
        return redirect("profiles:profile", pk=profile.pk)
    category = request.GET.get("category")
    status = request.GET.get("status")
    requirement = request.GET.get("requirement")
    answers = resources.answers.filtered(
        request.org,
        profile,
        category=int(category) if category and category.isdigit() else None,
        status=status if status in AnswerStatus.values else None,
        requirement=requirement if requirement in Requirement.values else None,
    )
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    context = {
        "profile": profile,
        "completeness": services.completeness(profile),
        "window": services.review_window(profile),
        "review": services.open_review(profile),
        "anniversary_form": anniversary,
        "import_form": FileForm(),
        "newer": services.newer_versions(profile),
        "page": page,
        "query": _query_without_page(request),
        "categories": CATEGORIES,
        "statuses": AnswerStatus.choices,
        "filters": {"category": category, "status": status, "requirement": requirement},
    }
    if context["review"]:
        context["progress"] = services.review_progress(context["review"])
    template = "profiles/_answer_table.html" if request.htmx else "profiles/profile.html"
    return render(request, template, context)


@route("<int:pk>/gaps/", "gaps")
@org_view(Perm.VIEW)
def gap_list(request, pk):
    profile = _profile(request, pk)
    category = request.GET.get("category")
    owner = request.GET.get("owner")
    requirement = request.GET.get("requirement")
    gaps = services.gaps(
        profile,
        category=int(category) if category and category.isdigit() else None,
        owner_id=int(owner) if owner and owner.isdigit() else None,
        requirement=requirement if requirement in Requirement.values else None,
    )
    page = Paginator(gaps, 50).get_page(request.GET.get("page"))
    for answer in page:
        answer.reasons = services.gap_reasons(answer)
    members = Membership.objects.for_org(request.org).select_related("user").order_by("user__email")
    context = {
        "profile": profile,
        "page": page,
        "query": _query_without_page(request),
        "categories": CATEGORIES,
        "members": members,
        "filters": {"category": category, "owner": owner, "requirement": requirement},
    }
    return render(request, "profiles/gaps.html", context)


@route("<int:pk>/export.pdf")
@org_view(Perm.VIEW)
def export_pdf(request, pk):
    profile = _profile(request, pk)
    pdf = exports.build_pdf(profile, request.user)
    return attachment(pdf, exports_filename(profile, "pdf"), PDF)


@route("<int:pk>/export.xlsx")
@org_view(Perm.VIEW)
def export_xlsx(request, pk):
    profile = _profile(request, pk)
    xlsx = exports.build_xlsx(profile, request.user)
    return attachment(xlsx, exports_filename(profile, "xlsx"), XLSX)


@route("<int:pk>/import/")
@require_POST
@org_view(Perm.CHANGE)
def import_xlsx(request, pk):
    profile = _profile(request, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the XLSX file to import.")
        return redirect("profiles:profile", pk=pk)
    try:
        result = exports.import_xlsx(request.org, request.user, profile, form.cleaned_data["file"])
    except DomainError as exc:
        return render(
            request,
            "profiles/import_errors.html",
            {"profile": profile, "message": exc.message, "rows": exc.field_errors.get("rows", [])},
            status=422,
        )
    messages.success(
        request, f"Imported: {result.updated} answers updated, {result.unchanged} unchanged."
    )
    return redirect("profiles:profile", pk=pk)


@route("<int:pk>/migrate/")
@require_POST
@org_view(Perm.CHANGE)
def migrate(request, pk):
    profile = _profile(request, pk)
    target = get_object_or_404(
        CriteriaSet, pk=request.POST.get("criteria_set", 0) or 0, entity_type=profile.entity_type
    )
    result = services.migrate_profile(request.org, request.user, profile, target)
    messages.success(
        request,
        f"Moved to MSC {target.msc_version}: {result.kept} answers kept, {result.flagged} "
        f"reworded and {result.added} new criteria flagged for review, {result.retired} retired.",
    )
    return redirect("profiles:profile", pk=pk)


# -- answers ---------------------------------------------------------------------------------
def _answer(request, pk) -> Answer:
    return get_for_org(request, Answer, pk, "criterion__criteria_set", "profile__site", "owner")


@route("answers/<int:pk>/evidence/")
@require_POST
@org_view(Perm.CHANGE)
def answer_link(request, pk):
    answer = _answer(request, pk)
    if "file" in request.FILES:
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            document = resources.upload(request.org, request.user, **form.cleaned_data)
            services.link_evidence(request.org, request.user, answer, document)
            messages.success(request, f"Uploaded and linked {document.title}.")
        else:
            messages.error(request, "Choose a file to upload.")
    else:
        form = LinkEvidenceForm(
            request.POST, documents=EvidenceDocument.objects.for_org(request.org)
        )
        if form.is_valid():
            services.link_evidence(request.org, request.user, answer, form.cleaned_data["document"])
            messages.success(request, f"Linked {form.cleaned_data['document'].title}.")
        else:
            messages.error(request, "Choose a document to link.")
    return redirect("profiles:answer", pk=pk)


@route("answers/<int:pk>/evidence/<int:document_pk>/unlink/")
@require_POST
@org_view(Perm.CHANGE)
def answer_unlink(request, pk, document_pk):
    answer = _answer(request, pk)
    document = get_for_org(request, EvidenceDocument, document_pk)
    services.unlink_evidence(request.org, request.user, answer, document)
    messages.success(request, f"Unlinked {document.title}.")
    return redirect("profiles:answer", pk=pk)


@route("answers/<int:pk>/comments/")
@require_POST
@org_view(Perm.CHANGE)
def answer_comment(request, pk):
    answer = _answer(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(request.org, request.user, answer, form.cleaned_data["body"])
    else:
        messages.error(request, "A comment cannot be empty.")
    return redirect("profiles:answer", pk=pk)


# -- evidence library ------------------------------------------------------------------------
@route("evidence/<int:pk>/", "evidence")
@org_view(Perm.VIEW)
def evidence_detail(request, pk):
    document = get_for_org(request, EvidenceDocument, pk, "current")
    form = DocumentForm(
        request.POST or None,
        initial={k: getattr(document, k) for k in services.DOCUMENT_FIELDS},
        instance=document,
    )
    version_form = FileForm()
    if request.method == "POST":
        require_change(request)
        if "file" in request.FILES:
            version_form = FileForm(request.POST, request.FILES)
            form = DocumentForm(initial=form.initial)
            if version_form.is_valid():
                try:
                    version = services.upload_new_version(
                        request.org, request.user, document, version_form.cleaned_data["file"]
                    )
                except DomainError as exc:
                    apply_domain_error(version_form, exc)
                else:
                    messages.success(request, f"Version {version.number} uploaded.")
                    return redirect("profiles:evidence", pk=pk)
        elif submit(
            request,
            form,
            lambda d: services.update_document(request.org, request.user, document, **d),
        ):
            messages.success(request, "Document saved.")
            return redirect("profiles:evidence", pk=pk)
    context = {
        "document": document,
        "form": form,
        "version_form": version_form,
        "versions": document.versions.select_related("created_by"),
        "answers": document.answers.select_related("criterion", "profile"),
    }
    return render(request, "profiles/evidence_detail.html", context)


@route("evidence/<int:pk>/v/<int:number>/file", "evidence_file")
@org_view(Perm.VIEW_EVIDENCE)
def evidence_download(request, pk, number):
    document = get_for_org(request, EvidenceDocument, pk)
    version = get_object_or_404(document.versions, number=number)
    return evidence_file_response(request, version)


# -- annual review ---------------------------------------------------------------------------
@route("<int:pk>/review/")
@org_view(Perm.VIEW)
def review(request, pk):
    profile = _profile(request, pk)
    current = services.open_review(profile)
    context = {
        "profile": profile,
        "window": services.review_window(profile),
        "review": current,
        "past": profile.reviews.filter(status=ReviewStatus.COMPLETED),
    }
    if current:
        context["progress"] = services.review_progress(current)
        items = {i.answer_id: i for i in current.items.select_related("reviewed_by")}
        answers = list(services.active_answers(profile).select_related("criterion"))
        for answer in answers:
            answer.review_item = items.get(answer.pk)
        context["answers"] = answers
    return render(request, "profiles/review.html", context)


@route("<int:pk>/review/action/")
@require_POST
@org_view(Perm.CHANGE)
def review_action(request, pk):
    profile = _profile(request, pk)
    action = request.POST.get("action")
    if action == "start":
        services.start_review(request.org, request.user, profile)
        messages.success(request, "Annual review started.")
        return redirect("profiles:review", pk=pk)
    current = services.open_review(profile)
    if current is None:
        messages.error(request, "No annual review is open.")
    elif action == "affirm":
        answer = get_for_org(request, Answer, request.POST.get("answer", 0) or 0, "criterion")
        services.affirm_answer(request.org, request.user, current, answer)
    elif action == "affirm_all":
        count = services.affirm_all_remaining(request.org, request.user, current)
        messages.success(request, f"{count} criteria re-affirmed.")
    elif action == "complete":
        services.complete_review(request.org, request.user, current)
        messages.success(request, "Annual review completed.")
    else:
        messages.error(request, "Unknown review action.")
    return redirect(safe_next(request, reverse("profiles:review", kwargs={"pk": pk})))

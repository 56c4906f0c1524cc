"""The security-profile app's plain resources: declared once, pages and API from core.

Sites, profiles, their answers, the evidence library and past annual reviews. The rest
(a profile's own page and its gaps, evidence links and comments, uploads and downloads,
reviews' sign-offs, exports, imports and MSC version moves) stays in views.py and api.py.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from openctpat.core.permissions import Perm
from openctpat.core.resources import Api, Page, Resource

from . import schemas, services
from .forms import (
    AnswerForm,
    CommentForm,
    EvidenceFilterForm,
    EvidenceUploadForm,
    LinkEvidenceForm,
    ProfileCreateForm,
    SiteForm,
)
from .models import AnnualReview, Answer, EvidenceDocument, SecurityProfile, Site, SiteType

TESTING = "openctpat.testing.profiles."

sites = Resource(
    model=Site,
    name="site",
    services=services,
    form=SiteForm,
    pages={
        "list": Page("sites/", "profiles:site_list", "profiles/sites.html"),
        "edit": Page("sites/<int:pk>/", "profiles:site_edit", "profiles/site_edit.html"),
        "delete": Page("sites/<int:pk>/delete/", "profiles:site_delete"),
    },
    after_save="list",
    messages={"created": "Site {obj.name} added.", "saved": "Site saved."},
    api=Api(
        "/sites",
        "/sites/{site_id}",
        schemas,
        "Site",
        tags=["sites"],
    ),
    payload=lambda org, n: {"name": f"Dock {n}", "country": "US", "site_type": "warehouse"},
    patch={"address": "1 Harbour Road"},
)


def _profile_rows(page) -> list:
    """Each listed profile with its completeness and review window, tallied in one query."""
    profiles = list(page)
    tallies = services.completeness_by_profile(profiles)
    return [(p, tallies[p.pk].overall, services.review_window(p)) for p in profiles]


def _profile_body(org, n, site_key) -> dict:
    """The kit's new importer profile: each for a site of its own, as only one may be."""
    site = Site.objects.create(
        organisation=org, name=f"Yard {n}", country="US", site_type=SiteType.WAREHOUSE
    )
    return {"entity_type": "importer", site_key: site.pk}


profiles = Resource(
    model=SecurityProfile,
    name="profile",
    services=services,
    related=("criteria_set", "site"),
    form=ProfileCreateForm,
    form_kwargs=lambda request: {"org": request.org},
    pages={
        "list": Page("", "profiles:profile_list", "profiles/profile_list.html"),
        "detail": Page("<int:pk>/", "profiles:profile", own_view=True),
    },
    rows=_profile_rows,
    messages={"created": "Security profile {obj} created."},
    api=Api(
        "/profiles",
        "/profiles/{profile_id}",
        schemas,
        "Profile",
        ops=("list", "create", "get", "update"),
        refs={"site_id": ("site", Site)},
        nullable=("anniversary_date",),
    ),
    payload=lambda org, n: _profile_body(org, n, "site_id"),
    form_payload=lambda org, n: _profile_body(org, n, "site"),
    patch={"anniversary_date": "2027-03-01"},
)


def _answer_page(request, answer) -> dict:
    """The criterion, its evidence and the forms that link more, comments, the review."""
    available = EvidenceDocument.objects.for_org(request.org).exclude(answers=answer)
    review = services.open_review(answer.profile)
    return {
        "criterion": answer.criterion,
        "linked": answer.evidence.select_related("current").order_by("title"),
        "link_form": LinkEvidenceForm(documents=available),
        "upload_form": EvidenceUploadForm(),
        "comment_form": CommentForm(),
        "comments": answer.comments.select_related("created_by"),
        "review": review,
        "review_item": review.items.filter(answer=answer).first() if review else None,
    }


answers = Resource(
    model=Answer,
    name="answer",
    services=services,
    search=services.search_answers,
    parent=profiles,
    related=("criterion__criteria_set", "profile__site", "owner"),
    form=AnswerForm,
    form_kwargs=lambda request: {"org": request.org},
    initial=lambda answer: {k: getattr(answer, k) for k in services.ANSWER_FIELDS},
    edit_perm=Perm.VIEW,  # every member reads the answer page; contributors save it
    pages={
        "edit": Page("answers/<int:pk>/", "profiles:answer", "profiles/answer.html", _answer_page)
    },
    after_save="edit",
    messages={"saved": "{obj.criterion.criterion_id} saved."},
    api=Api(
        "/profiles/{profile_id}/answers",
        "/answers/{answer_id}",
        schemas,
        "Answer",
        ops=("list", "get", "update"),
        members={"owner_id": "owner"},
        prefetch=("evidence",),
        nullable=("owner_id", "due_date", "narrative", "na_justification", "must_override_reason"),
    ),
    factory=TESTING + "make_active_answer",
    patch={"status": "meets", "narrative": "ISO 17712 H bolt seals, logged at the gate."},
)


def upload(org, actor, *, file, **fields) -> EvidenceDocument:
    """A new library document from the upload form's fields."""
    return services.upload_evidence(org, actor, file, **fields)


documents = Resource(
    model=EvidenceDocument,
    name="document",
    services=services,
    create=upload,
    search=services.evidence_documents,
    related=("current__created_by",),
    form=EvidenceUploadForm,
    filter_form=EvidenceFilterForm,
    pages={
        "list": Page(
            "evidence/",
            "profiles:evidence_list",
            "profiles/evidence_list.html",
            lambda request, obj: {"max_mb": services.max_upload_bytes() // 1_048_576},
        ),
        "detail": Page("evidence/<int:pk>/", "profiles:evidence", own_view=True),
    },
    after_save="list",
    messages={"created": "Uploaded {obj.title}."},
    api=Api(
        "/evidence",
        "/evidence/{document_id}",
        schemas,
        "Document",
        tags=["evidence"],
        ops=("list", "get", "update"),  # a new document is an upload (api.upload_evidence)
        names={"list": "list_evidence", "get": "get_evidence", "update": "update_evidence"},
        nullable=("review_date",),
    ),
    form_payload=lambda org, n: {
        "file": SimpleUploadedFile(f"sop-{n}.txt", f"Seal SOP, issue {n}\n".encode()),
        "title": f"Seal SOP {n}",
    },
    patch={"title": "Seal control procedure", "review_date": "2027-06-30"},
)

reviews = Resource(
    model=AnnualReview,
    name="review",
    services=services,
    related=("profile__site", "completed_by"),
    context_name="review",
    pages={
        "detail": Page(
            "reviews/<int:pk>/",
            "profiles:review_detail",
            "profiles/review_detail.html",
            lambda request, review: {
                "items": review.items.select_related("answer__criterion", "reviewed_by")
            },
        ),
    },
    # Reviews are started, affirmed and completed by the workflow in api.py.
    api=Api("/reviews", "/reviews/{review_id}", schemas, "Review", tags=["reviews"], ops=("get",)),
)

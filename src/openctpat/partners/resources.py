"""The partner app's declared resources and settings: pages and API operations from core.

The register's workflows (imports, questionnaires and their links, the review, documents)
stay in views.py and api.py.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from openctpat.core.orgsettings import SettingsPages
from openctpat.core.permissions import Perm, has_perm
from openctpat.core.resources import Api, Page, Resource
from openctpat.profiles.models import EvidenceDocument

from . import schemas, services
from .forms import (
    ActionForm,
    CertificationForm,
    ContactForm,
    DocumentLinkForm,
    PartnerFilterForm,
    PartnerForm,
    QuestionForm,
    SendForm,
    TemplateCreateForm,
    TierSettingsForm,
)
from .models import (
    BusinessPartner,
    Certification,
    FollowUpAction,
    PartnerContact,
    QuestionnaireItem,
    QuestionnaireTemplate,
    TemplateQuestion,
)
from .mra import mra_list

tier_settings = SettingsPages(
    services.TIER_SETTINGS,
    schemas,
    "TierSettings",
    "/partner-tier-settings",
    page=Page("tiers/", "partners:tier_settings", "partners/tier_settings.html"),
    form=TierSettingsForm,
    saved_message="Weights saved; every partner's tier was recomputed.",
    example={"weight_country": 30, "weight_role": 15},
)


def members(org):
    return get_user_model().objects.filter(memberships__organisation=org).order_by("email")


def _list_context(request, obj):
    query = request.GET.copy()
    query.pop("page", None)
    return {"export_query": query.urlencode()}


def _partner_page(request, partner):
    """Everything the partner page shows and the forms it posts from."""
    first_contact = partner.contacts.first()
    send_form = SendForm(
        templates=QuestionnaireTemplate.objects.for_org(request.org),
        initial={
            "contact_name": first_contact.name if first_contact else "",
            "contact_email": first_contact.email if first_contact else "",
            "due_date": timezone.localdate() + timezone.timedelta(days=30),
        },
    )
    documents = EvidenceDocument.objects.for_org(request.org).exclude(
        pk__in=partner.documents.values("pk")
    )
    return {
        "editable": has_perm(request.role, Perm.CHANGE),
        "certifications": partner.certifications.all(),
        "contacts": partner.contacts.all(),
        "documents": partner.documents.select_related("current"),
        "questionnaires": partner.questionnaires.select_related("template"),
        "actions": partner.actions.select_related("owner", "item"),
        "lane_nodes": partner.lane_nodes.select_related("lane__assessment"),
        "cert_form": CertificationForm(),
        "contact_form": ContactForm(),
        "send_form": send_form,
        "link_form": DocumentLinkForm(documents=documents),
        "action_form": ActionForm(members=members(request.org)),
        "mra": mra_list(),
        "screening": partner.screenings.prefetch_related("versions").first(),
        "alerts": partner.alerts.all()[:20],
        "can_view_evidence": has_perm(request.role, Perm.VIEW_EVIDENCE),
    }


partners = Resource(
    model=BusinessPartner,
    name="partner",
    services=services,
    search=services.search_partners,
    list_defer=("tier_reasons",),
    form=PartnerForm,
    initial=PartnerForm.initial_from,
    filter_form=PartnerFilterForm,
    context_name="partner",
    pages={
        "list": Page("", "partners:list", "partners/list.html", context=_list_context),
        "create": Page("new/", "partners:create", "partners/form.html"),
        "detail": Page("<int:pk>/", "partners:detail", "partners/detail.html", _partner_page),
        "edit": Page("<int:pk>/edit/", "partners:edit", "partners/form.html"),
        "delete": Page("<int:pk>/delete/", "partners:delete"),
    },
    rows_template="partners/_rows.html",
    messages={
        "created": "{obj.legal_name} added to the registry.",
        "saved": "Partner saved.",
        "deleted": "{obj.legal_name} deleted.",
    },
    api=Api(
        "/partners",
        "/partners/{partner_id}",
        schemas,
        "Partner",
        prefetch=("documents",),
    ),
    payload=lambda org, n: {
        "legal_name": f"Resource Supplier {n} Ltd",
        "partner_type": "supplier",
        "country": "VN",
    },
    patch={"notes": "Audited on site in March."},
)


def _child(name, model, form, **more):
    """A partner's certification, contact or follow-up: added from the partner page,
    edited and deleted on their own pages."""
    plural = f"{name}s"
    return Resource(
        model=model,
        name=name,
        services=services,
        parent=partners,
        related=("partner",),
        edit_perm=Perm.VIEW,
        form=form,
        pages={
            "add": Page(f"<int:parent_pk>/{plural}/", f"partners:{name}_add"),
            "edit": Page(f"{plural}/<int:pk>/", f"partners:{name}", "partners/child_form.html"),
            "delete": Page(f"{plural}/<int:pk>/delete/", f"partners:{name}_delete"),
        },
        after_save="parent",
        extra_context=lambda request, obj: {"partner": obj.partner, "kind": name} if obj else {},
        messages={
            "created": f"{name.capitalize()} added.",
            "saved": f"{name.capitalize()} saved.",
            "deleted": f"{name.capitalize()} deleted.",
        },
        **more,
    )


contacts = _child(
    "contact",
    PartnerContact,
    ContactForm,
    api=Api(
        "/partners/{partner_id}/contacts",
        "/partner-contacts/{contact_id}",
        schemas,
        "Contact",
        ops=("list", "create", "update", "delete"),
        names={"create": "add_contact"},
    ),
    payload=lambda org, n: {"name": f"Contact {n}", "email": f"c{n}@supplier.test"},
    patch={"phone": "+86 574 5555 0100"},
)
certifications = _child(
    "certification",
    Certification,
    CertificationForm,
    api=Api(
        "/partners/{partner_id}/certifications",
        "/partner-certifications/{certification_id}",
        schemas,
        "Certification",
        ops=("list", "create", "update", "delete"),
        names={"create": "add_certification"},
    ),
    payload=lambda org, n: {"program": "iso28000", "status": "certified", "reference": f"R{n}"},
    patch={"reference": "ISO-28000-2026-17"},
)
actions = _child(
    "action",
    FollowUpAction,
    ActionForm,
    form_kwargs=lambda request: {"members": members(request.org)},
    api=Api(
        "/partners/{partner_id}/actions",
        "/partner-actions/{followup_id}",
        schemas,
        "FollowUp",
        ops=("list", "create", "update", "delete"),
        refs={"item_id": ("item", QuestionnaireItem)},
        members={"owner_id": "owner"},
    ),
    payload=lambda org, n: {"title": f"Fence the yard {n}"},
    patch={"status": "in_progress"},
)
# The follow-up raised from a weakness row is added by views.action_add (its form carries
# the row's prefix); the declared "add" page is not used for it.
actions.pages.pop("add")


def _create_template(org, actor, *, partner_type, name="", entity_type=None):
    return services.create_template(
        org, actor, partner_type=partner_type, entity_type=entity_type or None, name=name
    )


templates = Resource(
    model=QuestionnaireTemplate,
    name="template",
    services=services,
    create=_create_template,
    refine=lambda qs: qs.annotate(question_count=Count("questions")).order_by("name", "id"),
    form=TemplateCreateForm,
    pages={"list": Page("templates/", "partners:templates", "partners/templates.html")},
    after_save="detail",
    messages={"created": "Template created from the MSC catalog."},
    api=Api(
        "/questionnaire-templates",
        "/questionnaire-templates/{template_id}",
        schemas,
        "Template",
        ops=("list", "create", "get", "update"),
    ),
    label=lambda template: template.name,
    payload=lambda org, n: {"partner_type": "foreign_manufacturer", "name": f"Template {n}"},
    patch={"instructions": "Answer for the Ningbo plant."},
)
# The template's own page (edit and add questions) is views.template_detail.
templates.pages["detail"] = Page("templates/<int:pk>/", "partners:template", own_view=True)

questions = Resource(
    model=TemplateQuestion,
    name="question",
    services=services,
    parent=templates,
    related=("template",),
    form=QuestionForm,
    pages={
        "change": Page("questions/<int:pk>/", "partners:question"),
        "delete": Page("questions/<int:pk>/delete/", "partners:question_delete"),
    },
    messages={"saved": "Question saved.", "deleted": "Question removed."},
    api=Api(
        "/questionnaire-templates/{template_id}/questions",
        "/questionnaire-questions/{question_id}",
        schemas,
        "Question",
        ops=("create", "update", "delete"),
        names={"create": "add_question"},
        create_drop_none=True,
    ),
    payload=lambda org, n: {"text": f"Do you seal every container? ({n})"},
    patch={"must": True},
)

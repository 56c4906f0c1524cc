"""Every page and API operation of the app, discovered from the URL conf and OpenAPI schema.

The tenancy matrix and the query budgets walk these lists, so a new page or endpoint is
tested the moment it exists; one that needs an object says how to make it in OBJECTS.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from openctpat.accounts.services import create_api_token, invite_member
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.core.resources import REGISTRY, Resource
from openctpat.testing import add_member, owner_of
from openctpat.testing import inspections as inspection_factories
from openctpat.testing import partners as partner_factories
from openctpat.testing import profiles as profile_factories
from openctpat.testing import risk as risk_factories
from openctpat.testing import screening as screening_factories
from openctpat.testing.resources import make

# Pages anyone may open (sign-in, invitation links, password reset): not tenant data.
PUBLIC_PAGES = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:invitation_accept",
    # The partner link opens one questionnaire by its token: see partners/tests/test_link.py.
    "partner_link:answer",
}


def _invitation(org):
    invitation, _raw = invite_member(org, owner_of(org), "matrix-invitee@alpha.test", Role.VIEWER)
    return invitation.pk


def _token(org):
    token, _raw = create_api_token(org, owner_of(org), name="alpha-matrix-token", role=Role.VIEWER)
    return token.pk


def declared() -> dict:
    """Path parameter -> the declared resource whose object it names (``site_id`` -> sites)."""
    import openctpat.api  # noqa: F401  (every app's resources are declared on import)

    found = {}
    for r in REGISTRY:
        if isinstance(r, Resource) and r.api is not None and not getattr(r, "shared", False):
            params = re.findall(r"{(\w+)}", r.api.detail_path)
            if params and r.factory:
                found[params[-1]] = r
    return found


def seed(org) -> dict:
    """One object of every declared resource of ``org``, each child under its declared
    parent's object (one tree, as the app builds them), by path parameter."""
    made: dict[int, object] = {}

    def one(resource):
        if id(resource) not in made:
            parent = {}
            if resource.parent is not None:
                parent = {resource.parent_field: one(resource.parent)}
            made[id(resource)] = make(resource, org, **parent)
        return made[id(resource)]

    return {param: one(resource) for param, resource in declared().items()}


# How to make one of organisation A's objects for a URL parameter (page or API): declared
# resources from their declaration (``Resource.factory``), the rest by hand.
OBJECTS = {param: lambda org, r=resource: make(r, org).pk for param, resource in declared().items()}
OBJECTS |= {
    "membership_id": lambda org: add_member(org, Role.VIEWER).pk,
    "invitation_id": _invitation,
    "token_id": _token,
    "entry_id": lambda org: AuditEntry.objects.for_org(org).first().pk,
    "profile_id": lambda org: profile_factories.make_profile(org).pk,
    "answer_id": lambda org: profile_factories.make_answer(org).pk,
    "document_id": lambda org: profile_factories.make_document(org).pk,
    "review_id": lambda org: profile_factories.make_review(org).pk,
    "threat_id": lambda org: risk_factories.make_threat(org).pk,
    "vulnerability_id": lambda org: risk_factories.make_vulnerability(org).pk,
    "reference_set_id": lambda org: risk_factories.make_reference_set(org).pk,
    "import_id": lambda org: partner_factories.make_import(org).pk,
    "questionnaire_id": lambda org: partner_factories.make_questionnaire(org).pk,
    "item_id": lambda org: partner_factories.make_item(org).pk,
    "alert_id": lambda org: screening_factories.make_alert(org).pk,
    "inspection_point_id": lambda org: inspection_factories.make_point(org).pk,
    "seal_id": lambda org: inspection_factories.make_seal(org).pk,
    # Shared catalog rows: any organisation may read them, so they are not tenant data.
    "set_id": lambda org: profile_factories.importer_set().pk,
    "criterion_pk": lambda org: profile_factories.importer_set().criteria.first().pk,
}


# Path parameters that are not object ids (a version number within a document).
OBJECTS_EXTRA = {"number": 1, "country": "MX"}


def objects_of(org) -> dict:
    """Path parameter -> one of ``org``'s objects (its pk): the declared tree, the rest."""
    ids = {param: obj.pk for param, obj in seed(org).items()}
    for param, make_one in OBJECTS.items():
        ids.setdefault(param, make_one(org))
    return ids | OBJECTS_EXTRA


# Page URL name -> which object its ``pk`` is.
PAGE_OBJECTS = {
    "accounts:member_role": "membership_id",
    "accounts:member_remove": "membership_id",
    "accounts:invitation_revoke": "invitation_id",
    "accounts:token_revoke": "token_id",
    "core:audit_detail": "entry_id",
    "catalog:criterion": "criterion_pk",
    "profiles:profile": "profile_id",
    "profiles:gaps": "profile_id",
    "profiles:export_pdf": "profile_id",
    "profiles:export_xlsx": "profile_id",
    "profiles:import_xlsx": "profile_id",
    "profiles:migrate": "profile_id",
    "profiles:review": "profile_id",
    "profiles:review_action": "profile_id",
    "profiles:review_detail": "review_id",
    "profiles:answer": "answer_id",
    "profiles:answer_link": "answer_id",
    "profiles:answer_unlink": "answer_id",
    "profiles:answer_comment": "answer_id",
    "profiles:site_edit": "site_id",
    "profiles:site_delete": "site_id",
    "profiles:evidence": "document_id",
    "profiles:evidence_file": "document_id",
    "risk:detail": "assessment_id",
    "risk:lanes": "assessment_id",
    "risk:lanes_import": "assessment_id",
    "risk:threats": "assessment_id",
    "risk:vulnerabilities": "assessment_id",
    "risk:risks": "assessment_id",
    "risk:method": "assessment_id",
    "risk:sign_off": "assessment_id",
    "risk:copy_forward": "assessment_id",
    "risk:report_pdf": "assessment_id",
    "risk:report_xlsx": "assessment_id",
    "risk:lane": "lane_id",
    "risk:lane_delete": "lane_id",
    "risk:node": "node_id",
    "risk:node_delete": "node_id",
    "risk:threat_rate": "threat_id",
    "risk:country_rate_open": "assessment_id",
    "risk:node_rate_open": "node_id",
    "risk:vulnerability_rate": "vulnerability_id",
    "risk:action": "action_id",
    "partners:detail": "partner_id",
    "partners:edit": "partner_id",
    "partners:delete": "partner_id",
    "partners:certification_add": "partner_id",
    "partners:contact_add": "partner_id",
    "partners:document_link": "partner_id",
    "partners:document_unlink": "partner_id",
    "partners:action_add": "partner_id",
    "partners:send": "partner_id",
    "partners:certification": "certification_id",
    "partners:certification_delete": "certification_id",
    "partners:contact": "contact_id",
    "partners:contact_delete": "contact_id",
    "partners:action": "followup_id",
    "partners:action_delete": "followup_id",
    "partners:import_detail": "import_id",
    "partners:import_progress": "import_id",
    "partners:template": "template_id",
    "partners:question": "question_id",
    "partners:question_delete": "question_id",
    "partners:questionnaire": "questionnaire_id",
    "partners:revoke": "questionnaire_id",
    "partners:reissue": "questionnaire_id",
    "partners:mark_weaknesses": "questionnaire_id",
    "partners:review": "questionnaire_id",
    "partners:item_review": "item_id",
    "screening:alert": "alert_id",
    "screening:decide": "alert_id",
    "screening:screen_partner": "partner_id",
    "inspections:inspection_detail": "inspection_id",
    "inspections:inspection_edit": "inspection_id",
    "inspections:inspection_delete": "inspection_id",
    "inspections:inspection_pass_remaining": "inspection_id",
    "inspections:inspection_complete": "inspection_id",
    "inspections:inspection_point": "inspection_point_id",
    "inspections:checklist_detail": "checklist_id",
    "inspections:checklist_point": "checklist_point_id",
    "inspections:checklist_point_delete": "checklist_point_id",
    "inspections:seal_batch_detail": "batch_id",
    "inspections:seal_detail": "seal_id",
    "inspections:seal_issue": "seal_id",
    "inspections:seal_return": "seal_id",
    "inspections:seal_remove": "seal_id",
    "inspections:seal_write_off": "seal_id",
    "inspections:seal_audit_detail": "seal_audit_id",
    "inspections:seal_audit_sign_off": "seal_audit_id",
    "inspections:incident_detail": "incident_id",
    "inspections:incident_edit": "incident_id",
    "inspections:incident_notify": "incident_id",
    "inspections:incident_files": "incident_id",
    "inspections:incident_action_add": "incident_id",
    "inspections:incident_close": "incident_id",
    "inspections:incident_action_update": "corrective_action_id",
}
# Pages of one object that list many rows (a profile's criteria, its gaps, its review):
# they get query budgets like the list pages.
PARAM_LIST_PAGES = {
    "profiles:profile",
    "profiles:gaps",
    "profiles:review",
    "profiles:review_detail",
    "profiles:answer",
    "profiles:evidence",
    "risk:detail",
    "risk:lanes",
    "risk:threats",
    "risk:vulnerabilities",
    "risk:risks",
    "risk:lane",
    "partners:detail",
    "partners:import_detail",
    "partners:template",
    "partners:questionnaire",
    "inspections:inspection_detail",
    "inspections:checklist_detail",
}
# Pages that only redirect (two-factor step, no organisation yet) or only take a POST: a
# GET of them measures nothing, so they have no query budget.
NOT_LIST_PAGES = {
    "accounts:mfa_verify",
    "accounts:no_organisation",
    "accounts:mfa_disable",
    "accounts:switch_organisation",
}
# Lists of data every organisation shares (the MSC catalog, the screening lists).
SHARED_LISTS = {"/api/v1/catalog/criteria", "/api/v1/catalog/sets", "/api/v1/screening/lists"}
# Pages and API parameters that show shared (non-tenant) data to every signed-in member.
SHARED_PAGES = {"catalog:criterion"}
SHARED_API_PARAMS = {"set_id", "criterion_pk"}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns if ns else "")
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def pages() -> list[tuple[str, str]]:
    """(url name, route) of every app page; the admin and the API are tested elsewhere."""
    return sorted(
        (name, route)
        for name, route in _walk(get_resolver())
        if not route.startswith(("django-admin/", "api/"))
    )


def route_params(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def fill_route(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def api_operations(schema: dict) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    )


def path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)

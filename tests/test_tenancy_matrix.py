"""Organisation B must never read or change organisation A's data, on any page or endpoint.

Both organisations hold one object of every kind. B's member sends every API write of the
OpenAPI schema with a valid body (the declaration's ``payload``/``patch``, or BODIES here):
against A's object it must be refused by the lookup (404, or 403 where the role refuses
first), never with a 422, which would mean the write never reached the lookup; against B's
own object the same body must be accepted, which proves it valid. Every id a body names
(``Api.refs``/``Api.members`` and the ``*_id`` fields) is tried with A's object in it, on
B's own object: it must not link A's object. Every name of A's rows is a leak marker searched
in every answer B gets, and A's rows must be as they were after all of B's writes.
"""

import dataclasses
import datetime
import re
from types import ModuleType

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.test import Client, override_settings
from django.urls import include
from django.urls import path as url_path
from ninja import Router

from openctpat.accounts.models import Membership
from openctpat.api import build_api
from openctpat.core.orgsettings import REGISTRY as SETTINGS
from openctpat.core.orgsettings import SettingsPages
from openctpat.core.permissions import Role
from openctpat.core.resources import REGISTRY, Resource
from openctpat.inspections.models import Seal
from openctpat.risk import resources as risk_resources
from openctpat.risk import services as risk_services
from openctpat.risk.models import LaneNode
from openctpat.testing import add_member, make_org, make_user, owner_of, token_for
from openctpat.testing import partners as partner_factories
from openctpat.testing import risk as risk_factories
from openctpat.testing.api import ApiClient, session_api
from openctpat.testing.profiles import make_site, text_file

from .routes import (
    PAGE_OBJECTS,
    PUBLIC_PAGES,
    SHARED_API_PARAMS,
    SHARED_PAGES,
    api_operations,
    fill_route,
    objects_of,
    pages,
    path_params,
    route_params,
)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DUE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _xlsx(ids, api):
    """The profile's own workbook, as the app exports it."""
    return api.get(f"/api/v1/profiles/{ids['profile_id']}/export.xlsx").content


# Valid bodies of the writes no resource declares (``ids``: the caller's own objects).
BODIES = {
    "PATCH /answers/{answer_id}": lambda ids, api: {"narrative": "Seals are checked at the gate."},
    "POST /answers/{answer_id}/comments": lambda ids, api: {"body": "Checked on site."},
    "POST /answers/{answer_id}/evidence": lambda ids, api: {"document_id": ids["document_id"]},
    "PATCH /evidence/{document_id}": lambda ids, api: {"title": "Seal policy, second edition"},
    "POST /incidents/{incident_id}/close": lambda ids, api: {
        "root_cause": "A broken lock.",
        "closure_note": "Lock replaced.",
    },
    "POST /incidents/{incident_id}/notifications": lambda ids, api: {
        "party": "scss",
        "contact": "SCSS J. Doe",
        "method": "email",
    },
    "PATCH /inspection-points/{inspection_point_id}": lambda ids, api: {"result": "pass"},
    "POST /inspections/{inspection_id}/complete": lambda ids, api: {
        "signature_name": "I. Inspector"
    },
    "POST /invitations": lambda ids, api: {"email": "new-member@bravo.test", "role": "viewer"},
    "PATCH /members/{membership_id}": lambda ids, api: {"role": "auditor"},
    "PATCH /organisation": lambda ids, api: {"require_mfa": False},
    "POST /partner-imports/{import_id}/commit": lambda ids, api: {"skip_duplicates": True},
    "PUT /partner-imports/{import_id}/mapping": lambda ids, api: {
        "mapping": {"legal_name": "Legal name", "partner_type": "Type", "country": "Country"}
    },
    "POST /partners/{partner_id}/documents": lambda ids, api: {"document_id": ids["document_id"]},
    "POST /partners/{partner_id}/questionnaires": lambda ids, api: {
        "template_id": ids["template_id"],
        "contact_name": "Li Wei",
        "contact_email": "li.wei@supplier.test",
        "due_date": DUE,
    },
    "POST /profiles": lambda ids, api: {"entity_type": "importer", "site_id": ids["site_id"]},
    "PATCH /profiles/{profile_id}": lambda ids, api: {"anniversary_date": DUE},
    "POST /profiles/{profile_id}/migrate": lambda ids, api: {"criteria_set_id": ids["set_id"]},
    "PATCH /questionnaire-items/{item_id}": lambda ids, api: {"review_note": "Seen on the audit."},
    "POST /questionnaires/{questionnaire_id}/reissue": lambda ids, api: {"valid_days": 30},
    "POST /questionnaires/{questionnaire_id}/review": lambda ids, api: {"summary": "Complete."},
    "POST /reviews/{review_id}/affirm": lambda ids, api: {},
    "POST /risk/assessments/{assessment_id}/copy-forward": lambda ids, api: {"title": "Next year"},
    "POST /risk/assessments/{assessment_id}/countries/{country}/rate-open": lambda ids, api: {
        "rating": "High"
    },
    "POST /risk/nodes/{node_id}/vulnerabilities/rate-open": lambda ids, api: {"rating": "Low"},
    "PATCH /risk/threats/{threat_id}": lambda ids, api: {
        "rating": "High",
        "override_reason": "News",
    },
    "PATCH /risk/vulnerabilities/{vulnerability_id}": lambda ids, api: {"rating": "Medium"},
    "POST /screening/alerts/{alert_id}/confirm": lambda ids, api: {"confirm": True},
    "POST /screening/alerts/{alert_id}/false-positive": lambda ids, api: {"reason": "Other firm."},
    "POST /screening/alerts/{alert_id}/true-match": lambda ids, api: {"reason": "Same address."},
    "POST /screening/screen": lambda ids, api: {"name": "Novotech Industrial Supply"},
    "POST /seal-audits/{seal_audit_id}/sign-off": lambda ids, api: {"note": "Counted twice."},
    "POST /seal-verifications": lambda ids, api: {
        "site_id": ids["site_id"],
        "document_seal_number": Seal.objects.get(pk=ids["seal_id"]).number,
        "found_seal_number": Seal.objects.get(pk=ids["seal_id"]).number,
        "view_ok": True,
        "tug_ok": True,
        "twist_ok": True,
    },
    "POST /seals/{seal_id}/events": lambda ids, api: {"event": "issue"},
    "POST /tokens": lambda ids, api: {"name": "bravo-ci", "role": "viewer"},
    "POST /audit/verify": lambda ids, api: api.get("/api/v1/audit/head").json(),
}
# Writes on the caller's own object that need another write first (in the same rollback).
PRIOR = {
    "DELETE /partners/{partner_id}/documents/{document_id}": (
        "POST /partners/{partner_id}/documents"
    ),
    "POST /inspections/{inspection_id}/complete": (
        "POST /inspections/{inspection_id}/pass-remaining"
    ),
    "POST /profiles/{profile_id}/reviews": "PATCH /profiles/{profile_id}",
}
# A body id that only counts with another value beside it: its base body.
REF_BASE = {("POST /seals/{seal_id}/events", "site_id"): {"event": "remove"}}
# Multipart writes: their form fields (files included).
UPLOADS = {
    "POST /evidence": lambda ids, api: {"file": text_file(), "title": "Seal policy"},
    "POST /evidence/{document_id}/versions": lambda ids, api: {"file": text_file()},
    "POST /incidents/{incident_id}/files": lambda ids, api: {"file": text_file()},
    "POST /inspection-points/{inspection_point_id}/photo": lambda ids, api: {
        "file": SimpleUploadedFile("door.png", PNG, content_type="image/png"),
        "result": "pass",
    },
    "POST /partner-imports": lambda ids, api: {
        "file": SimpleUploadedFile("partners.csv", partner_factories.SMALL_CSV.encode())
    },
    "POST /profiles/{profile_id}/import.xlsx": lambda ids, api: {
        "file": SimpleUploadedFile("profile.xlsx", _xlsx(ids, api))
    },
    "POST /risk/assessments/{assessment_id}/lanes/import": lambda ids, api: {
        "file": SimpleUploadedFile("lanes.csv", risk_factories.lanes_csv(2))
    },
    "POST /risk/reference-sets": lambda ids, api: {
        "file": SimpleUploadedFile("indicators.csv", risk_factories.INDICATORS_CSV.encode())
    },
    "POST /screening/lists": lambda ids, api: {"files": [text_file(name="sdn.csv")]},
}
# Body ids that name an object of another kind than their name says; shared catalog rows.
REF_OBJECTS = {
    "copy_from_id": "checklist_id",
    "certificate_id": "document_id",
    "evidence_id": "document_id",
}
SHARED_REFS = {"criteria_set_id", "criterion_id"}
# Body ids that name a member of the organisation (a user id).
MEMBER_REFS = {"owner_id", "inspector_id", "issued_to_id", "issuer_ids"}
# The answers a write may give on the caller's own object besides a 2xx: the state the
# seeded object is in refuses the move (409), or the caller's role refuses it (403).
NOT_NOW = {403, 409}


@pytest.fixture
def tenants(db):
    org_a = make_org("Alpha Secret Imports")
    member = add_member(org_a, Role.CONTRIBUTOR, make_user("secret-member@alpha.test"))
    objects = objects_of(org_a)
    objects["member_user_id"] = member.user_id
    org_b = make_org("Bravo Logistics")
    return org_a, org_b, objects, objects_of(org_b)


def org_rows(org) -> dict:
    """Every row of the organisation, per model, as stored."""
    rows = {}
    for model in apps.get_models():
        if any(f.name == "organisation" for f in model._meta.fields):
            rows[model._meta.label] = list(
                model._base_manager.filter(organisation=org).order_by("pk").values()
            )
    return rows


NAME_FIELDS = re.compile(r"name|title|email|reference|^label$")


def names_in(rows) -> set[str]:
    """What names a row: its names, titles, e-mail addresses and references."""
    found = set()
    for model_rows in rows.values():
        for row in model_rows:
            for field, value in row.items():
                if NAME_FIELDS.search(field) and isinstance(value, str) and len(value) >= 5:
                    found.add(value)
    return found


def leak_markers(org_a, org_b) -> set[str]:
    """Every name of A's rows that B's own rows do not also have (packaged checklists)."""
    a_names = names_in(org_rows(org_a)) | {org_a.name}
    a_names |= set(Membership.objects.for_org(org_a).values_list("user__email", flat=True))
    b_names = names_in(org_rows(org_b)) | {org_b.name}
    return a_names - b_names


def leaks(answers, markers) -> list[str]:
    found = []
    for where, body in answers:
        for marker in markers:
            if re.search(rf"(?<!\w){re.escape(marker)}(?!\w)", body):
                found.append(f"{where} shows organisation A's {marker!r}")
    return found


def test_every_page_with_an_object_is_registered(db):
    missing = [
        name
        for name, route in pages()
        if route_params(route) and name not in PUBLIC_PAGES and name not in PAGE_OBJECTS
    ]
    assert not missing, f"Add these pages to tests/routes.py PAGE_OBJECTS: {missing}"


def test_pages(tenants, login):
    org_a, org_b, objects, _b_objects = tenants
    client = login(org_b)
    before = org_rows(org_a)
    answers = []
    checked = 0
    for name, route in pages():
        if name in PUBLIC_PAGES:
            continue
        params = route_params(route)
        if not params:
            response = client.get(fill_route(route, {}))
            assert response.status_code in (200, 302, 405), (name, response.status_code)
            answers.append((name, response.content.decode(errors="replace")))
        else:
            url = fill_route(route, dict.fromkeys(params, objects[PAGE_OBJECTS[name]]))
            get = client.get(url)
            answers.append((name, get.content.decode(errors="replace")))
            if name in SHARED_PAGES:
                assert get.status_code == 200, (name, get.status_code)
                checked += 1
                continue
            assert get.status_code in (403, 404, 405), f"GET {name} as B: {get.status_code}"
            post = client.post(url, {"role": "viewer"})
            assert post.status_code in (403, 404), f"POST {name} as B: {post.status_code}"
        checked += 1
    assert checked >= 10
    assert not leaks(answers, leak_markers(org_a, org_b))
    assert org_rows(org_a) == before, "B's posts changed organisation A's rows"


# -- the API ---------------------------------------------------------------------------------
def declared_bodies(ninja_api, resources) -> dict:
    """ "METHOD /path" -> (resource, op) for the declared resources' writes, and the
    settings' PATCH with their example."""
    mounts = {id(router): prefix.rstrip("/") for prefix, router in ninja_api._routers}
    bodies = {}
    for r in resources:
        if isinstance(r, Resource) and r.api is not None and hasattr(r.api, "router"):
            base = mounts[id(r.api.router)]
            bodies[f"POST {base}{r.api.list_path}"] = (r, "create")
            bodies[f"PATCH {base}{r.api.detail_path}"] = (r, "update")
        elif isinstance(r, SettingsPages):
            bodies[f"PATCH *{r.api_path}"] = (r, "settings")
    return bodies


class Matrix:
    """B's every write on A's objects, and on its own with A's ids in the body."""

    def __init__(self, ninja_api, resources, schema, org_a, org_b, a_ids, b_ids):
        self.schema, self.org_a, self.org_b = schema, org_a, org_b
        self.a_ids, self.b_ids = a_ids, b_ids
        self.declared = declared_bodies(ninja_api, resources)
        # A 500 is one more problem to report, not the end of the walk.
        self.api = ApiClient(token_for(org_b, Role.OWNER), Client(raise_request_exception=False))
        self.session = session_api(org_b)
        self.session.client.raise_request_exception = False
        self.problems: list[str] = []
        self.answers: list[tuple[str, str]] = []
        self.counts = {"writes": 0, "looked_up": 0, "own_accepted": 0, "ref_tries": 0}
        self.counts |= {"with_path_ids": 0, "refused_by_role": 0, "by_session": 0}
        self.n = 900

    def key(self, method, path) -> str:
        return f"{method} {path.removeprefix('/api/v1')}"

    def request_body(self, method, path):
        operation = self.schema["paths"][path][method.lower()]
        return operation.get("requestBody", {}).get("content", {})

    def body(self, method, path, ids, org):
        """A valid body for ``method path`` from ``org``'s point of view (None: no body),
        and whether it is multipart."""
        content = self.request_body(method, path)
        if not content:
            return None, False
        key = self.key(method, path)
        if "multipart/form-data" in content:
            return UPLOADS[key](ids, self.api), True
        declared = self.declared.get(key)
        if declared is None and method == "PATCH":
            settings = (v for k, v in self.declared.items() if k.startswith("PATCH *"))
            declared = next((v for v in settings if path.endswith(v[0].api_path)), None)
        if declared is not None:
            resource, op = declared
            self.n += 1
            if op == "create":
                return resource.payload(org, self.n), False
            return dict(resource.patch if op == "update" else resource.example), False
        if key not in BODIES:
            return KeyError(key), False
        return BODIES[key](ids, self.api), False

    def call(self, method, url, body, multipart, api=None):
        """B's request; what a token may not change (members, tokens, settings) goes
        through B's signed-in session instead."""
        api = api or self.api
        if multipart:
            for value in body.values():
                for file in value if isinstance(value, list) else [value]:
                    if hasattr(file, "seek"):
                        file.seek(0)  # read again when the session repeats the call
            response = api.client.post(url, body, headers=api.headers)
        elif body is None:
            response = getattr(api, method.lower())(url)
        else:
            response = getattr(api, method.lower())(url, body)
        self.answers.append((f"{method} {url}", response.content.decode(errors="replace")))
        if (
            api is self.api
            and response.status_code == 403
            and b"API token cannot" in (response.content)
        ):
            self.counts["by_session"] += 1
            return self.call(method, url, body, multipart, self.session)
        return response

    def on_own(self, method, path, url, body, multipart):
        """``body`` on B's own object, rolled back so that B's objects stay for the rest."""
        with transaction.atomic():
            prior = PRIOR.get(self.key(method, path))
            if prior is not None:
                p_method, p_path = prior.split(" ", 1)
                p_path = "/api/v1" + p_path
                p_url = p_path.format(**{p: self.b_ids[p] for p in path_params(p_path)})
                p_body, p_multipart = self.body(p_method, p_path, self.b_ids, self.org_b)
                done = self.call(p_method, p_url, p_body, p_multipart)
                assert done.status_code < 300, (prior, done.content)
            response = self.call(method, url, body, multipart)
            transaction.set_rollback(True)
        return response

    def ref_fields(self, method, path) -> list[str]:
        """The ids a body of this write may name: its ``*_id`` and ``*_ids`` fields."""
        content = self.request_body(method, path).get("application/json")
        if not content:
            return []
        schema = content["schema"]
        if "$ref" in schema:
            schema = self.schema["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return [f for f in schema.get("properties", {}) if re.search(r"_ids?$", f)]

    def a_value(self, field):
        """A's object (or member) for a body id field, None when not tenant data."""
        if field in SHARED_REFS:
            return None
        if field in MEMBER_REFS:
            user = self.a_ids["member_user_id"]
            return [user] if field.endswith("_ids") else user
        return self.a_ids.get(REF_OBJECTS.get(field, field))

    def run(self, operations):
        # Deletes last: the other writes still find the object they are about.
        for method, path in sorted(operations, key=lambda op: (op[0] == "DELETE", op)):
            if method not in WRITES:
                continue
            params = path_params(path)
            if set(params) & SHARED_API_PARAMS:
                continue  # a shared catalog row's writes are checked with its own tests
            self.counts["writes"] += 1
            b_body, multipart = self.body(method, path, self.b_ids, self.org_b)
            if isinstance(b_body, KeyError):
                self.problems.append(f"{method} {path}: add a valid body to BODIES or UPLOADS")
                continue
            own_url = path.format(**{p: self.b_ids[p] for p in params})
            if params:
                self.counts["with_path_ids"] += 1
                a_url = path.format(**{p: self.a_ids[p] for p in params})
                body = self.body(method, path, self.b_ids, self.org_b)[0]
                response = self.call(method, a_url, body, multipart)
                if response.status_code == 404:
                    self.counts["looked_up"] += 1
                elif response.status_code == 403:
                    self.counts["refused_by_role"] += 1
                else:
                    self.problems.append(
                        f"{method} {path} on A's object as B: {response.status_code} "
                        f"{response.content[:200]!r}"
                    )
            own = self.on_own(method, path, own_url, b_body, multipart)
            if 200 <= own.status_code < 300:
                self.counts["own_accepted"] += 1
            elif own.status_code not in NOT_NOW:
                self.problems.append(
                    f"{method} {path}: the body is not valid on B's own object "
                    f"({own.status_code} {own.content[:300]!r})"
                )
            for field in self.ref_fields(method, path):
                self.try_ref(method, path, own_url, field)

    def try_ref(self, method, path, own_url, field):
        """B's own object, A's id in ``field``: a 404 or a 422 naming the field."""
        a_value = self.a_value(field)
        if a_value is None:
            return
        body, _multipart = self.body(method, path, self.b_ids, self.org_b)
        body = {**body, **REF_BASE.get((self.key(method, path), field), {}), field: a_value}
        self.counts["ref_tries"] += 1
        response = self.on_own(method, path, own_url, body, False)
        status = response.status_code
        refused = status in (403, 404, 409) or (
            status == 422 and field in response.json()["error"].get("fields", {})
        )
        if not refused:
            self.problems.append(
                f"{method} {path} with A's {field}={a_value} as B: {status} "
                f"{response.content[:200]!r}"
            )


def run_matrix(ninja_api, resources, schema, tenants) -> Matrix:
    org_a, org_b, _a_ids, _b_ids = tenants
    matrix = Matrix(ninja_api, resources, schema, *tenants)
    before, markers = org_rows(org_a), leak_markers(org_a, org_b)
    matrix.run(api_operations(schema))
    if org_rows(org_a) != before:
        changed = [m for m, rows in org_rows(org_a).items() if rows != before[m]]
        matrix.problems.append(f"B's writes changed organisation A's rows: {changed}")
    matrix.problems += leaks(matrix.answers, markers - names_in(org_rows(org_b)))
    return matrix


def test_api(tenants, client):
    from openctpat.api import api as ninja_api

    org_a, org_b, objects, _b_objects = tenants
    schema = client.get("/api/v1/openapi.json").json()
    api = ApiClient(token_for(org_b, Role.OWNER))
    operations = api_operations(schema)
    missing = {p for _m, path in operations for p in path_params(path) if p not in objects}
    assert not missing, f"Add these path parameters to tests/routes.py OBJECTS: {missing}"
    answers = []
    for method, path in operations:
        params = path_params(path)
        if method != "GET":
            continue
        response = api.get(path.format(**{p: objects[p] for p in params}))
        answers.append((path, response.content.decode(errors="replace")))
        if params and not set(params) <= SHARED_API_PARAMS:
            assert response.status_code in (403, 404), f"GET {path} as B: {response.status_code}"
        else:
            assert response.status_code == 200, (path, response.content)
    assert not leaks(answers, leak_markers(org_a, org_b))
    matrix = run_matrix(ninja_api, REGISTRY + SETTINGS, schema, tenants)
    print(f"\ntenancy matrix: {matrix.counts}")
    assert not matrix.problems, "\n".join(matrix.problems)
    assert matrix.counts["writes"] >= 100
    assert (
        matrix.counts["looked_up"] + matrix.counts["refused_by_role"]
        == (matrix.counts["with_path_ids"])
    )
    assert matrix.counts["looked_up"] >= 70


def test_user_switching_sees_only_the_current_organisation(tenants, login):
    org_a, org_b, _objects, _b_objects = tenants
    user = owner_of(org_b)
    add_member(org_a, Role.VIEWER, user)
    client = login(org_b)
    assert b"secret-member@alpha.test" not in client.get("/accounts/members/").content
    client.post("/accounts/switch/", {"organisation": org_a.pk})
    assert b"secret-member@alpha.test" in client.get("/accounts/members/").content


# -- the matrix's own test: a resource whose lookups are not scoped fails it -----------------
class UnscopedLookups(Resource):
    """Finds the object a path names, and the ids a body names, in every organisation."""

    def get(self, request, pk):
        return get_object_or_404(self.model, pk=pk)

    def _resolve(self, request, data):
        for key, (name, model) in self.api.refs.items():
            if data.get(key) is not None:
                data[name] = get_object_or_404(model, pk=data.pop(key))
        return data


def _add_node_trusting_ids(org, actor, lane, site=None, partner=None, **data):
    """A service that links the site and partner it is given, whoever's they are."""
    node = risk_services.add_node(org, actor, lane, **data)
    LaneNode.objects.filter(pk=node.pk).update(site=site, partner=partner)
    return node


def _copy_of_nodes(cls, prefix, **more):
    """The risk app's lane nodes, declared again under ``/{prefix}-...``."""
    fields = {f.name: getattr(risk_resources.nodes, f.name) for f in dataclasses.fields(Resource)}
    fields |= more
    api = dataclasses.replace(
        risk_resources.nodes.api,
        list_path=f"/{prefix}-lanes/{{lane_id}}/nodes",
        detail_path=f"/{prefix}-nodes/{{node_id}}",
        names={op: f"{op}_{prefix}_node" for op in risk_resources.nodes.api.ops},
    )
    return cls(**{**fields, "api": api, "register": False})


unscoped_nodes = _copy_of_nodes(UnscopedLookups, "unscoped", create=_add_node_trusting_ids)
scoped_nodes = _copy_of_nodes(Resource, "scoped")
_router = Router()
for _resource in (unscoped_nodes, scoped_nodes):
    _resource.add_to(_router, __name__)
matrix_api = build_api(urls_namespace="matrix-api", docs_url=None, openapi_url=None)
matrix_api.add_router("/", _router)
matrix_urls = ModuleType("matrix_urls")
matrix_urls.urlpatterns = [
    url_path("api/v1/", matrix_api.urls),
    url_path("", include("openctpat.urls")),
]


def test_the_matrix_catches_lookups_not_scoped_to_the_organisation(db):
    """B changes A's node and links A's site to its own: the matrix says so; the same
    nodes declared as the app declares them pass."""

    def ids(org):
        node = risk_factories.make_node(org)
        return {"node_id": node.pk, "lane_id": node.lane_id, "site_id": make_site(org).pk}

    org_a, org_b = make_org("Alpha Secret Imports"), make_org("Bravo Logistics")
    with override_settings(ROOT_URLCONF=matrix_urls):
        schema = matrix_api.get_openapi_schema()
        tenants = (org_a, org_b, ids(org_a), ids(org_b))
        matrix = run_matrix(matrix_api, [unscoped_nodes, scoped_nodes], schema, tenants)
    assert matrix.counts["writes"] == 6
    assert all("scoped-" not in p.replace("unscoped-", "") for p in matrix.problems), (
        matrix.problems
    )
    text = "\n".join(matrix.problems)
    assert "PATCH /api/v1/unscoped-nodes/{node_id} on A's object as B: 200" in text
    assert "DELETE /api/v1/unscoped-nodes/{node_id} on A's object as B: 204" in text
    assert "POST /api/v1/unscoped-lanes/{lane_id}/nodes with A's site_id" in text
    assert "B's writes changed organisation A's rows" in text
    assert "shows organisation A's" in text

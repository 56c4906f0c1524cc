"""The tests every declared resource gets: pages and API, every role, tenancy, query budget.

Subclass ``ResourceTestCase`` with ``resource = <the declaration>``; the organisation, one
member of each role, and an object of the resource (and another organisation's) are built
once per class. Each check asserts what it claims: a write that is allowed changes the
database, a refused one leaves it as it was, and the list's query count is measured with
the list grown by two rows of that resource alone.
"""

import datetime
import json
from decimal import Decimal

from django.db import connection, models
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string

from openctpat.core.permissions import PERMISSIONS, SESSION_ONLY, Perm, Role

from . import add_member, make_org, owner_of, token_for
from .api import ApiClient

ROLES = tuple(Role.values)


def make(resource, org, **fields):
    """One of ``org``'s objects of ``resource``, from the factory its declaration names."""
    return import_string(resource.factory)(org, **fields)


def form_value(value):
    """A value as a browser would post it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return [form_value(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return "" if value is None else value


def form_data(form, **changes) -> dict:
    """What posting ``form`` unchanged (but for ``changes``) sends."""
    data = {}
    for bound in form:
        value = changes.get(bound.name, bound.value())
        if value is False or value is None or value == []:
            continue  # what a browser leaves out: unticked boxes, empty multiple choices
        data[bound.html_name] = form_value(value)
    return data


class ResourceTestCase(TestCase):
    """List, detail, create, edit and delete, in the pages and the API, for every role."""

    resource = None
    budget: int | None = None  # the most queries its list page and API list may make
    __test__ = False  # pytest collects every TestCase: only the subclasses that name one

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = cls.resource is not None

    @classmethod
    def setUpTestData(cls):
        cls.org = make_org(f"{cls.__name__} A")
        cls.other_org = make_org(f"{cls.__name__} B")
        cls.users = {Role.OWNER: owner_of(cls.org)}
        for role in ROLES:
            cls.users.setdefault(role, add_member(cls.org, role).user)
        cls.tokens = {role: token_for(cls.org, role, cls.users[role]) for role in ROLES}
        cls.obj = make(cls.resource, cls.org)
        cls.foreign = make(cls.resource, cls.other_org)

    # -- helpers ---------------------------------------------------------------------------
    def client_for(self, role) -> Client:
        client = Client()
        client.force_login(self.users[role])
        session = client.session
        session["organisation_id"] = self.org.pk
        session.save()
        return client

    def api_for(self, role) -> ApiClient:
        """A token; a signed-in session where only a session writes (members, tokens)."""
        if self.resource.write_perm in SESSION_ONLY:
            return ApiClient(client=self.client_for(role))
        return ApiClient(self.tokens[role])

    def may(self, role, perm) -> bool:
        """Whether ``role`` may open what needs ``perm``."""
        return role in PERMISSIONS[perm]

    def may_write(self, role) -> bool:
        """A write needs the declared permission and, whatever a declaration says, a role
        that changes data: a viewer or an auditor never writes."""
        return self.may(role, self.resource.write_perm) and self.may(role, Perm.CHANGE)

    def count(self) -> int:
        return self.resource.model.objects.filter(organisation=self.org).count()

    def gone(self, obj) -> bool:
        """Whether a delete took: the row is gone or, for what is revoked, revoked."""
        row = self.stored(obj)
        return row is None or row.get("revoked_at") is not None

    def stored(self, obj) -> dict:
        fresh = self.resource.model._base_manager.filter(pk=obj.pk).values().first()
        return json.loads(json.dumps(fresh, default=str)) if fresh else None

    def page_url(self, key, obj=None):
        page = self.resource.pages[key]
        if key == "list":
            if self.resource.parent is not None:
                return reverse(
                    page.name, args=[getattr(obj or self.obj, self.resource.parent_field + "_id")]
                )
            return reverse(page.name)
        if key in ("add", "create") and self.resource.parent is not None:
            return reverse(
                page.name, args=[getattr(obj or self.obj, self.resource.parent_field + "_id")]
            )
        if key == "create":
            return reverse(page.name)
        return reverse(page.name, args=[(obj or self.obj).pk])

    def api_url(self, which, obj=None):
        api = self.resource.api
        obj = obj or self.obj
        route = api.list_path if which == "list" else api.detail_path
        if which == "list" and self.resource.parent is not None:
            parent_id = getattr(obj, self.resource.parent_field + "_id")
            route = route.replace(route[route.index("{") : route.index("}") + 1], str(parent_id))
        elif which == "detail" and route:
            route = route.replace(route[route.rindex("{") : route.rindex("}") + 1], str(obj.pk))
        return "/api/v1" + _mount(api) + route

    def edit_post(self, client, obj):
        """The edit form as the page shows it, with the declaration's update applied."""
        page = client.get(self.page_url("edit", obj))
        self.assertEqual(page.status_code, 200, page.content[:300])
        return form_data(
            page.context["form"], **(self.resource.form_patch or self.resource.patch or {})
        )

    _made = 0

    def _n(self) -> int:
        """A fresh number for each body, so that names that must be unique are."""
        ResourceTestCase._made += 1
        return ResourceTestCase._made

    def create_body(self):
        return self.resource.payload(self.org, self._n())

    def create_form(self):
        """The create page's form as a browser posts it: its initial values, then the
        declaration's payload (pages without their own form post the payload alone)."""
        made = self.resource.form_payload or self.resource.payload
        payload = made(self.org, self._n()) if made else {}
        if "create" not in self.resource.pages:
            return payload
        page = self.client_for(Role.OWNER).get(self.page_url("create"))
        return form_data(page.context["form"], **payload)

    # -- pages -------------------------------------------------------------------------------
    def test_pages_by_role(self):
        readable = {"list": self.resource.read_perm, "detail": self.resource.read_perm}
        readable["edit"] = self.resource.edit_perm or self.resource.write_perm
        readable["create"] = self.resource.write_perm
        for key, perm in readable.items():
            if key not in self.resource.pages:
                continue
            for role in ROLES:
                with self.subTest(page=key, role=role):
                    response = self.client_for(role).get(self.page_url(key))
                    expected = 200 if self.may(role, perm) else 403
                    self.assertEqual(response.status_code, expected, response.content[:200])
                    if expected == 200 and key in ("list", "detail"):
                        self.assertContains(response, _shown(self.resource, self.obj))

    def test_page_create_by_role(self):
        key = next((k for k in ("create", "add", "list") if k in self.resource.pages), None)
        if key is None or self.resource.create is None or self.resource.form is None:
            self.skipTest("no page creates this resource")
        for role in ROLES:
            with self.subTest(role=role):
                before = self.count()
                response = self.client_for(role).post(self.page_url(key), self.create_form())
                if self.may_write(role):
                    self.assertEqual(response.status_code, 302, _errors(response))
                    self.assertEqual(self.count(), before + 1)
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self.count(), before)

    def test_page_edit_by_role(self):
        if "edit" not in self.resource.pages:
            self.skipTest("no edit page")
        data = self.edit_post(self.client_for(Role.OWNER), self.obj)
        for role in ROLES:
            with self.subTest(role=role):
                before = self.stored(self.obj)
                response = self.client_for(role).post(self.page_url("edit"), data)
                if self.may_write(role):
                    self.assertEqual(response.status_code, 302, _errors(response))
                    self.assertNotEqual(self.stored(self.obj), before, "the edit changed nothing")
                    data = self.edit_post(self.client_for(Role.OWNER), self.obj)
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self.stored(self.obj), before)

    def test_page_delete_by_role(self):
        if "delete" not in self.resource.pages:
            self.skipTest("no delete page")
        for role in ROLES:
            with self.subTest(role=role):
                obj = self._sibling()
                response = self.client_for(role).post(self.page_url("delete", obj))
                if self.may_write(role):
                    self.assertEqual(response.status_code, 302, _errors(response))
                    self.assertTrue(self.gone(obj))
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertFalse(self.gone(obj))

    def test_pages_of_another_organisation_are_404(self):
        client = self.client_for(Role.OWNER)
        for key in ("detail", "edit"):
            if key in self.resource.pages:
                with self.subTest(page=key):
                    before = self.stored(self.foreign)
                    self.assertEqual(client.get(self.page_url(key, self.foreign)).status_code, 404)
                    response = client.post(self.page_url(key, self.foreign), self.create_form())
                    self.assertEqual(response.status_code, 404)
                    self.assertEqual(self.stored(self.foreign), before)
        if "delete" in self.resource.pages:
            self.assertEqual(client.post(self.page_url("delete", self.foreign)).status_code, 404)
            self.assertFalse(self.gone(self.foreign))
        if "list" in self.resource.pages:
            if self.resource.parent is not None:
                self.assertEqual(client.get(self.page_url("list", self.foreign)).status_code, 404)
            else:
                self.assert_not_listed(client.get(self.page_url("list")), self.foreign)

    def assert_not_listed(self, response, foreign):
        """Neither the other organisation's object's name nor its link is on the page."""
        checked = False
        if self.resource.label(foreign) != self.resource.label(self.obj):
            self.assertNotContains(response, _shown(self.resource, foreign))
            checked = True
        if "detail" in self.resource.pages:
            self.assertNotContains(response, f'href="{self.page_url("detail", foreign)}"')
            checked = True
        self.assertTrue(checked, "the factory gives both organisations' objects one name")

    # -- API ---------------------------------------------------------------------------------
    def _api(self, op) -> bool:
        return self.resource.api is not None and op in self.resource.api.ops

    def test_api_reads_by_role(self):
        for op, url in (("list", self.api_url("list")), ("get", self.api_url("detail"))):
            if not self._api(op):
                continue
            for role in ROLES:
                with self.subTest(op=op, role=role):
                    response = self.api_for(role).get(url)
                    if self.may(role, self.resource.read_perm):
                        self.assertEqual(response.status_code, 200, response.content[:200])
                        body = response.json()
                        ids = [i["id"] for i in body["items"]] if op == "list" else [body["id"]]
                        self.assertIn(self.obj.pk, ids)
                    else:
                        self.assertEqual(response.status_code, 403)

    def test_api_create_by_role(self):
        if not self._api("create"):
            self.skipTest("no create operation")
        for role in ROLES:
            with self.subTest(role=role):
                before = self.count()
                response = self.api_for(role).post(self.api_url("list"), self.create_body())
                if self.may_write(role):
                    self.assertEqual(
                        response.status_code, self.resource.api.create_status, response.content
                    )
                    self.assertEqual(self.count(), before + 1)
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self.count(), before)

    def test_api_update_by_role(self):
        if not self._api("update"):
            self.skipTest("no update operation")
        for role in ROLES:
            with self.subTest(role=role):
                obj = self._sibling()
                before = self.stored(obj)
                response = self.api_for(role).patch(
                    self.api_url("detail", obj), self.resource.patch
                )
                if self.may_write(role):
                    self.assertEqual(response.status_code, 200, response.content)
                    self.assertNotEqual(self.stored(obj), before, "the update changed nothing")
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(self.stored(obj), before)

    def test_api_delete_by_role(self):
        if not self._api("delete"):
            self.skipTest("no delete operation")
        for role in ROLES:
            with self.subTest(role=role):
                obj = self._sibling()
                response = self.api_for(role).delete(self.api_url("detail", obj))
                if self.may_write(role):
                    self.assertEqual(response.status_code, 204, response.content)
                    self.assertTrue(self.gone(obj))
                else:
                    self.assertEqual(response.status_code, 403)
                    self.assertFalse(self.gone(obj))

    def test_api_of_another_organisation_is_404(self):
        api = self.api_for(Role.OWNER)
        before = self.stored(self.foreign)
        url = self.api_url("detail", self.foreign)
        if self._api("get"):
            self.assertEqual(api.get(url).status_code, 404)
        if self._api("update"):
            self.assertEqual(api.patch(url, self.resource.patch).status_code, 404)
        if self._api("delete"):
            self.assertEqual(api.delete(url).status_code, 404)
        self.assertEqual(self.stored(self.foreign), before)
        if self._api("list"):
            if self.resource.parent is not None:
                self.assertEqual(api.get(self.api_url("list", self.foreign)).status_code, 404)
            else:
                listed = api.get(self.api_url("list"), limit=200).json()["items"]
                # Shared rows are everyone's: the other organisation's are listed too.
                check = self.assertIn if self.resource.shared else self.assertNotIn
                check(self.foreign.pk, [i["id"] for i in listed])

    def test_api_refuses_unknown_fields_and_anonymous_callers(self):
        if not self.resource.api:
            self.skipTest("no API")
        if self._api("create"):
            before = self.count()
            body = {**self.create_body(), "no_such_field": 1}
            response = self.api_for(Role.OWNER).post(self.api_url("list"), body)
            self.assertEqual(response.status_code, 422, response.content)
            self.assertIn("no_such_field", response.json()["error"]["fields"])
            self.assertEqual(self.count(), before)
        anonymous = ApiClient()
        if self._api("list"):
            self.assertEqual(anonymous.get(self.api_url("list")).status_code, 401)
        if self._api("get"):
            self.assertEqual(anonymous.get(self.api_url("detail")).status_code, 401)
        if self._api("update"):
            before = self.stored(self.obj)
            response = anonymous.patch(self.api_url("detail"), self.resource.patch)
            self.assertEqual(response.status_code, 401)
            self.assertEqual(self.stored(self.obj), before)

    # -- query budget ------------------------------------------------------------------------
    def test_list_query_budget(self):
        """Two more rows of this resource (under the same parent) cost no more queries."""
        client = self.client_for(Role.OWNER)
        api = self.api_for(Role.OWNER)
        targets = []
        if "list" in self.resource.pages:
            targets.append(("page", lambda: client.get(self.page_url("list"))))
        if self._api("list"):
            targets.append(("api", lambda: api.get(self.api_url("list"), limit=50)))
        if not targets:
            self.skipTest("no list")
        for _name, call in targets:
            call()  # warm: a token's first use of the minute records it
        first = {name: _measure(call) for name, call in targets}
        for _ in range(2):
            self._sibling()
        for name, call in targets:
            with self.subTest(list=name):
                queries, rows = first[name]
                queries_after, rows_after = _measure(call)
                self.assertEqual(rows_after, rows + 2, "the list did not grow by the two rows")
                self.assertEqual(queries_after, queries, "queries grow with the rows (N+1)")
                if self.budget is not None:
                    self.assertLessEqual(queries, self.budget)

    def _sibling(self):
        """Another object like ``obj``: under the same parent when the resource has one."""
        if self.resource.parent is not None:
            parent = getattr(self.obj, self.resource.parent_field)
            return make(self.resource, self.org, **{self.resource.parent_field: parent})
        return make(self.resource, self.org)


def _measure(call) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content[:200]
    if response.get("Content-Type", "").startswith("application/json"):
        return len(ctx.captured_queries), response.json()["count"]
    return len(ctx.captured_queries), response.context["page"].paginator.count


def _mount(declared) -> str:
    """Where the project's API mounts a declaration's router ("/risk", or "" at the root)."""
    from openctpat.api import api  # builds the API, and so sets ``declared.router``

    routers = api._routers
    return next(prefix for prefix, mounted in routers if mounted is declared.router).rstrip("/")


def _shown(resource, obj) -> str:
    from django.utils.html import escape

    return escape(resource.label(obj))


def _errors(response) -> str:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return str(form.errors) if form is not None else str(response.content[:300])

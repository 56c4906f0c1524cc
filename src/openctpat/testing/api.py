"""A small JSON client for the API and the base class that gives a resource its tests."""

import json

import pytest
from django.test import Client

from openctpat.core.permissions import PERMISSIONS, Role

from . import make_org, signed_in, token_for


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, data=None, raw: str | None = None, **params):
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        if params:
            kwargs["query_params"] = params
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None, raw=None):
        return self._call("post", path, data, raw)

    def patch(self, path, data=None, raw=None):
        return self._call("patch", path, data, raw)

    def put(self, path, data=None, raw=None):
        return self._call("put", path, data, raw)

    def delete(self, path):
        return self._call("delete", path)


def session_api(org, role=Role.OWNER, user=None) -> ApiClient:
    """The API through a signed-in session: what changes members, tokens and settings."""
    return ApiClient(client=signed_in(org, role, user))


@pytest.mark.django_db
class APIResourceTests:
    """Subclass per resource to get list, read, role-permission and tenancy tests for free.

    Set ``path`` (the list URL), ``read_perm``/``write_perm`` (from ``Perm``) and implement
    ``make_object(org)``; give ``create_payload(org)``, ``update_payload`` and
    ``can_delete`` where the resource supports them, and ``list_path(obj)`` where the list
    lives under a parent. Every write checks the database: an allowed one changed it, a
    refused one left it as it was. (Declared resources get ``testing.resources`` instead.)
    """

    path: str = ""
    read_perm: str = "view"
    write_perm: str = "change"
    update_payload: dict | None = None
    can_delete: bool = False
    create_status: int = 201
    delete_status: int = 204

    def create_payload(self, org) -> dict | None:
        return None

    def __init_subclass__(cls, **kwargs):
        """Leave out the tests of operations the resource does not offer."""
        super().__init_subclass__(**kwargs)
        if cls.create_payload is APIResourceTests.create_payload:
            cls.test_create_by_role = None
            cls.test_unknown_fields_are_refused = None
        if cls.update_payload is None:
            cls.test_update_by_role = None
        if not cls.can_delete:
            cls.test_delete_by_role = None

    def detail(self, obj) -> str:
        return f"{self.path}/{obj.pk}"

    def list_path(self, obj) -> str:
        return self.path

    @staticmethod
    def stored(obj):
        return type(obj)._base_manager.filter(pk=obj.pk).values().first()

    def gone(self, obj) -> bool:
        """Whether a delete took: the row is gone (or, for what is revoked, revoked)."""
        row = self.stored(obj)
        return row is None or row.get("revoked_at") is not None

    @staticmethod
    def rows(model, org) -> int:
        return model._base_manager.filter(organisation=org).count()

    # -- helpers -----------------------------------------------------------------------
    @pytest.fixture
    def org(self):
        return make_org()

    def api(self, org, role) -> ApiClient:
        return ApiClient(token_for(org, role))

    @staticmethod
    def allowed(role, perm) -> bool:
        return role in PERMISSIONS[perm]

    # -- the tests every resource gets ---------------------------------------------
    @pytest.mark.parametrize("role", Role.values)
    def test_list_by_role(self, org, role):
        obj = self.make_object(org)
        response = self.api(org, role).get(self.list_path(obj), limit=1)
        if self.allowed(role, self.read_perm):
            assert response.status_code == 200, response.content
            body = response.json()
            assert set(body) == {"items", "count"}
            assert len(body["items"]) == 1 and body["count"] >= 1
        else:
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "permission_denied"

    @pytest.mark.parametrize("role", Role.values)
    def test_read_by_role(self, org, role):
        obj = self.make_object(org)
        response = self.api(org, role).get(self.detail(obj))
        expected = 200 if self.allowed(role, self.read_perm) else 403
        assert response.status_code == expected, response.content

    def test_other_organisation_gets_404(self, org):
        obj = self.make_object(org)
        other = self.api(make_org(), Role.OWNER)
        before = self.stored(obj)
        assert other.get(self.detail(obj)).status_code == 404
        listed = other.get(self.list_path(obj))
        if self.list_path(obj) == self.path:
            assert all(item["id"] != obj.pk for item in listed.json()["items"])
        else:  # under another organisation's parent
            assert listed.status_code == 404
        if self.update_payload is not None:
            assert other.patch(self.detail(obj), self.update_payload).status_code == 404
        if self.can_delete:
            assert other.delete(self.detail(obj)).status_code == 404
        assert self.stored(obj) == before

    @pytest.mark.parametrize("role", Role.values)
    def test_create_by_role(self, org, role):
        model = type(self.make_object(org))
        payload = self.create_payload(org)
        before = self.rows(model, org)
        response = self.api(org, role).post(self.path, payload)
        allowed = self.allowed(role, self.write_perm)
        assert response.status_code == (self.create_status if allowed else 403), response.content
        assert self.rows(model, org) == before + (1 if allowed else 0)

    @pytest.mark.parametrize("role", Role.values)
    def test_update_by_role(self, org, role):
        obj = self.make_object(org)
        before = self.stored(obj)
        response = self.api(org, role).patch(self.detail(obj), self.update_payload)
        allowed = self.allowed(role, self.write_perm)
        assert response.status_code == (200 if allowed else 403), response.content
        assert (self.stored(obj) != before) is allowed

    @pytest.mark.parametrize("role", Role.values)
    def test_delete_by_role(self, org, role):
        obj = self.make_object(org)
        response = self.api(org, role).delete(self.detail(obj))
        allowed = self.allowed(role, self.write_perm)
        assert response.status_code == (self.delete_status if allowed else 403), response.content
        assert self.gone(obj) is allowed

    def test_unknown_fields_are_refused(self, org):
        payload = self.create_payload(org)
        response = self.api(org, Role.OWNER).post(self.path, {**payload, "no_such_field": 1})
        assert response.status_code == 422
        assert "no_such_field" in response.json()["error"]["fields"]

    def test_unauthenticated_gets_401(self, org):
        obj = self.make_object(org)
        assert ApiClient().get(self.list_path(obj)).status_code == 401
        assert ApiClient().get(self.detail(obj)).status_code == 401

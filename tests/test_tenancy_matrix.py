"""Organisation B must never read or change organisation A's data, on any page or endpoint."""

import json

import pytest

from openctpat.core.permissions import Role
from openctpat.testing import add_member, make_org, make_user, owner_of, token_for
from openctpat.testing.api import ApiClient

from .routes import (
    OBJECTS,
    OBJECTS_EXTRA,
    PAGE_OBJECTS,
    PUBLIC_PAGES,
    SHARED_API_PARAMS,
    SHARED_PAGES,
    api_operations,
    fill_route,
    pages,
    path_params,
    route_params,
)

A_MARKERS = ("Alpha Secret Imports", "secret-member@alpha.test", "matrix-invitee@alpha.test")


@pytest.fixture
def tenants(db):
    org_a = make_org("Alpha Secret Imports")
    add_member(org_a, Role.CONTRIBUTOR, make_user("secret-member@alpha.test"))
    objects = {param: make(org_a) for param, make in OBJECTS.items()}
    objects.update(OBJECTS_EXTRA)
    org_b = make_org("Bravo Logistics")
    return org_a, org_b, objects


def assert_no_leak(response, where):
    body = response.content.decode(errors="replace")
    for marker in A_MARKERS:
        assert marker not in body, f"{where} shows organisation A's {marker!r}"


def test_every_page_with_an_object_is_registered(db):
    missing = [
        name
        for name, route in pages()
        if route_params(route) and name not in PUBLIC_PAGES and name not in PAGE_OBJECTS
    ]
    assert not missing, f"Add these pages to tests/routes.py PAGE_OBJECTS: {missing}"


def test_pages(tenants, login):
    org_a, org_b, objects = tenants
    client = login(org_b)
    checked = 0
    for name, route in pages():
        if name in PUBLIC_PAGES:
            continue
        params = route_params(route)
        if not params:
            response = client.get(fill_route(route, {}))
            assert response.status_code in (200, 302, 405), (name, response.status_code)
            assert_no_leak(response, name)
        else:
            url = fill_route(route, dict.fromkeys(params, objects[PAGE_OBJECTS[name]]))
            get = client.get(url)
            if name in SHARED_PAGES:
                assert get.status_code == 200, (name, get.status_code)
                assert_no_leak(get, name)
                checked += 1
                continue
            assert get.status_code in (403, 404, 405), f"GET {name} as B: {get.status_code}"
            post = client.post(url, {"role": "viewer"})
            assert post.status_code in (403, 404), f"POST {name} as B: {post.status_code}"
        checked += 1
    assert checked >= 10


def test_api(tenants, client):
    org_a, org_b, objects = tenants
    schema = client.get("/api/v1/openapi.json").json()
    api = ApiClient(token_for(org_b, Role.OWNER))
    operations = api_operations(schema)
    missing = {p for _m, path in operations for p in path_params(path) if p not in objects}
    assert not missing, f"Add these path parameters to tests/routes.py OBJECTS: {missing}"
    for method, path in operations:
        params = path_params(path)
        url = path.format(**{p: objects[p] for p in params})
        if params and set(params) <= SHARED_API_PARAMS:
            response = api.get(url)
            assert response.status_code == 200, (path, response.content)
            assert_no_leak(response, path)
        elif params:
            call = getattr(api, method.lower())
            if method in ("PATCH", "PUT", "POST"):
                response = call(url, raw=json.dumps({"role": "viewer"}))
            else:
                response = call(url)
            if response.status_code == 422:
                # Refused before any lookup: it must say the same about a missing object.
                ghost = path.format(**dict.fromkeys(params, 999_999_999))
                if method in ("PATCH", "PUT", "POST"):
                    same = call(ghost, raw=json.dumps({"role": "viewer"}))
                else:
                    same = call(ghost)
                assert (same.status_code, same.json()) == (422, response.json()), path
                continue
            assert response.status_code in (403, 404), (
                f"{method} {path} as B: {response.status_code}"
            )
        elif method == "GET":
            response = api.get(url)
            assert response.status_code == 200, (path, response.content)
            assert_no_leak(response, path)
    assert len(operations) >= 15


def test_user_switching_sees_only_the_current_organisation(tenants, login):
    org_a, org_b, _objects = tenants
    user = owner_of(org_b)
    add_member(org_a, Role.VIEWER, user)
    client = login(org_b)
    assert b"secret-member@alpha.test" not in client.get("/accounts/members/").content
    client.post("/accounts/switch/", {"organisation": org_a.pk})
    assert b"secret-member@alpha.test" in client.get("/accounts/members/").content

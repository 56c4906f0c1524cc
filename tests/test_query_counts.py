"""Query budgets for every list page and list endpoint (baselines in query_counts.json).

A page fails when it does more queries than its budget, or when its count grows with the
number of rows shown (an N+1). A new page or endpoint fails until it has a budget.
"""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openctpat.core.permissions import Role
from openctpat.testing import make_org, token_for
from openctpat.testing.api import ApiClient

from .routes import (
    OBJECTS,
    OBJECTS_EXTRA,
    PAGE_OBJECTS,
    PARAM_LIST_PAGES,
    PUBLIC_PAGES,
    api_operations,
    fill_route,
    pages,
    path_params,
    route_params,
)

BUDGETS = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def seed(org, n):
    for _ in range(n):
        for make in OBJECTS.values():
            make(org)


def count(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return len(ctx.captured_queries), response


@pytest.fixture
def org(db):
    return make_org("Budget Co")


def list_pages():
    return [
        (name, route)
        for name, route in pages()
        if name not in PUBLIC_PAGES and (not route_params(route) or name in PARAM_LIST_PAGES)
    ]


def list_endpoints(schema):
    """GET operations that return a page of a list: the ones taking ``limit``."""
    return [
        f"GET {path}"
        for path, ops in schema["paths"].items()
        if "get" in ops
        and (
            "{" not in path
            or any(p.get("name") == "limit" for p in ops["get"].get("parameters", []))
        )
    ]


@pytest.mark.django_db
def test_every_list_page_and_endpoint_has_a_budget(client):
    schema = client.get("/api/v1/openapi.json").json()
    missing = [n for n, _r in list_pages() if n not in BUDGETS["pages"]]
    missing += [op for op in list_endpoints(schema) if op not in BUDGETS["api"]]
    assert api_operations(schema)
    assert not missing, f"Add budgets to tests/query_counts.json for {missing}"


@pytest.mark.parametrize("name", sorted(BUDGETS["pages"]))
def test_page_budget(org, login, name):
    route = dict(pages())[name]
    client = login(org, Role.OWNER)
    params = route_params(route)
    values = dict.fromkeys(params, OBJECTS[PAGE_OBJECTS[name]](org)) if params else {}
    url = fill_route(route, values)
    client.get(url)  # warm the session
    seed(org, 2)
    few, response = count(lambda: client.get(url))
    assert response.status_code in (200, 302, 405)
    seed(org, 8)
    many, _ = count(lambda: client.get(url))
    assert many == few, f"{name}: {few} queries with few rows, {many} with more (N+1)"
    assert few <= BUDGETS["pages"][name], (
        f"{name} did {few} queries, budget {BUDGETS['pages'][name]}"
    )


@pytest.mark.parametrize("operation", sorted(BUDGETS["api"]))
def test_api_budget(org, operation):
    _method, template = operation.split(" ", 1)
    makers = {**OBJECTS, **{k: (lambda org, v=v: v) for k, v in OBJECTS_EXTRA.items()}}
    path = template.format(**{p: makers[p](org) for p in path_params(template)})
    api = ApiClient(token_for(org, Role.OWNER))
    api.get(path)  # the token's first use records last_used_at
    seed(org, 2)
    few, response = count(lambda: api.get(path))
    assert response.status_code == 200, response.content
    seed(org, 8)
    many, _ = count(lambda: api.get(path))
    assert many == few, f"{operation}: {few} queries with few rows, {many} with more (N+1)"
    assert few <= BUDGETS["api"][operation], (
        f"{operation} did {few}, budget {BUDGETS['api'][operation]}"
    )

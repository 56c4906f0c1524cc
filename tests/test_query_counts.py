"""Query budgets for every list page and list endpoint (baselines in query_counts.json).

A page fails when it does more queries than its budget, or when its count grows with the
number of rows shown (an N+1). A new page or endpoint fails until it has a budget.
"""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openctpat.accounts.roles import Role
from openctpat.testing import make_org, token_for
from openctpat.testing.api import ApiClient

from .routes import OBJECTS, PUBLIC_PAGES, api_operations, fill_route, pages, route_params

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
        if name not in PUBLIC_PAGES and not route_params(route)
    ]


@pytest.mark.django_db
def test_every_list_page_and_endpoint_has_a_budget(client):
    schema = client.get("/api/v1/openapi.json").json()
    missing = [n for n, _r in list_pages() if n not in BUDGETS["pages"]]
    missing += [
        f"GET {p}"
        for m, p in api_operations(schema)
        if m == "GET" and "{" not in p
        if f"GET {p}" not in BUDGETS["api"]
    ]
    assert not missing, f"Add budgets to tests/query_counts.json for {missing}"


@pytest.mark.parametrize("name", sorted(BUDGETS["pages"]))
def test_page_budget(org, login, name):
    route = dict(pages())[name]
    client = login(org, Role.OWNER)
    client.get(fill_route(route, {}))  # warm the session
    seed(org, 2)
    few, response = count(lambda: client.get(fill_route(route, {})))
    assert response.status_code in (200, 302, 405)
    seed(org, 8)
    many, _ = count(lambda: client.get(fill_route(route, {})))
    assert many == few, f"{name}: {few} queries with few rows, {many} with more (N+1)"
    assert few <= BUDGETS["pages"][name], (
        f"{name} did {few} queries, budget {BUDGETS['pages'][name]}"
    )


@pytest.mark.parametrize("operation", sorted(BUDGETS["api"]))
def test_api_budget(org, operation):
    _method, path = operation.split(" ", 1)
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

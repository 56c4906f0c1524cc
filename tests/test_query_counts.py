"""Query budgets for every list page and list endpoint (baselines in query_counts.json).

Two organisations are seeded once for the class: one with one of every object, one with
three. Each page and endpoint is asked in both: the second must make no more queries than
the first (no N+1), stay within its budget, and answer 200 (a redirect or a 405 measures
nothing). A list endpoint of the organisation's own objects must show more rows in the
second: otherwise the comparison proved nothing. Lists of one object's children are
measured with rows under that object by the resource kit (``testing.resources``).
A new page or endpoint fails until it has a budget.
"""

import json
from pathlib import Path

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from openctpat.core.permissions import Role
from openctpat.testing import make_org, signed_in, token_for
from openctpat.testing.api import ApiClient

from .routes import (
    NOT_LIST_PAGES,
    OBJECTS,
    OBJECTS_EXTRA,
    PAGE_OBJECTS,
    PARAM_LIST_PAGES,
    PUBLIC_PAGES,
    SHARED_LISTS,
    api_operations,
    fill_route,
    pages,
    path_params,
    route_params,
)

BUDGETS = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def count(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return len(ctx.captured_queries), response


def list_pages():
    return [
        (name, route)
        for name, route in pages()
        if name not in PUBLIC_PAGES | NOT_LIST_PAGES
        and (not route_params(route) or name in PARAM_LIST_PAGES)
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


def _needed() -> set[str]:
    """The URL parameters the budgeted pages and endpoints need an object for."""
    routes = dict(pages())
    names = {PAGE_OBJECTS[n] for n in BUDGETS["pages"] if route_params(routes[n])}
    for operation in BUDGETS["api"]:
        names.update(path_params(operation.split(" ", 1)[1]))
    return names - set(OBJECTS_EXTRA)


class TestQueryBudgets(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.orgs = (make_org("Budget One"), make_org("Budget Three"))
        cls.objects = {}
        for org, times in zip(cls.orgs, (1, 3), strict=True):
            for _ in range(times):
                for make in OBJECTS.values():
                    make(org)
            cls.objects[org.pk] = {**OBJECTS_EXTRA, **{n: OBJECTS[n](org) for n in _needed()}}

    def test_every_list_page_and_endpoint_has_a_budget(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        missing = [n for n, _r in list_pages() if n not in BUDGETS["pages"]]
        missing += [op for op in list_endpoints(schema) if op not in BUDGETS["api"]]
        self.assertTrue(api_operations(schema))
        self.assertFalse(missing, f"Add budgets to tests/query_counts.json for {missing}")

    def _compare(self, label, budget, calls):
        """``calls``: one request per organisation, the smaller first."""
        for call in calls:
            call()  # warm: the session's or token's first use writes
        (few, small), (many, large) = (count(call) for call in calls)
        self.assertEqual(small.status_code, 200, f"{label}: {small.status_code}")
        self.assertEqual(large.status_code, 200, f"{label}: {large.status_code}")
        self.assertEqual(many, few, f"{label}: {few} queries with one row, {many} with three")
        self.assertLessEqual(few, budget, f"{label} did {few} queries, budget {budget}")
        return small, large

    def test_page_budgets(self):
        routes = dict(pages())
        clients = [signed_in(org, Role.OWNER) for org in self.orgs]
        for name, budget in sorted(BUDGETS["pages"].items()):
            with self.subTest(page=name):
                route = routes[name]
                urls = [
                    fill_route(
                        route,
                        dict.fromkeys(
                            route_params(route), self.objects[o.pk].get(PAGE_OBJECTS.get(name))
                        ),
                    )
                    for o in self.orgs
                ]
                calls = [lambda c=c, u=u: c.get(u) for c, u in zip(clients, urls, strict=True)]
                self._compare(name, budget, calls)

    def test_api_budgets(self):
        apis = [ApiClient(token_for(org, Role.OWNER)) for org in self.orgs]
        for operation, budget in sorted(BUDGETS["api"].items()):
            with self.subTest(operation=operation):
                template = operation.split(" ", 1)[1]
                paths = [
                    template.format(**{p: self.objects[o.pk][p] for p in path_params(template)})
                    for o in self.orgs
                ]
                small, large = self._compare(
                    operation,
                    budget,
                    [lambda a=a, p=p: a.get(p) for a, p in zip(apis, paths, strict=True)],
                )
                if "{" not in template and template not in SHARED_LISTS and _counted(small):
                    self.assertGreater(
                        large.json()["count"], small.json()["count"], f"{operation}: no growth"
                    )


def _counted(response) -> bool:
    if response["Content-Type"] != "application/json":
        return False  # an export
    body = response.json()
    return isinstance(body, dict) and "count" in body and body["count"] > 0

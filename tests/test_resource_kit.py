"""The resource kit catches what it claims to: each broken resource fails its check, and
the same check passes on a correct declaration."""

import dataclasses
import unittest
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from openctpat.accounts import resources as accounts
from openctpat.core.permissions import Role
from openctpat.profiles import resources
from openctpat.profiles import services as profile_services
from openctpat.screening import resources as screening
from openctpat.testing import make_org, signed_in
from openctpat.testing.api import ApiClient
from openctpat.testing.profiles import make_profile
from openctpat.testing.resources import ResourceTestCase

from .kit import broken

# The kit's cases run as the suite's own do, each class in a transaction it rolls back, so
# the test itself must not hold one open.
pytestmark = pytest.mark.django_db(transaction=True)


TEMPLATES = [
    {
        **settings.TEMPLATES[0],
        "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(broken.__file__).parent / "templates"],
    }
]


def run_kit(resource, *checks) -> unittest.TestResult:
    case = type("Case", (ResourceTestCase,), {"resource": resource})
    suite = unittest.TestSuite(case(name) for name in checks)
    result = unittest.TestResult()
    with override_settings(ROOT_URLCONF="tests.kit.broken", TEMPLATES=TEMPLATES):
        suite.run(result)
    return result


def failed(result) -> list[str]:
    return [str(test) for test, _trace in result.failures + result.errors]


TENANCY = ("test_pages_of_another_organisation_are_404", "test_api_of_another_organisation_is_404")


def test_a_resource_not_scoped_to_the_organisation_fails_the_tenancy_checks():
    result = run_kit(broken.unscoped, *TENANCY)
    assert len({name.split(" ")[0] for name in failed(result)}) == 2, failed(result)


def test_a_resource_that_lets_a_viewer_write_fails_the_role_checks():
    checks = ("test_api_create_by_role", "test_api_update_by_role", "test_api_delete_by_role")
    result = run_kit(broken.viewer_writes, *checks)
    assert {f.split(" ")[0] for f in failed(result)} == set(checks), failed(result)
    assert any("viewer" in f for f in failed(result))
    # The pages refuse a read-only role whatever the declaration says (core.pages.submit).
    assert not failed(run_kit(broken.viewer_writes, "test_page_create_by_role"))


def test_a_per_object_list_page_with_an_n_plus_1_fails_the_budget():
    result = run_kit(broken.n_plus_one, "test_list_query_budget")
    assert failed(result), "the N+1 went unnoticed"
    assert "N+1" in "".join(trace for _t, trace in result.failures)


def test_the_same_checks_pass_on_correct_declarations():
    assert not failed(run_kit(resources.sites, *TENANCY, "test_api_create_by_role"))
    assert not failed(run_kit(broken.fixed_contacts, "test_list_query_budget"))


def test_shared_rows_are_checked_as_listed_to_every_organisation():
    """The restricted-party lists are every organisation's: declared as scoped rows, the
    same resource fails the tenancy check that it passes as shared."""
    check = "test_api_of_another_organisation_is_404"
    assert not failed(run_kit(screening.list_versions, check))
    scoped = dataclasses.replace(screening.list_versions, shared=False, register=False)
    assert failed(run_kit(scoped, check))


DELETES = ("test_api_delete_by_role", "test_page_delete_by_role")


def test_a_delete_that_keeps_the_row_fails_and_a_revoke_passes():
    assert {f.split(" ")[0] for f in failed(run_kit(broken.kept, *DELETES))} == set(DELETES)
    assert not failed(run_kit(accounts.tokens, *DELETES, "test_api_create_by_role"))


def test_a_create_takes_what_it_needs_from_the_request_and_answers_its_secret_once():
    org = make_org()
    client = ApiClient(client=signed_in(org, Role.OWNER))
    created = client.post("/api/v1/tokens", {"name": "CI", "role": "viewer"}).json()
    assert ApiClient(created["token"]).get("/api/v1/me").status_code == 200
    assert "token" not in client.get(f"/api/v1/tokens/{created['id']}").json()
    client.post("/api/v1/invitations", {"email": "new@example.test", "role": "viewer"})
    assert "http://testserver/accounts/invitations/" in mail.outbox[-1].body


def test_a_list_page_shows_the_rows_its_declaration_counts_for_the_page():
    """``rows(page)`` gives each listed object what its row shows, counted for the page
    at once (a profile's completeness); a list that declares none gets no "rows"."""
    org = make_org("Rows Imports LLC")
    made = [make_profile(org), make_profile(org)]
    client = signed_in(org)
    response = client.get(reverse(resources.profiles.pages["list"].name))
    rows = response.context["rows"]
    assert [profile for profile, _tally, _window in rows] == list(response.context["page"])
    assert {profile.pk for profile, _tally, _window in rows} == {p.pk for p in made}
    for profile, tally, window in rows:
        assert tally == profile_services.completeness(profile).overall
        assert window == profile_services.review_window(profile)
    sites_page = client.get(reverse(resources.sites.pages["list"].name))
    assert "rows" not in sites_page.context

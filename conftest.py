import pytest
from django.test import Client

from openctpat.accounts.middleware import SESSION_ORG_KEY
from openctpat.accounts.roles import Role
from openctpat.core import concurrency
from openctpat.testing import add_member, make_org, make_user, owner_of, token_for
from openctpat.testing.api import ApiClient


@pytest.fixture
def org_a(db):
    return make_org("Alpha Imports LLC")


@pytest.fixture
def org_b(db):
    return make_org("Bravo Logistics GmbH")


@pytest.fixture
def login(db):
    """``login(org, role)`` -> a browser-like client signed in as a member with that role."""

    def _login(org, role=Role.OWNER, user=None):
        if user is None:
            user = owner_of(org) if role == Role.OWNER else add_member(org, role).user
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_ORG_KEY] = org.pk
        session.save()
        client.user = user
        return client

    return _login


@pytest.fixture
def api(db):
    """``api(org, role)`` -> a JSON client with a bearer token of that role."""

    def _api(org, role=Role.OWNER):
        return ApiClient(token_for(org, role))

    return _api


@pytest.fixture
def user(db):
    return make_user()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The test's own body is set-up code; services it calls must lock the rows they save."""
    with concurrency.test_code():
        return (yield)

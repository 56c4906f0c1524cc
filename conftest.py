import pytest

from openctpat.core import concurrency
from openctpat.core.permissions import Role
from openctpat.testing import make_org, make_user, signed_in, token_for
from openctpat.testing.api import ApiClient, session_api


@pytest.fixture
def org_a(db):
    return make_org("Alpha Imports LLC")


@pytest.fixture
def org_b(db):
    return make_org("Bravo Logistics GmbH")


@pytest.fixture
def login(db):
    """``login(org, role)`` -> a browser-like client signed in as a member with that role."""

    return signed_in


@pytest.fixture
def api(db):
    """``api(org, role)`` -> a JSON client with a bearer token of that role."""

    def _api(org, role=Role.OWNER):
        return ApiClient(token_for(org, role))

    return _api


@pytest.fixture
def session(db):
    """``session(org, role)`` -> a JSON client of a signed-in member (no token)."""
    return session_api


@pytest.fixture
def user(db):
    return make_user()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The test's own body is set-up code; services it calls must lock the rows they save."""
    with concurrency.test_code():
        return (yield)


# The longest tests (about 15 to 35 s each): started first, so that the two workers end
# together instead of one waiting while the other runs the last long test.
LONG_TESTS = (
    "tests/test_api_schemathesis.py::test_api_conforms_to_its_schema",
    "src/openctpat/core/tests/test_cli.py::TestCli::test_demo_setup_without_serving",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_TESTS))

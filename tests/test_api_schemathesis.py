"""Property-based run of the whole API from its OpenAPI schema, authenticated as an owner.

Schemathesis generates valid and invalid requests for every operation; none may cause a 5xx,
and every response must match the documented status codes, content type and schema.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from openctpat.core.permissions import Role
from openctpat.testing import add_member, make_org, token_for
from openctpat.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI app must not close the test's DB connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def owner_token(db, keep_test_connection):
    org = make_org("Schemathesis Imports")
    for role in (Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR):
        add_member(org, role)
    return token_for(org, Role.OWNER)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, owner_token):
    checks = CHECKS
    if case.media_type == "multipart/form-data":
        # On the wire every form value is a string: "0.0" cannot be sent as a number.
        checks = [c for c in CHECKS if c is not negative_data_rejection]
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token}"}, checks=checks)


def test_schema_names_are_unique_across_apps():
    """django-ninja names OpenAPI components by class name: two apps' ``ActionOut`` would
    silently share one schema, and one endpoint would document the other's shape."""
    import importlib
    import inspect

    from pydantic import BaseModel

    seen: dict[str, str] = {}
    clashes = []
    for app in (
        "accounts",
        "core",
        "catalog",
        "profiles",
        "risk",
        "partners",
        "screening",
        "inspections",
    ):
        module = importlib.import_module(f"openctpat.{app}.api")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseModel)
                and obj.__module__ == module.__name__
            ):
                if name in seen:
                    clashes.append(f"{name} in {seen[name]} and {app}")
                seen[name] = app
    assert not clashes, clashes

"""Property-based run of the whole API from its OpenAPI schema, authenticated as an owner.

The organisation holds one object of every kind (tests/routes.py), so that an operation on
one object is asked about a real one: each operation gets positive cases with real ids in
its path and negative cases generated freely, each case rolled back so that a delete does not
take the object from the next. Each database runs its own seed, so a run of the suite on
both tries two different sets of cases. None may cause a 5xx, and every response
must match the documented status codes, content type and schema. At least half of the
operations on one object must reach a 2xx, or the run proved little.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as with_seed
from schemathesis import GenerationMode
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

from .routes import objects_of, path_params

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
SEEDS = {"sqlite": 20260101, "postgresql": 20261203}
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Cases per operation and seed: a bounded budget (about 20 s of one core a seed).
EXAMPLES = {POSITIVE: 2, NEGATIVE: 1}

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
def seeded(db, keep_test_connection):
    """An owner's token and one object of every kind of its organisation."""
    org = make_org("Schemathesis Imports")
    for role in (Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR):
        add_member(org, role)
    return {"Authorization": f"Bearer {token_for(org, Role.OWNER)}"}, objects_of(org)


def run_operation(operation, ids, headers, seed) -> tuple[set[int], list[str]]:
    """The statuses the operation answered, and what failed: valid cases about the
    organisation's own objects, then invalid ones of any shape."""
    statuses: set[int] = set()
    checks = CHECKS
    if any(b.media_type == "multipart/form-data" for b in operation.body):
        # On the wire every form value is a string: "0.0" cannot be sent as a number.
        checks = [c for c in CHECKS if c is not negative_data_rejection]
    real = {p: ids[p] for p in path_params(operation.path)} or None
    failures = []
    for mode, examples in EXAMPLES.items():

        @with_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode, path_parameters=real if mode == POSITIVE else None))
        def check(case):
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            statuses.add(response.status_code)
            case.validate_response(response, checks=checks, headers=headers)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - every operation's failure is reported
            failures.append(f"{operation.label} ({mode.value}): {exc}"[:2000])
    return statuses, failures


def test_api_conforms_to_its_schema(seeded):
    headers, ids = seeded
    seed = SEEDS[connection.vendor]
    failures, reached, on_objects = [], [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        statuses, failed = run_operation(operation, ids, headers, seed)
        failures += failed
        if path_params(operation.path):
            on_objects.append(operation.label)
            if any(200 <= s < 300 for s in statuses):
                reached.append(operation.label)
    print(f"\nseed {seed}: {len(reached)} of {len(on_objects)} operations on one object reach 2xx")
    assert not failures, "\n\n".join(failures)
    assert len(reached) * 2 >= len(on_objects), sorted(set(on_objects) - set(reached))


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

"""Every integer in a path or query string is bounded to what the database can hold.

An id one past the signed 64-bit range used to reach the query and fail there (a 500 on
SQLite); each operation must refuse it with the shared 422 error instead.
"""

import re

import pytest

from openctpat.api import api
from openctpat.core.permissions import Role
from openctpat.testing import make_org, token_for
from openctpat.testing.api import ApiClient

TOO_BIG = 2**63


def _integer_parameters():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                types = [param["schema"].get("type")]
                types += [s.get("type") for s in param["schema"].get("anyOf", [])]
                if "integer" in types and param["name"] not in ("limit", "offset"):
                    yield pytest.param(
                        method,
                        path,
                        param["in"],
                        param["name"],
                        id=f"{method} {path} {param['name']}",
                    )


PARAMETERS = list(_integer_parameters())


def test_the_walk_finds_path_and_query_ids():
    places = {p.values[2] for p in PARAMETERS}
    assert places == {"path", "query"}
    assert len(PARAMETERS) > 100


@pytest.fixture
def owner_token(db):
    return token_for(make_org("Bounds Imports"), Role.OWNER)


@pytest.mark.parametrize(("method", "path", "where", "name"), PARAMETERS)
def test_out_of_range_integer_is_a_422(owner_token, method, path, where, name):
    client = ApiClient(owner_token)
    params = {}
    url = path
    for placeholder in re.findall(r"{(\w+)}", path):
        url = url.replace(f"{{{placeholder}}}", str(TOO_BIG if placeholder == name else 1))
    if where == "query":
        params[name] = TOO_BIG
    kwargs = {"headers": client.headers}
    if params:
        kwargs["query_params"] = params
    if method in ("post", "put", "patch"):
        kwargs.update(data="{}", content_type="application/json")
    response = getattr(client.client, method)(url, **kwargs)
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert name in body["error"]["fields"], body

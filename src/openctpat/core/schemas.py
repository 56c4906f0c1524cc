"""Schema pieces shared by every router."""

from ninja import Schema
from pydantic import ConfigDict

ERROR_CODES = frozenset({400, 401, 403, 404, 409, 422})


class StrictInput(Schema):
    """Request bodies refuse unknown fields instead of silently dropping them."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


def responses(ok: dict | None = None) -> dict:
    """An operation's documented responses: its successes plus the shared error shape."""
    return {**(ok or {}), ERROR_CODES: ErrorOut}

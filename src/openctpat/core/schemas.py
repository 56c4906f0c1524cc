"""Schema pieces shared by every router."""

import copy
import datetime
import re
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StrictInt, create_model, model_validator

ERROR_CODES = frozenset({400, 401, 403, 404, 409, 422})

# The largest id both databases store (a signed 64-bit integer). Anything larger reached the
# query unchecked and failed there (a 500 on SQLite); bounded here it is a 422.
DB_INT_MAX = 2**63 - 1

# Every id in a path, query string or filter: a positive integer the database can hold.
Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
# The same in a request body, where "1" is not taken for a number.
StrictId = Annotated[StrictInt, Field(ge=1, le=DB_INT_MAX)]


class StrictInput(Schema):
    """Request bodies refuse unknown fields instead of silently dropping them.

    Use StrictBool/StrictInt for body fields too, so that "1" or 0 is not taken for a number
    or a boolean.
    """

    model_config = ConfigDict(extra="forbid")

    def given(self) -> dict:
        """The fields the client sent with a value: for PATCH, where null means unchanged."""
        return {k: v for k, v in self.dict(exclude_unset=True).items() if v is not None}

    @model_validator(mode="after")
    def _no_nul_characters(self):
        """PostgreSQL cannot store NUL in text; refuse it here rather than fail on save."""
        for name, value in self:
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and "\x00" in v for v in values):
                raise ValueError(f"{name} must not contain NUL characters")
        return self


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
    current: dict | None = None  # a 409 for a stale edit: the object as stored now


class ErrorOut(Schema):
    error: ErrorDetail


def responses(ok: dict | None = None) -> dict:
    """An operation's documented responses: its successes plus the shared error shape."""
    return {**(ok or {}), ERROR_CODES: ErrorOut}


def _iso_date_only(value):
    if isinstance(value, datetime.date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("Use an ISO date: YYYY-MM-DD.")


# A date given as YYYY-MM-DD only (pydantic alone would also take 0 as 1970-01-01).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]


def patch_of(schema: type[Schema], name: str, *, exclude: tuple[str, ...] = ()) -> type[Schema]:
    """The PATCH body of a create body: every field optional (null: unchanged), same bounds.

    One declaration of a resource's fields serves its POST and its PATCH.
    """
    fields = {}
    for field_name, info in schema.model_fields.items():
        if field_name in exclude:
            continue
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation | None, optional)
    return create_model(name, __base__=StrictInput, __module__=schema.__module__, **fields)

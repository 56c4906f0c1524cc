"""API schemas shared by the risk app's declarations and operations."""

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from openctpat.core.schemas import StrictInput


class MatrixOut(Schema):
    low: int
    medium: int
    high: int
    use_impact: bool
    medium_from: int
    high_from: int


class MatrixPatch(StrictInput):
    low: StrictInt | None = Field(None, ge=1, le=10)
    medium: StrictInt | None = Field(None, ge=1, le=10)
    high: StrictInt | None = Field(None, ge=1, le=10)
    use_impact: StrictBool | None = None
    medium_from: StrictInt | None = Field(None, ge=1, le=1000)
    high_from: StrictInt | None = Field(None, ge=1, le=1000)

"""The inspection log and the seal log as files, for a date range (what a validator samples)."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from openctpat.core.downloads import attachment
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import IsoDate, responses

from . import exports

export_router = Router(tags=["inspection and seal logs"])
DEFAULT_DAYS = 30


class InspectionLogExportQuery(Schema):
    start: IsoDate | None = Field(
        None,
        description=f"First day (org-local), included; default {DEFAULT_DAYS} days before end.",
    )
    end: IsoDate | None = Field(None, description="Last day (org-local), included; default today.")
    format: Literal["xlsx", "pdf"] = Field(
        "xlsx", description=f"PDF holds at most {exports.PDF_MAX_ROWS:,} rows."
    )

    def range(self) -> tuple[datetime.date, datetime.date]:
        end = self.end or timezone.localdate()
        return self.start or end - datetime.timedelta(days=DEFAULT_DAYS), end


def _download(request, export, query: InspectionLogExportQuery):
    require(request, Perm.VIEW)
    start, end = query.range()
    data, name, content_type = export(request.org, start, end, query.format, actor=request.user)
    return attachment(data, name, content_type)


@export_router.get("/inspections-log", response=responses({200: None}))
def inspections_log(request, query: Query[InspectionLogExportQuery]):
    """Every inspection in the range, one row each (XLSX or PDF); recorded as an export."""
    return _download(request, exports.inspection_log, query)


@export_router.get("/seals-log", response=responses({200: None}))
def seals_log(request, query: Query[InspectionLogExportQuery]):
    """Every seal with an event in the range (XLSX adds an Events sheet), or a PDF."""
    return _download(request, exports.seal_log, query)

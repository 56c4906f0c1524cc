from ninja import Field, File, Router, Status
from ninja.files import UploadedFile
from pydantic import StrictBool

from openctpat.core.errors import Conflict, PermissionDenied
from openctpat.core.pages import get_for_org
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, StrictInput, responses
from openctpat.partners.models import BusinessPartner

from . import resources, services
from .schemas import AlertOut, ListVersionOut, ScreeningOut

router = Router(tags=["screening"])


class ScreenIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=500)
    country: str = Field("", max_length=2)


class DecisionIn(StrictInput):
    reason: str = Field(..., min_length=1, max_length=5000)


class ConfirmIn(StrictInput):
    confirm: StrictBool = True
    reason: str = Field("", max_length=5000)


for resource in (resources.list_versions, resources.runs, resources.settings):
    resource.add_to(router, __name__)


@router.post("/screening/lists", response=responses({201: ListVersionOut}))
def load_lists(request, files: File[list[UploadedFile]]):
    """Load list files (shared by all organisations): staff, with a role that changes data."""
    require(request, Perm.VIEW)
    if not services.can_load_lists(request.user, request.role):
        raise PermissionDenied(
            "Only staff load restricted-party lists (they are shared by every organisation), "
            "and only with a role that changes data."
        )
    return Status(201, services.load_uploaded(files, request.user))


@router.post("/screening/screen", response=responses({201: ScreeningOut}))
def screen(request, payload: ScreenIn):
    require(request, Perm.CHANGE)
    found = services.screen_name(request.org, request.user, payload.name, payload.country)
    return Status(201, found)


resources.alerts.add_to(router, __name__)


@router.post("/screening/alerts/{alert_id}/false-positive", response=responses({200: AlertOut}))
def false_positive(request, alert_id: Id, payload: DecisionIn):
    require(request, Perm.CHANGE)
    alert = resources.alerts.get(request, alert_id)
    return services.mark_false_positive(request.org, request.user, alert, payload.reason)


@router.post("/screening/alerts/{alert_id}/true-match", response=responses({200: AlertOut}))
def true_match(request, alert_id: Id, payload: DecisionIn):
    require(request, Perm.CHANGE)
    alert = resources.alerts.get(request, alert_id)
    return services.mark_true_match(request.org, request.user, alert, payload.reason)


@router.post("/screening/alerts/{alert_id}/confirm", response=responses({200: AlertOut}))
def confirm(request, alert_id: Id, payload: ConfirmIn):
    require(request, Perm.CHANGE)
    alert = resources.alerts.get(request, alert_id)
    return services.confirm_true_match(
        request.org, request.user, alert, confirm=payload.confirm, reason=payload.reason
    )


resources.partner_screenings.add_to(router, __name__)


@router.post("/partners/{partner_id}/screen", response=responses({201: ScreeningOut}))
def screen_partner(request, partner_id: Id):
    require(request, Perm.CHANGE)
    partner = get_for_org(request, BusinessPartner, partner_id)
    found = services.screen_partner(request.org, partner, reason="manual", actor=request.user)
    if found is None:
        raise Conflict("No restricted-party list is loaded yet.")
    return Status(201, found)

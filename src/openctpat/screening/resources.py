"""The screening app's declared pages and operations: its settings, alerts, list versions,
rescreen runs and a partner's screenings. Screening a name or a partner, loading lists and
deciding alerts (with four eyes) stay workflows in views and api."""

from openctpat.core.orgsettings import SettingsPages
from openctpat.core.permissions import Perm, has_perm
from openctpat.core.resources import Api, Page, Resource
from openctpat.partners.resources import partners

from . import schemas, services
from .forms import AlertFilterForm, DecisionForm, SearchForm, SettingsForm
from .models import Alert, AlertStatus, ListVersion, RescreenRun, Screening

settings = SettingsPages(
    services.SETTINGS,
    schemas,
    "Settings",
    "/screening/settings",
    page=Page("settings/", "screening:settings", "screening/settings.html"),
    form=SettingsForm,
    saved_message="Screening settings saved.",
    extra_context=lambda request, current: {"effective": services.threshold_for(request.org)},
    example={"four_eyes": True},
)


def _alerts_context(request, _obj) -> dict:
    return {
        "counts": services.alert_counts(request.org),
        "versions": services.active_versions(),
        "search_form": SearchForm(),
    }


def _decisions(request, alert) -> dict:
    """The decision a reviewer may take here: the first one, or the second reviewer's."""
    may_decide = has_perm(request.role, Perm.CHANGE)
    return {
        "record": alert.record,
        "form": DecisionForm(),
        "can_decide": may_decide and alert.status == AlertStatus.OPEN,
        "can_confirm": may_decide
        and alert.status == AlertStatus.PENDING_CONFIRMATION
        and alert.decided_by_id != request.user.pk,
    }


alerts = Resource(
    model=Alert,
    name="alert",
    search=services.search_alerts,
    related=("partner", "record__version", "screening", "decided_by", "confirmed_by"),
    filter_form=AlertFilterForm,
    pages={
        "list": Page("", "screening:alerts", "screening/alerts.html", _alerts_context),
        "detail": Page("alerts/<int:pk>/", "screening:alert", "screening/alert.html", _decisions),
    },
    api=Api(
        "/screening/alerts", "/screening/alerts/{alert_id}", schemas, "Alert", ops=("list", "get")
    ),
    label=lambda alert: alert.partner.legal_name,
)

list_versions = Resource(
    model=ListVersion,
    name="version",
    search=services.search_versions,
    shared=True,
    api=Api("/screening/lists", schemas=schemas, prefix="ListVersion", ops=("list",)),
    factory="openctpat.testing.screening.make_list_version",
)

runs = Resource(
    model=RescreenRun,
    name="run",
    search=services.rescreen_runs,
    search_user=True,
    api=Api("/screening/runs", schemas=schemas, prefix="Run", ops=("list",)),
)

partner_screenings = Resource(
    model=Screening,
    name="screening",
    parent=partners,
    prefetch=("versions",),
    api=Api(
        "/partners/{partner_id}/screenings",
        schemas=schemas,
        prefix="Screening",
        ops=("list",),
        names={"list": "partner_screenings"},
    ),
)

"""The inspection log and seal log download page (what a CBP validator samples)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from openctpat.core.downloads import attachment
from openctpat.core.errors import ValidationFailed
from openctpat.core.pages import apply_domain_error
from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route

from . import exports

LOGS = {"inspections": exports.inspection_log, "seals": exports.seal_log}
# The service names the API's fields; the form calls them from and to.
FIELD_NAMES = {"start": "from", "end": "to", "format": "format"}
DEFAULT_DAYS = 30


class LogExportForm(forms.Form):
    log = forms.ChoiceField(
        choices=[("inspections", "Inspection log"), ("seals", "Seal log")], initial="inspections"
    )
    format = forms.ChoiceField(
        choices=[("xlsx", "XLSX (every row)"), ("pdf", "PDF (landscape A4)")], initial="xlsx"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        date_input = {"type": "date"}
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(
            label="From",
            initial=today - datetime.timedelta(days=DEFAULT_DAYS),
            widget=forms.DateInput(attrs=date_input),
            help_text="First day, included.",
        )
        self.fields["to"] = forms.DateField(
            label="To",
            initial=today,
            widget=forms.DateInput(attrs=date_input),
            help_text=f"Last day, included; at most {exports.MAX_YEARS} years after the first.",
        )
        self.order_fields(["log", "from", "to", "format"])

    def clean(self):
        data = super().clean()
        if {"log", "from", "to", "format"} <= data.keys():
            try:
                exports.check_range(data["from"], data["to"], data["format"])
            except ValidationFailed as exc:
                self.add_domain_error(exc)
        return data

    def add_domain_error(self, exc: ValidationFailed) -> None:
        """The service's error on the form's fields, renamed (from and to)."""
        fields = {FIELD_NAMES[n]: m for n, m in exc.field_errors.items() if n in FIELD_NAMES}
        apply_domain_error(self, ValidationFailed(exc.message, field_errors=fields))


@route("exports/")
@require_GET
@org_view(Perm.VIEW)
def log_export(request):
    """The form; submitted (GET, so a download link can be kept), the file itself."""
    asked = any(name in request.GET for name in ("log", "from", "to", "format"))
    form = LogExportForm(request.GET if asked else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        export = LOGS[data["log"]]
        try:
            content, name, content_type = export(
                request.org, data["from"], data["to"], data["format"], actor=request.user
            )
        except ValidationFailed as exc:  # a PDF of too many rows: say so on the form
            form.add_domain_error(exc)
        else:
            return attachment(content, name, content_type)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "inspections/export_form.html",
        {"form": form, "pdf_max_rows": exports.PDF_MAX_ROWS},
        status=status,
    )

"""Forms of the seal inventory and incident pages (seal_views.py, incident_views.py)."""

import re

from django import forms

from openctpat.accounts.models import User
from openctpat.core.forms import VersionedForm
from openctpat.core.models import ActionStatus
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.forms import DATE
from openctpat.profiles.models import Site

from .models import (
    IncidentStatus,
    IncidentType,
    Inspection,
    NotificationMethod,
    NotifiedParty,
    SealBatch,
    SealClass,
    Severity,
)
from .seal_states import SealState

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SWITCH = forms.CheckboxInput(attrs={"role": "switch"})
TEXT2 = forms.Textarea(attrs={"rows": 2})
TEXT4 = forms.Textarea(attrs={"rows": 4})
MAX_NUMBER = 10**18
SEAL_STATES = [(s.value, s.value.replace("_", " ").capitalize()) for s in SealState]
WRITE_OFF_EVENTS = [("lose", "Lost"), ("damage", "Damaged"), ("void", "Voided")]


def members(org):
    return User.objects.filter(memberships__organisation=org).order_by("email")


def _sites(org):
    return Site.objects.for_org(org).order_by("name", "id")


def split_numbers(text: str) -> list[str]:
    """Seal numbers pasted one per line, or separated by commas or semicolons."""
    return [n.strip() for n in re.split(r"[\n\r,;\t]+", text or "") if n.strip()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


# -- seals -----------------------------------------------------------------------------------
class SealFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=40, label="Seal number")
    state = forms.ChoiceField(choices=[("", "Any state"), *SEAL_STATES], required=False)
    batch = forms.ModelChoiceField(
        queryset=SealBatch.objects.none(), required=False, empty_label="Any batch"
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = SealBatch.objects.for_org(org)

    def criteria(self) -> dict:
        """The list's filters as ``search_seals`` takes them."""
        data = self.cleaned_data
        batch = data["batch"]
        return {"number": data["q"], "state": data["state"], "batch_id": batch and batch.pk}


class BatchEditForm(VersionedForm):
    manufacturer = forms.CharField(max_length=120)
    seal_type = forms.CharField(max_length=60, required=False, help_text="Bolt, cable…")
    certificate_reference = forms.CharField(
        max_length=120, required=False, help_text="The ISO 17712 certificate of the seal model."
    )
    certificate_file = forms.FileField(
        required=False,
        label="Certificate file",
        help_text="Optional: stored in the evidence library and linked to the batch.",
    )
    storage_location = forms.CharField(
        max_length=200, help_text="Where the seals are kept locked (MSC 6.1)."
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    issuers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The staff allowed to issue these seals (owners always may).",
    )
    notes = forms.CharField(widget=TEXT2, required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _sites(org)
        self.fields["issuers"].queryset = members(org)

    @classmethod
    def initial_from(cls, batch) -> dict:
        values = {f: getattr(batch, f) for f in cls.value_fields() if f != "certificate_file"}
        values["issuers"] = list(batch.issuers.all())
        return values


class BatchForm(BatchEditForm):
    """Receiving a purchase of seals: the range enters the stock."""

    iso_class = forms.ChoiceField(
        choices=SealClass.choices,
        initial=SealClass.HIGH,
        label="ISO 17712 class",
        help_text="MSC 6.2 requires high-security (H) seals on loaded containers and trailers.",
    )
    prefix = forms.CharField(max_length=10, required=False, help_text="Letters before the number.")
    first_number = forms.IntegerField(min_value=0, max_value=MAX_NUMBER)
    last_number = forms.IntegerField(min_value=0, max_value=MAX_NUMBER)
    digits = forms.IntegerField(
        min_value=0,
        max_value=20,
        initial=0,
        label="Digits",
        help_text="Zero-padded width of the number (0: no padding).",
    )
    received_on = forms.DateField(widget=DATE)

    field_order = [
        "manufacturer",
        "seal_type",
        "iso_class",
        "certificate_reference",
        "certificate_file",
        "prefix",
        "first_number",
        "last_number",
        "digits",
        "received_on",
        "storage_location",
        "site",
        "issuers",
        "notes",
    ]


class IssueForm(forms.Form):
    to = forms.ModelChoiceField(queryset=User.objects.none(), label="Issue to")

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = members(org)


class ReturnForm(forms.Form):
    note = forms.CharField(widget=TEXT2, required=False, max_length=2000)


class RemoveForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    note = forms.CharField(widget=TEXT2, required=False, max_length=2000)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _sites(org)


class WriteOffForm(forms.Form):
    event = forms.ChoiceField(choices=WRITE_OFF_EVENTS, label="The seal is")
    reason = forms.CharField(
        widget=TEXT2, max_length=2000, help_text="Required: say what happened."
    )


class VerifyForm(forms.Form):
    """VVTT at receipt (MSC 6.7): View, Verify, Tug, Twist and turn."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label="Receiving site")
    document_seal_number = forms.CharField(
        max_length=40,
        label="Seal number on the documents",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    found_seal_number = forms.CharField(
        max_length=40,
        label="Seal number read on the seal",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    view_ok = forms.BooleanField(
        required=False,
        widget=SWITCH,
        label="View: seal and locking hardware intact, no signs of tampering",
    )
    tug_ok = forms.BooleanField(
        required=False, widget=SWITCH, label="Tug: the seal does not come apart"
    )
    twist_ok = forms.BooleanField(
        required=False,
        widget=SWITCH,
        label="Twist and turn: the seal does not unscrew or separate",
    )
    note = forms.CharField(widget=TEXT2, required=False, max_length=2000)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _sites(org)


class ReconciliationForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=365, required=False, label="Issued, not applied after (days)"
    )


class SealAuditForm(forms.Form):
    audited_on = forms.DateField(widget=DATE, label="Counted on")
    counted = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=2_000_000,
        label="Seal numbers counted in store",
        help_text="One per line, or separated by commas.",
    )
    notes = forms.CharField(widget=TEXT2, required=False, max_length=5000)

    def clean_counted(self):
        numbers = split_numbers(self.cleaned_data["counted"])
        if any(len(n) > 40 for n in numbers):
            raise forms.ValidationError("A seal number is at most 40 characters.")
        return numbers


class SignOffForm(forms.Form):
    note = forms.CharField(widget=TEXT2, required=False, max_length=2000, label="Sign-off note")


# -- incidents -------------------------------------------------------------------------------
class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("not_closed", "Not closed"), *IncidentStatus.choices],
        required=False,
    )
    incident_type = forms.ChoiceField(
        choices=[("", "Any type"), *IncidentType.choices], required=False, label="Type"
    )
    cbp = forms.ChoiceField(
        choices=[("", "All"), ("reportable", "CBP-reportable"), ("overdue", "CBP report overdue")],
        required=False,
        label="CBP",
    )

    def criteria(self) -> dict:
        """The list's filters as ``search_incidents`` takes them."""
        data = self.cleaned_data
        cbp = data["cbp"]
        return {
            "status": data["status"],
            "incident_type": data["incident_type"],
            "cbp_reportable": cbp == "reportable" or None,
            "cbp_overdue": cbp == "overdue" or None,
        }


class IncidentForm(VersionedForm):
    incident_type = forms.ChoiceField(choices=IncidentType.choices, label="Type")
    title = forms.CharField(max_length=200)
    occurred_at = forms.DateTimeField(widget=DATETIME, label="Occurred at")
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    description = forms.CharField(widget=TEXT4, max_length=20000)
    shipment_reference = forms.CharField(max_length=60, required=False)
    partner = forms.ModelChoiceField(
        queryset=BusinessPartner.objects.none(), required=False, label="Business partner"
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["site"].queryset = _sites(org)
        self.fields["partner"].queryset = BusinessPartner.objects.for_org(org).order_by(
            "legal_name", "id"
        )


class IncidentCreateForm(IncidentForm):
    seal_number = forms.CharField(max_length=40, required=False, label="Related seal (number)")
    inspection = forms.ModelChoiceField(
        queryset=Inspection.objects.none(), required=False, label="Related inspection"
    )

    def __init__(self, *args, org, inspection=None, **kwargs):
        super().__init__(*args, org=org, **kwargs)
        field = self.fields["inspection"]
        field.queryset = Inspection.objects.for_org(org)
        # Offer the recent inspections (and the one this incident comes from), not all of them.
        recent = list(Inspection.objects.for_org(org).order_by("-inspected_at", "-id")[:50])
        if inspection is not None and inspection not in recent:
            recent.insert(0, inspection)
        field.choices = [("", "---------"), *[(i.pk, str(i)) for i in recent]]


class IncidentEditForm(IncidentForm):
    investigation_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    root_cause = forms.CharField(widget=TEXT2, required=False, max_length=5000)


class NotificationForm(forms.Form):
    party = forms.ChoiceField(choices=NotifiedParty.choices, label="Who was notified")
    contact = forms.CharField(max_length=200, help_text="Name, office or address reached.")
    notified_at = forms.DateTimeField(widget=DATETIME, label="When")
    method = forms.ChoiceField(choices=NotificationMethod.choices, label="How")
    reference = forms.CharField(max_length=120, required=False, help_text="Case or ticket number.")
    note = forms.CharField(widget=TEXT2, required=False, max_length=2000)


class FilesForm(forms.Form):
    files = forms.FileField(
        widget=MultipleFileInput(),
        required=False,
        label="Photos and files",
        help_text="Several at once.",
    )


class CorrectiveActionForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=TEXT2, required=False, max_length=5000)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(widget=DATE, required=False)
    on_risk_plan = forms.BooleanField(
        required=False, label="Also add to the risk action plan (latest risk assessment)"
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(org)


class ActionStatusForm(VersionedForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    completion_note = forms.CharField(widget=TEXT2, required=False, max_length=5000)


class CloseForm(forms.Form):
    root_cause = forms.CharField(widget=TEXT2, max_length=5000)
    closure_note = forms.CharField(widget=TEXT2, max_length=5000)

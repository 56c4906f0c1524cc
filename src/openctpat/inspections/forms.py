"""Forms of the inspection and checklist pages (the services do the real checking)."""

from django import forms

from openctpat.core.forms import VersionedForm
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.forms import DATE
from openctpat.profiles.models import Site

from .models import ChecklistTemplate, ConveyanceType
from .services import INSPECTION_FIELDS

RESULT_FILTERS = [
    ("", "Any result"),
    ("pass", "Pass"),
    ("fail", "Fail"),
    ("in_progress", "In progress"),
]


def _text(max_length: int, label: str | None = None, **attrs) -> forms.CharField:
    return forms.CharField(
        max_length=max_length,
        required=False,
        label=label,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


class InspectionFilterForm(forms.Form):
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Any site"
    )
    result = forms.ChoiceField(choices=RESULT_FILTERS, required=False)

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_org(org).only("pk", "name")

    def criteria(self) -> dict:
        """The list's filters as ``search_inspections`` takes them."""
        data = self.cleaned_data
        return {
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "site_id": data["site"] and data["site"].pk,
            "status" if data["result"] == "in_progress" else "result": data["result"],
        }


class InspectionForm(VersionedForm):
    """The header of an inspection: the checklist (on creation only) and what is inspected."""

    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.none(), label="Checklist", empty_label=None
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none())
    container_number = _text(
        20,
        "Container number",
        autocapitalize="characters",
        autocomplete="off",
        spellcheck="false",
        placeholder="ABCU1234565",
    )
    trailer_number = _text(40, "Trailer number", autocapitalize="characters", autocomplete="off")
    truck_plate = _text(20, "Truck plate", autocapitalize="characters", autocomplete="off")
    trailer_plate = _text(20, "Trailer plate", autocapitalize="characters", autocomplete="off")
    driver_name = _text(120, "Driver name", autocomplete="off")
    driver_id = _text(60, "Driver ID", autocomplete="off")
    shipment_reference = _text(60, "Shipment reference", autocomplete="off")
    partner = forms.ModelChoiceField(
        queryset=BusinessPartner.objects.none(),
        required=False,
        label="Carrier / partner",
        empty_label="— none —",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    # What the form edits of the service's fields: the time, inspector and supervisor are
    # stamped at the start and the sign-off.
    HEADER_FIELDS = tuple(
        f for f in INSPECTION_FIELDS if f not in ("inspected_at", "inspector", "supervisor_name")
    )

    def __init__(self, *args, org, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is None:
            del self.fields["template"]
        else:
            self.fields["template"].queryset = templates
        self.fields["site"].queryset = Site.objects.for_org(org).only("pk", "name")
        self.fields["partner"].queryset = (
            BusinessPartner.objects.for_org(org).only("pk", "legal_name").order_by("legal_name")
        )
        self.fields["partner"].label_from_instance = lambda p: p.legal_name

    @classmethod
    def initial_from(cls, inspection) -> dict:
        return {f: getattr(inspection, f) for f in cls.HEADER_FIELDS}


class CompleteForm(forms.Form):
    signature_name = forms.CharField(
        max_length=120,
        label="Inspected and signed by",
        help_text="Type your full name as your signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    supervisor_name = forms.CharField(
        max_length=120,
        required=False,
        label="Supervisor (optional)",
        help_text="A supervisor who checked the inspection, if any.",
    )
    # The seal inputs are drawn by the template (several ``seal_numbers`` inputs); this field
    # only carries the service's seal errors to the page.
    seal_numbers = forms.CharField(required=False, label="Seal numbers")


class ChecklistCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    conveyance_type = forms.ChoiceField(choices=ConveyanceType.choices, label="Conveyance type")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    copy_from = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.none(),
        required=False,
        label="Copy the points of",
        empty_label="— start empty —",
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = templates


class ChecklistForm(VersionedForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    active = forms.BooleanField(
        required=False, help_text="Retired checklists are not offered for new inspections."
    )


class PointForm(VersionedForm):
    title = forms.CharField(max_length=200)
    section = forms.CharField(max_length=60, required=False, help_text="Tractor, trailer…")
    guidance = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    agricultural = forms.BooleanField(required=False, label="Agricultural (pests, soil)")
    position = forms.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        help_text="Leave blank to add at the end.",
    )

    def clean(self):
        data = super().clean()
        if data.get("position") is None:
            data.pop("position", None)
        return data

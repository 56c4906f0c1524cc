from django import forms

from openctpat.core.ctpat import EntityType
from openctpat.core.forms import VersionedForm
from openctpat.profiles.forms import COUNTRIES, DATE

from .importing import FIELDS
from .models import (
    PARTNER_TYPES,
    SERVICES,
    ActionStatus,
    CertificationProgram,
    CertificationStatus,
    PartnerStatus,
    Reply,
    Tier,
)
from .tiering import SETTINGS

MULTI = forms.CheckboxSelectMultiple


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PartnerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(choices=[("", "Any status"), *PartnerStatus.choices], required=False)
    partner_type = forms.ChoiceField(choices=[("", "Any type"), *PARTNER_TYPES], required=False)
    tier = forms.ChoiceField(choices=[("", "Any tier"), *Tier.choices], required=False)
    country = forms.ChoiceField(choices=[("", "Any country"), *COUNTRIES], required=False)


class PartnerForm(VersionedForm):
    legal_name = forms.CharField(max_length=200)
    partner_type = forms.ChoiceField(choices=PARTNER_TYPES, label="Type")
    country = forms.ChoiceField(choices=COUNTRIES, label="Main country")
    other_countries = forms.MultipleChoiceField(
        choices=COUNTRIES, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    other_names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="One per line: trade names, former names, the name in its original script.",
    )
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    duns = forms.CharField(max_length=40, required=False, label="DUNS")
    lei = forms.CharField(max_length=40, required=False, label="LEI")
    tax_id = forms.CharField(max_length=40, required=False, label="Tax ID")
    ior = forms.CharField(max_length=40, required=False, label="IOR number")
    scac = forms.CharField(max_length=40, required=False, label="SCAC")
    iata_code = forms.CharField(max_length=40, required=False, label="IATA code")
    mid = forms.CharField(max_length=40, required=False, label="MID")
    services = forms.MultipleChoiceField(
        choices=list(SERVICES.items()), required=False, widget=MULTI, label="Services for us"
    )
    start_date = forms.DateField(required=False, widget=DATE)
    status = forms.ChoiceField(choices=PartnerStatus.choices, initial=PartnerStatus.ACTIVE)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_other_names(self):
        return _lines(self.cleaned_data["other_names"])

    @classmethod
    def initial_from(cls, partner) -> dict:
        values = {f: getattr(partner, f) for f in cls.value_fields()}
        values["other_names"] = "\n".join(partner.other_names)
        return values


class ContactForm(VersionedForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    role = forms.CharField(max_length=100, required=False)


class CertificationForm(VersionedForm):
    program = forms.ChoiceField(choices=CertificationProgram.choices)
    country = forms.ChoiceField(
        choices=[("", "—"), ("EU", "European Union"), *COUNTRIES],
        required=False,
        help_text="For an MRA program: the country whose program it is.",
    )
    program_name = forms.CharField(
        max_length=200, required=False, help_text="Filled in from the MRA list when left blank."
    )
    reference = forms.CharField(max_length=60, required=False, label="SVI / certificate number")
    status = forms.ChoiceField(choices=CertificationStatus.choices)
    importer_tier = forms.TypedChoiceField(
        choices=[("", "—"), (1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")],
        coerce=int,
        empty_value=None,
        required=False,
        label="CTPAT importer tier",
    )
    verified_on = forms.DateField(required=False, widget=DATE, label="Verified on")
    expires_on = forms.DateField(required=False, widget=DATE)
    reverify_due = forms.DateField(
        required=False, widget=DATE, help_text="A year after verification when left blank."
    )


class DocumentLinkForm(forms.Form):
    document = forms.ModelChoiceField(queryset=None, label="Evidence document")

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class SendForm(forms.Form):
    template = forms.ModelChoiceField(queryset=None, label="Questionnaire")
    contact_name = forms.CharField(max_length=200)
    contact_email = forms.EmailField()
    due_date = forms.DateField(widget=DATE)
    valid_days = forms.IntegerField(
        min_value=1, max_value=365, initial=60, label="Link valid for (days)"
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class ActionForm(VersionedForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.ModelChoiceField(queryset=None, required=False, label="Owner (our side)")
    partner_contact = forms.CharField(max_length=200, required=False, label="Partner contact")
    due_date = forms.DateField(required=False, widget=DATE)
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    completion_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, a header row then one partner per row.")


class MappingForm(forms.Form):
    def __init__(self, *args, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —"), *[(h, h) for h in headers]]
        for f, (label, required, _syn) in FIELDS.items():
            self.fields[f] = forms.ChoiceField(
                choices=choices, required=False, label=f"{label}{' *' if required else ''}"
            )


class TemplateCreateForm(forms.Form):
    partner_type = forms.ChoiceField(choices=PARTNER_TYPES, label="For partners of type")
    entity_type = forms.ChoiceField(
        choices=[("", "The partner type's own"), *EntityType.choices],
        required=False,
        label="Questions from the MSC of",
    )
    name = forms.CharField(max_length=200, required=False)


class TemplateForm(VersionedForm):
    name = forms.CharField(max_length=200)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    reference = forms.CharField(max_length=20, required=False, label="MSC ID")
    must = forms.BooleanField(required=False, label="Must")


class ItemReviewForm(forms.Form):
    weakness = forms.BooleanField(required=False)
    weakness_closed = forms.BooleanField(required=False, label="Closed")
    review_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 1}), required=False)


class ReviewForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


# One bounded number per tier setting, in the order of the table.
TierSettingsForm = type(
    "TierSettingsForm",
    (VersionedForm,),
    {
        name: forms.IntegerField(min_value=low, max_value=high, label=label)
        for name, (low, high, label) in SETTINGS.items()
    },
)


REPLY_CHOICES = [("", "—"), *Reply.choices]

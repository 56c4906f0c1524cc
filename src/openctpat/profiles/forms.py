import pycountry
from django import forms

from openctpat.accounts.models import User
from openctpat.core.ctpat import EntityType
from openctpat.core.forms import VersionedForm
from openctpat.core.pages import apply_domain_error  # noqa: F401  (re-exported for the apps)

from . import services
from .models import AnswerStatus, Site, SiteType

COUNTRIES = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SiteForm(VersionedForm):
    name = forms.CharField(max_length=200)
    site_type = forms.ChoiceField(choices=SiteType.choices, label="Type")
    country = forms.ChoiceField(choices=COUNTRIES)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ProfileCreateForm(forms.Form):
    entity_type = forms.ChoiceField(label="Entity type")
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Whole organisation"
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        held = org.entity_types or []
        labels = dict(EntityType.choices)
        self.fields["entity_type"].choices = [(e, labels[e]) for e in held]
        self.fields["site"].queryset = Site.objects.for_org(org)


class AnniversaryForm(VersionedForm):
    anniversary_date = forms.DateField(widget=DATE, required=False, label="Anniversary date")


class AnswerForm(VersionedForm):
    status = forms.ChoiceField(choices=AnswerStatus.choices)
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
        help_text="How the company meets the criterion: who does what, where it is written down.",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(widget=DATE, required=False)
    na_justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="N/A justification",
        help_text="Required when the status is Not applicable.",
    )
    must_override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Must override reason",
        help_text="Required to mark a Must criterion not applicable; kept in the audit trail.",
    )

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(memberships__organisation=org).order_by(
            "email"
        )


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=10000, label="")


class EvidenceUploadForm(forms.Form):
    file = forms.FileField()
    title = forms.CharField(max_length=200, required=False, help_text="The file name if blank.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_date = forms.DateField(
        widget=DATE, required=False, label="Expiry / review date", help_text="Optional."
    )


class EvidenceFilterForm(forms.Form):
    q = forms.CharField(required=False)
    expiring = forms.BooleanField(required=False)

    def criteria(self) -> dict:
        expiring = services.EXPIRY_WARNING_DAYS if self.cleaned_data["expiring"] else None
        return {"q": self.cleaned_data["q"][:200], "expiring_within_days": expiring}


class DocumentForm(VersionedForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_date = forms.DateField(widget=DATE, required=False, label="Expiry / review date")


class FileForm(forms.Form):
    file = forms.FileField()


class LinkEvidenceForm(forms.Form):
    document = forms.ModelChoiceField(queryset=None, label="Evidence document")

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents

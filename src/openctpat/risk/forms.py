import pycountry
from django import forms
from django.utils import timezone

from openctpat.accounts.models import User
from openctpat.catalog.categories import CATEGORIES
from openctpat.core.forms import VersionedForm
from openctpat.profiles.models import EvidenceDocument, Site

from .models import ACTIVITIES, ActionStatus, Mode, NodeType, Rating

COUNTRIES = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class AssessmentForm(forms.Form):
    title = forms.CharField(
        max_length=200, initial=lambda: f"Risk assessment {timezone.localdate().year}"
    )
    assessment_date = forms.DateField(widget=DATE, label="Date", initial=timezone.localdate)
    scope = forms.CharField(widget=TEXT, required=False)
    participants = forms.CharField(widget=TEXT, required=False)


class MethodForm(VersionedForm):
    title = forms.CharField(max_length=200)
    assessment_date = forms.DateField(widget=DATE, label="Date")
    scope = forms.CharField(widget=TEXT, required=False)
    participants = forms.CharField(widget=TEXT, required=False)
    methodology = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))
    sources = forms.CharField(widget=TEXT, required=False)


class LaneForm(forms.Form):
    name = forms.CharField(max_length=200, label="Lane name")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NodeForm(VersionedForm):
    node_type = forms.ChoiceField(choices=NodeType.choices, label="Role")
    mode = forms.ChoiceField(choices=[("", "—"), *Mode.choices], required=False)
    name = forms.CharField(max_length=200, label="Party or place")
    country = forms.ChoiceField(choices=COUNTRIES)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label="Own site")
    partner = forms.CharField(
        max_length=200,
        required=False,
        label="Registry partner",
        help_text="Its legal name in the business-partner registry: its questionnaire then "
        "suggests the vulnerabilities, and this role counts in its risk tier.",
    )
    activities = forms.MultipleChoiceField(
        choices=list(ACTIVITIES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    impact = forms.ChoiceField(choices=Rating.choices, initial=Rating.MEDIUM)
    position = forms.IntegerField(min_value=1, required=False, help_text="Last when blank.")

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["site"].queryset = Site.objects.for_org(org)

    def clean_partner(self):
        from openctpat.partners.models import BusinessPartner

        name = self.cleaned_data["partner"].strip()
        if not name:
            return None
        found = list(BusinessPartner.objects.for_org(self.org).filter(legal_name__iexact=name)[:2])
        if len(found) != 1:
            problem = "No partner" if not found else "More than one partner"
            raise forms.ValidationError(f"{problem} in the registry has this legal name.")
        return found[0]


class ActionForm(VersionedForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    node = forms.ModelChoiceField(queryset=None, required=False, label="Party")
    msc_category = forms.TypedChoiceField(
        choices=[("", "—")] + [(n, f"{n}. {c[0]}") for n, c in CATEGORIES.items()],
        coerce=int,
        empty_value=None,
        required=False,
        label="MSC category",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(widget=DATE, required=False)
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    evidence = forms.ModelChoiceField(
        queryset=EvidenceDocument.objects.none(), required=False, label="Evidence of completion"
    )
    completion_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, org, assessment, **kwargs):
        from .models import LaneNode

        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = LaneNode.objects.filter(
            lane__assessment=assessment
        ).select_related("lane")
        self.fields["owner"].queryset = User.objects.filter(memberships__organisation=org).order_by(
            "email"
        )
        self.fields["evidence"].queryset = EvidenceDocument.objects.for_org(org)


class MatrixForm(VersionedForm):
    low = forms.IntegerField(min_value=1, max_value=10)
    medium = forms.IntegerField(min_value=1, max_value=10)
    high = forms.IntegerField(min_value=1, max_value=10)
    use_impact = forms.BooleanField(required=False, label="Multiply by impact")
    medium_from = forms.IntegerField(min_value=1, max_value=1000, label="Medium from score")
    high_from = forms.IntegerField(min_value=1, max_value=1000, label="High from score")


class FileForm(forms.Form):
    file = forms.FileField()

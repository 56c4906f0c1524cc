from django import forms

from openctpat.core.forms import VersionedForm
from openctpat.profiles.forms import COUNTRIES

from .models import AlertStatus


class SearchForm(forms.Form):
    name = forms.CharField(max_length=500, label="Name to screen")
    country = forms.ChoiceField(choices=[("", "Any country"), *COUNTRIES], required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Open and awaiting confirmation"), *AlertStatus.choices, ("all", "All")],
        required=False,
    )


class UploadForm(forms.Form):
    files = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True}),
        help_text="OFAC sdn.csv with alt.csv, add.csv, sdn_comments.csv; SDN.XML; the "
        "Consolidated Screening List CSV or JSON. The format is read from the content.",
    )


class SettingsForm(VersionedForm):
    threshold = forms.FloatField(
        min_value=0, max_value=0.99, help_text="0 uses the measured default."
    )
    four_eyes = forms.BooleanField(
        required=False, label="A true match needs a second reviewer's confirmation"
    )

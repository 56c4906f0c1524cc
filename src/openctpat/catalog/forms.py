from django import forms

from openctpat.core.ctpat import EntityType

from .categories import CATEGORIES
from .models import CriteriaSet, Requirement


def _versions():
    versions = CriteriaSet.objects.values_list("msc_version", flat=True).distinct()
    return [(v, f"MSC {v}") for v in sorted(versions, reverse=True)]


class CatalogFilterForm(forms.Form):
    entity_type = forms.ChoiceField(choices=EntityType.choices, label="Entity type")
    msc_version = forms.ChoiceField(choices=(), required=False, label="MSC version")
    category = forms.TypedChoiceField(
        choices=[("", "All categories")] + [(n, f"{n}. {c[0]}") for n, c in CATEGORIES.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    requirement = forms.ChoiceField(
        choices=[("", "Must and Should"), *Requirement.choices], required=False
    )
    q = forms.CharField(required=False, max_length=200, label="Search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["msc_version"].choices = [("", "Latest"), *_versions()]


class ChangesForm(forms.Form):
    entity_type = forms.ChoiceField(choices=EntityType.choices, label="Entity type")
    from_version = forms.ChoiceField(choices=(), label="From")
    to_version = forms.ChoiceField(choices=(), label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_version"].choices = _versions()
        self.fields["to_version"].choices = _versions()

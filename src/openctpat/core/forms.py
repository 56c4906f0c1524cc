from django import forms

from .audit import Action


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("", "Any action"), *[(a, a.replace("_", " ")) for a in Action.ALL]],
        required=False,
    )
    actor = forms.CharField(required=False, max_length=254, label="Who")
    object_type = forms.ChoiceField(required=False, label="Object type")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Any type"), *[(t, t) for t in object_types]]

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from openctpat.core.concurrency import version_of
from openctpat.core.ctpat import EntityType
from openctpat.core.permissions import Role

from .models import Membership, Organisation, User
from .services import ORGANISATION_FIELDS


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class PasswordChangeWithTokensForm(PasswordChangeForm):
    revoke_tokens = forms.BooleanField(
        required=False,
        initial=True,
        label="Also revoke my API tokens",
        help_text="Do this if someone else may have known your password: they could have made "
        "a token with it.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class OrganisationForm(forms.ModelForm):
    entity_types = forms.MultipleChoiceField(
        choices=EntityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="CTPAT entity types held",
    )

    # The version the form was filled from: saving over a newer edit is refused (409).
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)
        self.fields["pcso"].queryset = User.objects.filter(
            memberships__organisation=self.instance
        ).order_by("email")


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)


class RoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'ERP sync'.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
    expires_in_days = forms.IntegerField(min_value=1, max_value=730, initial=90)


class SignupForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        if p1:
            user = User(email=self.email, first_name=data.get("first_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

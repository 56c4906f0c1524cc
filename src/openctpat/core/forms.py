from django import forms

from .audit import Action
from .checkpoints import MAX_BYTES
from .concurrency import version_of


class VersionedForm(forms.Form):
    """An edit form that says which version of the row it was filled from (``version``).

    Saving it after someone else changed the row is refused instead of overwriting them.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None and instance.pk is not None:
            self.initial["version"] = version_of(instance)

    @classmethod
    def value_fields(cls) -> list[str]:
        """The fields that hold the row's values (all but the version)."""
        return [name for name in cls.base_fields if name != "version"]

    def clean(self):
        """The version is a precondition of the write, not one of the values written."""
        cleaned = super().clean()
        cleaned.pop("version", None)
        return cleaned


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


class KeptCheckpointForm(forms.Form):
    checkpoint = forms.FileField(
        label="Checkpoint file",
        help_text="A checkpoint downloaded from this page or saved from a reminder email.",
    )

    def raw(self) -> bytes:
        """The uploaded file's bytes (one byte too many tells a file that is too large)."""
        upload = self.files.get("checkpoint")
        if upload is None:
            return b""
        upload.seek(0)
        return upload.read(MAX_BYTES + 1)

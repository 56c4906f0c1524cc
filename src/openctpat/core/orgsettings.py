"""One pattern for an organisation's settings: a row per organisation, read without writing.

An app's services declare its settings once (``OrgSettings``: model, fields, the check of a
new set of values and what follows a change): reading gives the stored row or the defaults
(never writing one), and ``update`` locks, checks, writes and audits in one transaction.
``SettingsPages`` gives the settings page (everyone reads, only ``manage_perm`` saves) and
the API's GET and PATCH for it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, models, transaction
from django.shortcuts import redirect, render
from django.urls import path
from ninja import Schema

from openctpat.core.permissions import Perm, has_perm, org_view, require

from . import audit, concurrency
from .cleaning import refuse_unknown
from .pages import submit
from .resources import Page, _named, _param
from .schemas import responses

REGISTRY: list["SettingsPages"] = []


@dataclass
class OrgSettings:
    model: type[models.Model]
    fields: tuple[str, ...]
    # Raises a domain error when the values, merged over the stored ones, do not hold.
    check: Callable[[dict], None] = lambda values: None
    # What follows a change (re-tiering every partner, say), in the same transaction.
    after_save: Callable | None = None

    form: type | None = None

    def for_org(self, org):
        """The stored settings, or the defaults as an unsaved row: reading never writes."""
        return self.model.objects.for_org(org).first() or self.model(organisation=org)

    def update(self, org, actor, **values):
        refuse_unknown(values, self.fields)
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    current = concurrency.lock(self.for_org(org))
                    merged = {f: getattr(current, f) for f in self.fields} | values
                    self.check(merged)
                    if current.pk is None:
                        current.created_by = actor
                        before = {}
                    else:
                        before = audit.snapshot(current, self.fields)
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.updated_by = actor
                    current.save()
                    after = audit.snapshot(current, self.fields)
                    audit.record_changes(
                        audit.Action.UPDATE, org, actor, current, audit.diff(before, after)
                    )
                    if self.after_save is not None:
                        self.after_save(org)
                    return current
            except IntegrityError:
                if attempt == 2:
                    raise
                # another request stored the first row meanwhile: update that one


@dataclass
class SettingsPages:
    """The page and API operations of one ``OrgSettings``: ``prefix`` "Matrix" finds its
    schemas ``MatrixOut`` and ``MatrixPatch`` in the app's ``schemas`` module and names its
    operations ``get_matrix`` and ``update_matrix``."""

    settings: OrgSettings
    schemas: Any
    prefix: str
    api_path: str
    page: Page | None = None  # some settings are set over the API only
    form: type | None = None
    manage_perm: str = Perm.MANAGE_ORGANISATION
    saved_message: str = "Settings saved."
    extra_context: Callable = lambda request, current: {}
    names: dict[str, str] = field(default_factory=dict)
    tags: list[str] | None = None
    example: dict = field(default_factory=dict)  # a valid change, for the test kit

    def __post_init__(self):
        self.out: type[Schema] = getattr(self.schemas, self.prefix + "Out")
        self.patch_in: type[Schema] = getattr(self.schemas, self.prefix + "Patch")
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", self.prefix).lower()
        self.names = {"get": f"get_{snake}", "update": f"update_{snake}", **self.names}
        REGISTRY.append(self)

    def view(self, request):
        current = self.settings.for_org(request.org)
        initial = {f: getattr(current, f) for f in self.settings.fields}
        form = self.form(request.POST or None, initial=initial, instance=current)
        if request.method == "POST" and not has_perm(request.role, self.manage_perm):
            raise DjangoPermissionDenied("Only an owner changes these settings.")
        call = lambda data: self.settings.update(request.org, request.user, **data)  # noqa: E731
        if submit(request, form, call, obj=current):
            messages.success(request, self.saved_message)
            return redirect(request.path)
        context = {"form": form, "settings": current, **self.extra_context(request, current)}
        return render(request, self.page.template, context)

    def urlpatterns(self) -> list:
        name = self.page.name.split(":")[-1]
        return [path(self.page.route, org_view(Perm.VIEW)(self.view), name=name)]

    def add_to(self, router, module: str) -> None:
        kwargs = {"tags": self.tags} if self.tags else {}

        def get_op(request):
            require(request, Perm.VIEW)
            return self.settings.for_org(request.org)

        def patch_op(request, payload):
            require(request, self.manage_perm)
            return self.settings.update(request.org, request.user, **payload.given())

        name = self.names
        router.get(self.api_path, response=responses({200: self.out}), **kwargs)(
            _named(get_op, module, name["get"], [])
        )
        router.patch(self.api_path, response=responses({200: self.out}), **kwargs)(
            _named(
                patch_op,
                module,
                name["update"],
                [_param("payload", self.patch_in)],
            )
        )

"""One declaration per resource; its pages, API operations, URLs and tests follow from it.

A ``Resource`` names the model, how a list is searched and filtered (one function serves
the page, the API and the export), the form and schemas, the app's create/update/delete
services (which validate, write and audit in one transaction) and the permissions. From
that, ``urlpatterns()`` gives the list (search, filters, pagination, HTMX fragment),
create, detail, edit and delete pages, and ``add_to(router)`` the CRUD operations of the
JSON API with pagination and the shared error shape. Every declared resource is in
``REGISTRY``, which the test kit walks (``openctpat.testing.resources``).

Only real workflows (links for partners and staff, seal moves, sign-offs, imports,
exports) are written by hand beside it.
"""

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from ninja import Query, Schema, Status
from ninja.pagination import paginate

from openctpat.core.permissions import Perm, member_by_id, org_view, require

from .errors import DomainError, PermissionDenied
from .forms import VersionedForm
from .pages import get_for_org, submit
from .pagination import Pagination
from .schemas import Id, responses

PAGE_SIZE = 50
REGISTRY: list["Resource"] = []


@dataclass(frozen=True)
class Page:
    """One page of a resource: its URL route and name, the template it renders, and what
    else that page shows (``context(request, obj)``). ``own_view``: the app writes the
    page's view itself (a workflow page); the resource only links to it."""

    route: str
    name: str
    template: str = ""
    context: Callable | None = None
    own_view: bool = False


@dataclass
class Api:
    """Where a resource's operations live in the JSON API, and their schemas.

    The schemas are found by name in the app's ``schemas`` module: ``prefix`` "Lane" finds
    ``LaneOut``, ``LaneDetailOut``, ``LaneIn``, ``LanePatch`` and ``LaneFilters`` (each
    optional but ``Out``). ``names`` keeps each generated operation's function name (and so
    its operationId). ``refs`` turns ids in a body into the organisation's objects (another
    organisation's is a 404), ``members`` turns user ids into members of the organisation.
    """

    list_path: str
    detail_path: str = ""  # none: the resource is only listed
    schemas: Any = None
    prefix: str = ""
    tags: list[str] | None = None
    names: dict[str, str] = field(default_factory=dict)
    refs: dict[str, tuple[str, type[models.Model]]] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    ops: tuple[str, ...] = ("list", "create", "get", "update", "delete")
    create_status: int = 201
    create_drop_none: bool = False  # a null in a create body means "the service's default"
    prefetch: tuple[str, ...] = ()  # what the answers carry beyond the pages (id lists)
    # A create service may answer (object, secret): the create's answer (``<Prefix>CreatedOut``
    # when there is one) then carries the secret, this once, as this field (a token's).
    secret: str = ""
    nullable: tuple[str, ...] = ()  # patch fields where null clears the value

    def __post_init__(self):
        def find(suffix):
            return getattr(self.schemas, self.prefix + suffix, None)

        self.out: type[Schema] = find("Out")
        self.detail_out: type[Schema] = find("DetailOut") or self.out
        self.created_out: type[Schema] = find("CreatedOut") or self.detail_out
        self.create_in: type[Schema] | None = find("In")
        self.patch_in: type[Schema] | None = find("Patch")
        self.filters: type[Schema] | None = find("Filters")


@dataclass
class Resource:
    """One resource. ``services`` is the app's services module: where ``create``, ``update``
    and ``delete`` are not named, its ``create_<name>`` (or ``add_<name>``), ``update_<name>``
    and ``delete_<name>`` are used; the test kit's factory is ``make_<name>`` in the app's
    ``openctpat.testing`` module unless ``factory`` names another."""

    model: type[models.Model]
    name: str
    services: Any = None
    create: Callable | None = None  # (org, actor, **data), or (org, actor, parent, **data)
    create_kwargs: Callable[[Any], dict] = lambda request: {}  # from the request (a base URL)
    update: Callable | None = None  # (org, actor, obj, **data)
    delete: Callable | None = None  # (org, actor, obj)
    search: Callable | None = None  # (org, **filters) -> queryset; page, API and export
    search_user: bool = False  # the search also takes the user: (org, user, **filters)
    shared: bool = False  # rows every organisation sees alike (the restricted-party lists)
    related: tuple[str, ...] = ()
    prefetch: tuple = ()
    refine: Callable | None = None  # queryset -> queryset (annotations), every read
    list_defer: tuple[str, ...] = ()  # long fields a list never shows
    read_perm: str = Perm.VIEW
    write_perm: str = Perm.CHANGE
    edit_perm: str = ""  # who opens the edit page (a viewer may read the form); default write
    # A child resource is listed and created under one object of its parent.
    parent: "Resource | None" = None
    parent_field: str = ""  # by default its foreign key to the parent's model
    # Pages: keys "list", "create", "detail", "edit", "delete", and "add" and "change": a
    # form posted from the parent's page that creates or edits one (back to that page,
    # errors said there). A list page with a form creates on the same page when there is no
    # "create" page.
    pages: dict[str, Page] = field(default_factory=dict)
    form: type | None = None
    form_kwargs: Callable[[Any], dict] = lambda request: {}
    initial: Callable[[Any], dict] | None = None  # an object's values for its edit form
    filter_form: type | None = None  # its ``criteria()``, when it has one, are the filters
    filter_kwargs: Callable[[Any], dict] = lambda request: {}
    rows_template: str = ""
    # What a list page shows beside each object, counted for the whole page at once
    # (``rows(page)`` -> its "rows"): tallies that one query per row would cost.
    rows: Callable | None = None
    context_name: str = ""  # the object's name in its templates ("site")
    extra_context: Callable[[Any, Any], dict] = lambda request, obj: {}
    # Where to go after a create or an edit: "detail", "list", "edit" or "parent" (the
    # parent's detail page); by default the first of these the resource has.
    after_save: str = ""
    after_delete: str = ""  # the page to go back to after a delete, where not the list
    anchor: str = ""  # where on the parent's page a change lands ("point-{obj.pk}")
    # What the pages say after a change: "created", "saved", "deleted"; "{obj}" is the object.
    messages: dict[str, str] = field(default_factory=dict)
    api: Api | None = None
    # The test kit: where to make one object of an organisation (a dotted path, so that the
    # app does not import test code), a valid create body ``payload(org, n)`` (n makes
    # names unique), a valid update body.
    factory: str = ""
    payload: Callable | None = None
    patch: dict | None = None
    form_payload: Callable | None = None  # the create form's fields, where not ``payload``
    form_patch: dict | None = None  # the edit form's change, where not ``patch``
    label: Callable[[Any], str] = str  # how its list and detail pages name one object
    register: bool = True  # in REGISTRY, walked by the shared test suites

    def __post_init__(self):
        verbs = {"create": ("create", "add"), "update": ("update",), "delete": ("delete",)}
        for verb, prefixes in verbs.items():
            found = (getattr(self.services, f"{p}_{self.name}", None) for p in prefixes)
            setattr(self, verb, getattr(self, verb) or next(filter(None, found), None))
        if self.parent is not None and not self.parent_field:
            fields = self.model._meta.fields
            self.parent_field = next(f.name for f in fields if f.related_model is self.parent.model)
        app = self.model._meta.app_label
        self.factory = self.factory or f"openctpat.testing.{app}.make_{self.name}"
        self.context_name = self.context_name or self.model._meta.model_name
        if self.register:
            REGISTRY.append(self)

    # -- reading ---------------------------------------------------------------------------
    def _shaped(self, qs):
        """What pages and answers show of each row, fetched with it."""
        if self.related:
            qs = qs.select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return self.refine(qs) if self.refine else qs

    def queryset(self, org):
        """The organisation's objects, shaped for their pages and answers."""
        return self._shaped(self.model.objects.for_org(org))

    def filtered(self, org, parent=None, user=None, **filters):
        """The list: the app's search function when there is one, under ``parent``."""
        if self.search is not None:
            by = (user,) if self.search_user else ()
            qs = self._shaped(self.search(org, *by, **filters))
        else:
            qs = self.queryset(org)
        if parent is not None:
            qs = qs.filter(**{self.parent_field: parent})
        return qs.defer(*self.list_defer) if self.list_defer else qs

    def get(self, request, pk):
        return get_for_org(request, self.queryset(request.org), pk)

    # -- pages -----------------------------------------------------------------------------
    def _url(self, key, obj):
        page = self.pages[key]
        if key == "list" and self.parent is not None:
            return reverse(page.name, args=[getattr(obj, f"{self.parent_field}_id")])
        return reverse(page.name, args=[obj.pk] if "<" in page.route else [])

    def _after(self, obj, order=None) -> str:
        """The page to show after ``obj`` was saved (or, with ``order``, deleted)."""
        order = order or (self.after_save, "detail", "list", "edit", "parent")
        for key in order:
            if key == "parent" and self.parent is not None:
                return self.parent._url("detail", getattr(obj, self.parent_field))
            if key and key in self.pages:
                return self._url(key, obj)
        raise LookupError(f"{self.name}: no page to show after saving")

    def _form(self, request, *, instance=None, initial=None):
        versioned = instance is not None and issubclass(self.form, VersionedForm)
        kwargs = {"instance": instance} if versioned else {}
        return self.form(
            request.POST or None,
            request.FILES or None,
            initial=initial,
            **kwargs,
            **self.form_kwargs(request),
        )

    def _context(self, request, page_key, obj=None, **context):
        context.setdefault("resource", self)
        if obj is not None:
            context["object"] = obj
            context[self.context_name] = obj
        context.update(self.extra_context(request, obj))
        if self.pages[page_key].context is not None:
            context.update(self.pages[page_key].context(request, obj))
        return context

    def _say(self, request, event: str, obj) -> None:
        default = {"created": "{obj} added.", "saved": "{obj} saved.", "deleted": "{obj} deleted."}
        messages.success(request, self.messages.get(event, default[event]).format(obj=obj))

    def _parent(self, request, parent_pk):
        """The parent a child is listed or created under: its row alone, scoped."""
        if self.parent is None:
            return None
        return get_for_org(request, self.parent.model.objects.for_org(request.org), parent_pk)

    def _make(self, request, parent, data) -> tuple:
        """Create one: (object, secret), the secret None unless the service answers one."""
        args = (request.org, request.user, *((parent,) if parent is not None else ()))
        made = self.create(*args, **data, **self.create_kwargs(request))
        return made if isinstance(made, tuple) else (made, None)

    def _create_call(self, request, parent):
        def call(data):
            call.made, _secret = self._make(request, parent, data)

        return call

    def list_view(self, request, parent_pk=None):
        parent = self._parent(request, parent_pk)
        form = None
        if self.form is not None and self.create is not None and "create" not in self.pages:
            form = self._form(request)
            call = self._create_call(request, parent)
            if submit(request, form, call):
                self._say(request, "created", call.made)
                return redirect(self._after(call.made))
        elif request.method == "POST":
            return HttpResponseNotAllowed(["GET"])
        filters = None
        criteria = {}
        if self.filter_form is not None:
            filters = self.filter_form(request.GET or None, **self.filter_kwargs(request))
            if filters.is_valid():
                criteria = getattr(filters, "criteria", lambda: filters.cleaned_data)()
        criteria = {k: v for k, v in criteria.items() if v not in (None, "", [])}
        objects = self.filtered(request.org, parent, request.user, **criteria)
        page = Paginator(objects, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self._context(
            request,
            "list",
            parent=parent,
            page=page,
            filters=filters,
            form=form,
            query=query.urlencode(),
        )
        if self.parent is not None:
            context[self.parent.context_name] = parent
        if self.rows is not None:
            context["rows"] = self.rows(page)
        template = self.pages["list"].template
        if request.htmx and self.rows_template:
            template = self.rows_template
        return render(request, template, context)

    def create_view(self, request, parent_pk=None):
        parent = self._parent(request, parent_pk)
        form = self._form(request)
        call = self._create_call(request, parent)
        if submit(request, form, call):
            self._say(request, "created", call.made)
            return redirect(self._after(call.made))
        context = self._context(request, "create", form=form, parent=parent)
        return render(request, self.pages["create"].template, context)

    def add_view(self, request, parent_pk):
        parent = self._parent(request, parent_pk)
        form = self._form(request)
        call = self._create_call(request, parent)
        if submit(request, form, call):
            self._say(request, "created", call.made)
        else:
            errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
            messages.error(request, errors or "Nothing was saved.")
        return redirect(self.parent._url("detail", parent))

    def change_view(self, request, pk):
        obj = self.get(request, pk)
        form = self._form(request, instance=obj)
        if submit(request, form, lambda data: self.update(request.org, request.user, obj, **data)):
            self._say(request, "saved", obj)
        else:
            messages.error(request, "; ".join(" ".join(v) for v in form.errors.values()))
        anchor = "#" + self.anchor.format(obj=obj) if self.anchor else ""
        return redirect(self._after(obj, order=("parent",)) + anchor)

    def detail_view(self, request, pk):
        obj = self.get(request, pk)
        return render(request, self.pages["detail"].template, self._context(request, "detail", obj))

    def edit_view(self, request, pk):
        obj = self.get(request, pk)
        initial = self.initial(obj) if self.initial else _values(obj, self.form)
        form = self._form(request, instance=obj, initial=initial)
        if submit(request, form, lambda data: self.update(request.org, request.user, obj, **data)):
            self._say(request, "saved", obj)
            return redirect(self._after(obj))
        context = self._context(request, "edit", obj, form=form)
        return render(request, self.pages["edit"].template, context)

    def delete_view(self, request, pk):
        obj = self.get(request, pk)
        try:
            self.delete(request.org, request.user, obj)
        except PermissionDenied:
            raise
        except DomainError as exc:  # a rule keeps it (a used checklist, a signed record)
            messages.error(request, exc.message)
            return redirect(self._after(obj, order=(self.after_delete, "detail", "parent", "list")))
        self._say(request, "deleted", obj)
        return redirect(self._after(obj, order=(self.after_delete, "list", "parent")))

    def urlpatterns(self) -> list:
        views = {
            "list": org_view(self.read_perm)(self.list_view),
            "create": org_view(self.write_perm)(self.create_view),
            "detail": org_view(self.read_perm)(self.detail_view),
            "edit": org_view(self.edit_perm or self.write_perm)(self.edit_view),
            "delete": require_POST(org_view(self.write_perm)(self.delete_view)),
            "add": require_POST(org_view(self.write_perm)(self.add_view)),
            "change": require_POST(org_view(self.write_perm)(self.change_view)),
        }
        return [
            path(page.route, views[key], name=page.name.split(":")[-1])
            for key, page in self.pages.items()
            if not page.own_view
        ]

    # -- API ---------------------------------------------------------------------------------
    def _resolve(self, request, data: dict) -> dict:
        """Ids in a body become the organisation's objects and members."""
        for key, (name, model) in self.api.refs.items():
            if key in data:
                pk = data.pop(key)
                if pk is None:
                    data[name] = None
                elif any(f.name == "organisation" for f in model._meta.fields):
                    data[name] = get_for_org(request, model, pk)
                else:  # shared data (the MSC catalog)
                    data[name] = get_object_or_404(model, pk=pk)
        for key, name in self.api.members.items():
            if key in data:
                value = data.pop(key)
                if isinstance(value, list):
                    data[name] = [member_by_id(request, pk, key) for pk in dict.fromkeys(value)]
                else:
                    data[name] = member_by_id(request, value, key)
        return data

    def add_to(self, router, module: str) -> None:
        """The resource's operations on ``router``, named as in ``module`` (the app's api)."""
        api = self.api
        api.router = router  # the test kit finds where the router is mounted
        detail_out = api.detail_out
        list_id = _path_params(api.list_path)
        detail_id = (_path_params(api.detail_path) or [None])[-1]
        names = {
            "list": f"list_{self.name}s",
            "create": f"create_{self.name}",
            "get": f"get_{self.name}",
            "update": f"update_{self.name}",
            "delete": f"delete_{self.name}",
            **api.names,
        }
        kwargs = {"tags": api.tags} if api.tags else {}

        def parent_of(request, ids):
            return self._parent(request, ids[list_id[-1]]) if list_id else None

        if "list" in api.ops:

            def list_op(request, filters=None, **ids):
                require(request, self.read_perm)
                parent = parent_of(request, ids)
                filters = filters.dict() if filters else {}
                qs = self.filtered(request.org, parent, request.user, **filters)
                return qs.prefetch_related(*api.prefetch) if api.prefetch else qs

            params = [_path(n) for n in list_id]
            if api.filters is not None:
                params.append(_param("filters", Query[api.filters]))
            router.get(api.list_path, response=responses({200: list[api.out]}), **kwargs)(
                paginate(Pagination)(_named(list_op, module, names["list"], params))
            )
        if "create" in api.ops:

            def create_op(request, payload, **ids):
                require(request, self.write_perm)
                parent = parent_of(request, ids)
                data = self._resolve(request, payload.dict())
                if api.create_drop_none:
                    data = {k: v for k, v in data.items() if v is not None}
                obj, secret = self._make(request, parent, data)
                answer = self.get(request, obj.pk)
                if api.secret:
                    setattr(answer, api.secret, secret)
                return Status(api.create_status, answer)

            params = [*(_path(n) for n in list_id), _param("payload", api.create_in)]
            router.post(
                api.list_path, response=responses({api.create_status: api.created_out}), **kwargs
            )(_named(create_op, module, names["create"], params))
        if "get" in api.ops:

            def get_op(request, **ids):
                require(request, self.read_perm)
                return self.get(request, ids[detail_id])

            router.get(api.detail_path, response=responses({200: detail_out}), **kwargs)(
                _named(get_op, module, names["get"], [_path(detail_id)])
            )
        if "update" in api.ops:

            def update_op(request, payload, **ids):
                require(request, self.write_perm)
                obj = self.get(request, ids[detail_id])
                data = {
                    k: v
                    for k, v in payload.dict(exclude_unset=True).items()
                    if v is not None or k in api.nullable
                }
                self.update(request.org, request.user, obj, **self._resolve(request, data))
                return self.get(request, obj.pk)  # as stored, with what its answer shows

            params = [_path(detail_id), _param("payload", api.patch_in)]
            router.patch(api.detail_path, response=responses({200: detail_out}), **kwargs)(
                _named(update_op, module, names["update"], params)
            )
        if "delete" in api.ops:

            def delete_op(request, **ids):
                require(request, self.write_perm)
                self.delete(request.org, request.user, self.get(request, ids[detail_id]))
                return Status(204, None)

            router.delete(api.detail_path, response=responses({204: None}), **kwargs)(
                _named(delete_op, module, names["delete"], [_path(detail_id)])
            )


def _values(obj, form_class) -> dict:
    names = (
        form_class.value_fields() if hasattr(form_class, "value_fields") else form_class.base_fields
    )
    return {name: getattr(obj, name) for name in names if hasattr(obj, name)}


def _path_params(route: str) -> list[str]:
    return re.findall(r"{(\w+)}", route)


def _param(name, annotation) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _path(name) -> inspect.Parameter:
    return _param(name, Id)


def _named(func, module: str, name: str, params: list[inspect.Parameter]):
    """``func`` as django-ninja reads an operation: its module, name and typed parameters."""
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    func.__signature__ = inspect.Signature([request, *params])
    func.__name__ = func.__qualname__ = name
    func.__module__ = module
    return func

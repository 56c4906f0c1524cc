"""What every app's page views share: tenant lookups, the change check, form submission."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from openctpat.core.permissions import Perm, has_perm

from . import concurrency
from .errors import DomainError, PermissionDenied

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_for_org(request, model, pk, *related):
    """One of the request's organisation's objects, or 404 (another organisation's too).

    ``model`` may be a model or one of its querysets (with the annotations a page needs).

    The first object a request looks up is the one it is about: a write names the version it
    read (``If-Match`` on the API, the form's hidden ``version``), and the write is refused
    with a 409 if the row has changed since; answers about it carry its ``ETag``.
    """
    queryset = model if isinstance(model, QuerySet) else model.objects.all()
    obj = get_object_or_404(queryset.for_org(request.org).select_related(*related), pk=pk)
    if getattr(request, "primary_object", None) is None:
        request.primary_object = obj
        if request.method in WRITE_METHODS:
            if request.path.startswith("/api/"):
                version = concurrency.parse_if_match(request.headers.get("If-Match"))
                concurrency.expect(obj, version)
            else:  # a form: the refusal comes from the write, so the form can show it
                concurrency.expect(obj, request.POST.get("version"), check_now=False)
    return obj


def safe_next(request, default: str) -> str:
    """The posted (or queried) ``next`` page when it is on this site, else ``default``.

    Every redirect to a ``next`` goes through here, so a link cannot send a signed-in user
    to another site.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def can_change(request) -> bool:
    return has_perm(request.role, Perm.CHANGE)


def require_change(request) -> None:
    if not can_change(request):
        raise DjangoPermissionDenied("Your role does not allow this.")


def apply_domain_error(form, exc) -> None:
    """Show a service's error on the form fields it names, or above the form."""
    placed = False
    for name, messages in (exc.field_errors or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def submit(request, form, call, on_error=apply_domain_error, *, obj=None) -> bool:
    """Run ``call(cleaned_data)`` for a valid POSTed form; a domain error lands on the form.

    A refusal (only owners, only authorised issuers…) is not a form error: it is a 403. A
    form saved over someone else's newer edit is refused (409) and shown again with what
    changed, carrying the new version so that saving again is a deliberate choice. ``obj``
    names the row the form edits when the page did not look it up by id (a settings page).
    """
    if request.method != "POST":
        return False
    require_change(request)
    if not form.is_valid():
        return False
    if obj is not None:
        version = request.POST.get(form.add_prefix("version"))
        concurrency.expect(obj, version, check_now=False)
    try:
        call(form.cleaned_data)
    except PermissionDenied:
        raise
    except concurrency.StaleEdit as exc:
        show_stale_edit(request, form, exc)
        return False
    except DomainError as exc:
        on_error(form, exc)
        return False
    return True


def edit_and_add(request, edit_form, save, add_form, add, *, action, on_error=apply_domain_error):
    """A page that edits its object and adds a child to it, one form each: ``edit_form(data)``
    and ``add_form(data)`` build them, the add form posts ``action``, and ``save`` or ``add``
    runs on a valid one. Returns both forms and what was done: "added", "saved" or ""."""
    adding = request.method == "POST" and request.POST.get("action") == action
    form = edit_form(None if adding else request.POST or None)
    child_form = add_form(request.POST if adding else None)
    if adding:
        return form, child_form, "added" if submit(request, child_form, add, on_error) else ""
    return form, child_form, "saved" if submit(request, form, save, on_error) else ""


def show_stale_edit(request, form, exc) -> None:
    request.stale_edit = True
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = exc.version
    now = [
        f"{form.fields[name].label or name}: {exc.current[key]!s:.80}"
        for name in form.fields
        if (key := name if name in exc.current else f"{name}_id") in exc.current
        and name != "version"
    ]
    form.add_error(None, exc.message + (" Now stored: " + "; ".join(now) if now else ""))

"""What every app's page views share: tenant lookups, the change check, form submission."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from openctpat.accounts.roles import Perm, has_perm

from .errors import DomainError, PermissionDenied


def get_for_org(request, model, pk, *related):
    """One of the request's organisation's objects, or 404 (another organisation's too)."""
    return get_object_or_404(model.objects.for_org(request.org).select_related(*related), pk=pk)


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


def submit(request, form, call, on_error=apply_domain_error) -> bool:
    """Run ``call(cleaned_data)`` for a valid POSTed form; a domain error lands on the form.

    A refusal (only owners, only authorised issuers…) is not a form error: it is a 403.
    """
    if request.method != "POST":
        return False
    require_change(request)
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except PermissionDenied:
        raise
    except DomainError as exc:
        on_error(form, exc)
        return False
    return True

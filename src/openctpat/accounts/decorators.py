"""The permission check every organisation page goes through."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from openctpat.core.errors import DomainError, NotFound, PermissionDenied

from .roles import Perm, has_perm


def org_view(perm: str = Perm.VIEW):
    """Require a signed-in member of the current organisation holding ``perm``.

    Domain errors from services become a message and a redirect back (or 403/404).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.org is None:
                return redirect("accounts:no_organisation")
            if not has_perm(request.role, perm):
                raise DjangoPermissionDenied("Your role does not allow this.")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect(request.path)

        wrapper.required_perm = perm
        return wrapper

    return decorator

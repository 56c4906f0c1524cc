"""Request and response rules every page and API operation shares.

``RejectNulMiddleware``: PostgreSQL cannot hold NUL in text, so a filter or form value with
one would fail deep in a query (a 500); it is refused here with a 400 instead, the same way
on every database.

``PreconditionMiddleware``: carries a client's version to the write (409 on a stale edit) and
the row's ``ETag`` back.

``PrivateCacheMiddleware``: what a signed-in member or an API token sees is never kept by
a shared proxy cache or by the browser's cache (a shared computer after sign-out).
"""

from django.http import HttpResponseBadRequest, JsonResponse

from . import concurrency

MESSAGE = "The request contains a NUL character."


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


class RejectNulMiddleware:
    """Refuse NUL characters in query strings and form fields before any view sees them.

    PostgreSQL cannot hold NUL in text, so a filter or form value with one would fail deep in
    a query (a 500); it is refused here with a 400 instead, the same way on every database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = _has_nul(request.GET)
        if (
            not bad
            and request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
        ):
            bad = _has_nul(request.POST)
        if bad:
            if request.path.startswith("/api/"):
                body = {"error": {"code": "bad_request", "message": MESSAGE, "fields": {}}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)


PRIVATE = "private, no-store"


def _authenticated(request) -> bool:
    """A signed-in session or a bearer token (the API replaces ``request.user`` with its
    holder), or any attempt at one."""
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "HTTP_AUTHORIZATION" in request.META


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to an authenticated request,
    unless the view already forbade storing it (``no-store`` is the strictest there is)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _authenticated(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE
        return response


class PreconditionMiddleware:
    """Carries a client's ``If-Match`` (API) or form ``version`` to the write, and back.

    Opens the request's precondition scope (``concurrency.request_scope``); the object a
    request looked up first (``pages.get_for_org``) gets its ``ETag`` on a 2xx answer about
    that object, and a page that refused a stale form answers 409.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with concurrency.request_scope():
            response = self.get_response(request)
        if getattr(request, "stale_edit", False) and response.status_code == 200:
            response.status_code = 409
        obj = getattr(request, "primary_object", None)
        if (
            obj is not None
            and obj.pk is not None
            and 200 <= response.status_code < 300
            and response.status_code != 204
            and request.path.rstrip("/").endswith(f"/{obj.pk}")
            and not response.has_header("ETag")
        ):
            response["ETag"] = concurrency.etag(obj)
        return response

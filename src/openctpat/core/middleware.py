"""Request-wide guards that every page and API operation shares."""

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

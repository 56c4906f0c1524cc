"""Refuse NUL characters in query strings and form fields before any view sees them.

PostgreSQL cannot hold NUL in text, so a filter or form value with one would fail deep in a
query (a 500); it is refused here with a 400 instead, the same way on every database.
"""

from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "The request contains a NUL character."


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


class RejectNulMiddleware:
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

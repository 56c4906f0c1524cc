"""The partner link: a business partner answers its questionnaire here, without an account.

The page is reached only with the link's token. It reads and writes one questionnaire and
nothing else: no session is used, and the rest of the application still requires a login.
Refused attempts are throttled per address so that tokens cannot be guessed at speed.
"""

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from openctpat.core import audit
from openctpat.core.errors import DomainError

from . import services
from .models import Reply

REFUSALS_PER_WINDOW = 30
WINDOW_SECONDS = 600
REFUSED = {
    "unknown": (404, "This link is not valid. Check that you copied the whole link."),
    "expired": (410, "This link has expired. Ask your contact for a new one."),
    "revoked": (410, "This link was withdrawn. Ask your contact for a new one."),
}


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _private(response):
    response["Cache-Control"] = "private, no-store"
    # Not no-referrer: browsers then send "Origin: null" and CSRF refuses the form.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _throttled(request) -> bool:
    return cache.get(f"partner-link-refused:{_client_ip(request)}", 0) >= REFUSALS_PER_WINDOW


def _count_refusal(request) -> None:
    key = f"partner-link-refused:{_client_ip(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)


def _replies(request, items) -> tuple[dict, dict]:
    replies, files = {}, {}
    for item in items:
        reply_key, comment_key = f"reply_{item.pk}", f"comment_{item.pk}"
        if reply_key in request.POST or comment_key in request.POST:
            replies[item.pk] = {
                "reply": request.POST.get(reply_key, item.reply),
                "comment": request.POST.get(comment_key, item.comment),
            }
        upload = request.FILES.get(f"file_{item.pk}")
        if upload:
            files[item.pk] = upload
    return replies, files


@require_http_methods(["GET", "POST"])
def answer(request, org_id, token):
    if _throttled(request):
        return _private(
            render(
                request,
                "partners/link_refused.html",
                {"message": "Too many invalid links from your address. Try again later."},
                status=429,
            )
        )
    try:
        q = services.questionnaire_for_link(org_id, token)
    except services.LinkRefused as refused:
        _count_refusal(request)
        status, message = REFUSED[refused.reason]
        return _private(
            render(request, "partners/link_refused.html", {"message": message}, status=status)
        )
    items = list(q.items.all())
    error, saved = None, False
    if request.method == "POST" and q.link_state == "open":
        replies, files = _replies(request, items)
        submit = request.POST.get("action") == "submit"
        try:
            with audit.context("link", _client_ip(request) or None):
                services.partner_save(q, replies, files, submit=submit)
        except DomainError as exc:
            error = exc.message
        else:
            saved = True
        items = list(q.items.all())
        q.refresh_from_db()
    answered = sum(1 for i in items if i.reply)
    context = {
        "q": q,
        "items": items,
        "replies": Reply.choices,
        "error": error,
        "saved": saved,
        "answered": answered,
        "open": q.link_state == "open",
    }
    return _private(render(request, "partners/link.html", context, status=422 if error else 200))

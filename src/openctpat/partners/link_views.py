"""The partner link: a business partner answers its questionnaire here, without an account.

The page is reached only with the link's token. It reads and writes one questionnaire and
nothing else: no session is used, and the rest of the application still requires a login.
Refused attempts are throttled per client address and link, so that one link's token
cannot be guessed at speed, while refusals from other addresses (or for other links) never
stop a partner from opening theirs.
"""

import datetime

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from openctpat.core import audit
from openctpat.core.client_address import client_ip
from openctpat.core.errors import DomainError
from openctpat.core.routes import route
from openctpat.core.throttle import Throttle

from . import services
from .models import Reply

REFUSALS = Throttle("partner-link-refused", limit=30, window=datetime.timedelta(minutes=10))
REFUSED = {
    "unknown": (404, "This link is not valid. Check that you copied the whole link."),
    "expired": (410, "This link has expired. Ask your contact for a new one."),
    "revoked": (410, "This link was withdrawn. Ask your contact for a new one."),
}


def _private(response):
    response["Cache-Control"] = "private, no-store"
    # Not no-referrer: browsers then send "Origin: null" and CSRF refuses the form.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _throttle_key(request, org_id, token) -> tuple:
    """(client address, link): the link is its organisation and the questionnaire number
    the token starts with; tokens that are not even shaped like one share one key."""
    link, _sep, _secret = str(token).partition("-")
    return client_ip(request) or "", org_id, link if link.isdigit() else "malformed"


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


@route("<int:org_id>/<str:token>/")
@require_http_methods(["GET", "POST"])
def answer(request, org_id, token):
    throttle_key = _throttle_key(request, org_id, token)
    if REFUSALS.exceeded(*throttle_key):
        return _private(
            render(
                request,
                "partners/link_refused.html",
                {"message": "Too many invalid attempts at this link. Try again later."},
                status=429,
            )
        )
    try:
        q = services.questionnaire_for_link(org_id, token)
    except services.LinkRefused as refused:
        REFUSALS.hit(*throttle_key)
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
            with audit.context("link", client_ip(request)):
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

"""The partner link: the only way in for a business partner, and nothing beyond it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openctpat.partners import services
from openctpat.partners.models import QuestionnaireItem, QuestionnaireStatus
from openctpat.testing import owner_of
from openctpat.testing.partners import send
from tests.routes import PUBLIC_PAGES, fill_route, pages, route_params

pytestmark = pytest.mark.django_db


def path_of(link: str) -> str:
    return "/partner-link/" + link.split("/partner-link/", 1)[1]


def test_the_link_opens_its_questionnaire_without_a_login(org_a):
    q, link = send(org_a)
    response = Client().get(path_of(link))
    assert response.status_code == 200
    body = response.content.decode()
    assert q.partner.legal_name in body and org_a.name in body
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "sessionid" not in response.cookies


def test_a_draft_is_kept_and_a_submission_closes_the_link(org_a):
    q, link = send(org_a)
    client = Client()
    items = list(q.items.all())
    first = items[0]
    response = client.post(
        path_of(link),
        {
            f"reply_{first.pk}": "partial",
            f"comment_{first.pk}": "Cameras at two of three docks",
            f"file_{first.pk}": SimpleUploadedFile("cctv.pdf", b"%PDF-1.4\n%cctv\n%%EOF\n"),
            "action": "save",
        },
    )
    assert response.status_code == 200 and b"Draft saved" in response.content
    first.refresh_from_db()
    assert (first.reply, first.comment, first.file_name) == (
        "partial",
        "Cameras at two of three docks",
        "cctv.pdf",
    )
    early = client.post(path_of(link), {"action": "submit"})
    assert early.status_code == 422 and b"Answer every question" in early.content
    data = {f"reply_{i.pk}": "yes" for i in items[1:]}
    done = client.post(path_of(link), {**data, "action": "submit"})
    assert done.status_code == 200 and b"was submitted" in done.content
    q.refresh_from_db()
    assert q.status == QuestionnaireStatus.SUBMITTED
    again = client.post(path_of(link), {f"reply_{first.pk}": "no", "action": "save"})
    first.refresh_from_db()
    assert again.status_code == 200 and first.reply == "partial"  # closed: nothing written


def test_expired_revoked_guessed_and_other_organisation_links_are_refused(org_a, org_b):
    q, link = send(org_a)
    path = path_of(link)
    token = path.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    other_org = path.replace(f"/partner-link/{org_a.pk}/", f"/partner-link/{org_b.pk}/")
    wrong_org = client.get(other_org)
    assert wrong_org.status_code == 404
    guessed = client.get(path.replace(token, f"{q.pk}-" + "a" * 64))
    assert guessed.status_code == 404
    assert client.get(f"/partner-link/{org_a.pk}/nonsense/").status_code == 404
    q.link_expires_at = timezone.now() - datetime.timedelta(minutes=1)
    q.save()
    expired = client.get(path)
    assert expired.status_code == 410 and b"expired" in expired.content
    assert client.post(path, {"action": "submit"}).status_code == 410
    new_path = path_of(services.reissue_link(org_a, owner_of(org_a), q))
    assert client.get(path).status_code == 404  # the old token is gone
    assert client.get(new_path).status_code == 200
    services.revoke_link(org_a, owner_of(org_a), q)
    revoked = client.get(new_path)
    assert revoked.status_code == 410 and b"withdrawn" in revoked.content
    for refused in (wrong_org, guessed, expired, revoked):
        assert q.partner.legal_name.encode() not in refused.content


def test_guessing_a_link_is_throttled_per_address_and_link(org_a):
    q, link = send(org_a)
    other_q, other_link = send(org_a)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        guessed = guesser.get(f"/partner-link/{org_a.pk}/{q.pk}-{n:064x}/")
        assert guessed.status_code == 404
    assert guesser.get(path_of(link)).status_code == 429  # this link, from this address
    assert guesser.get(path_of(other_link)).status_code == 200  # another link still opens
    # the partner, from their own address, is not locked out by someone else's guesses
    assert Client(REMOTE_ADDR="198.51.100.20").get(path_of(link)).status_code == 200


def test_refusals_for_other_links_do_not_stop_a_valid_one(org_a):
    client = Client()
    for n in range(40):
        assert client.get(f"/partner-link/{org_a.pk}/{n}-guess/").status_code == 404
    for n in range(40):
        assert client.get(f"/partner-link/{org_a.pk}/nonsense{n}/").status_code in (404, 429)
    q, link = send(org_a)
    assert client.get(path_of(link)).status_code == 200


def test_behind_a_proxy_each_client_is_throttled_on_its_own(org_a, settings):
    """Every request arrives from the proxy; the client is the address the proxy added."""
    settings.CTPAT_TRUSTED_PROXY_COUNT = 1
    q, link = send(org_a)
    bad = f"/partner-link/{org_a.pk}/{q.pk}-{0:064x}/"
    attacker = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(30):
        # a different spoofed leftmost entry every time: ignored, the proxy's entry counts
        response = attacker.get(bad, headers={"X-Forwarded-For": f"10.9.9.{n}, 203.0.113.7"})
        assert response.status_code == 404
    spoofed = attacker.get(path_of(link), headers={"X-Forwarded-For": "198.51.100.20, 203.0.113.7"})
    assert spoofed.status_code == 429
    partner = Client(REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": "198.51.100.20"})
    assert partner.get(path_of(link)).status_code == 200


def test_the_link_cannot_write_another_questionnaires_answers(org_a):
    q1, link1 = send(org_a)
    q2, _link2 = send(org_a)
    foreign = q2.items.first()
    response = Client().post(path_of(link1), {f"reply_{foreign.pk}": "no", "action": "save"})
    assert response.status_code == 200  # not a field of this questionnaire: ignored
    foreign.refresh_from_db()
    assert foreign.reply == ""
    assert not QuestionnaireItem.objects.filter(questionnaire=q1).exclude(reply="").exists()


def test_the_link_reaches_no_other_page(org_a):
    """A partner holding a link has no session: every other page sends it to sign in."""
    q, link = send(org_a)
    client = Client()
    client.get(path_of(link))
    values = {
        p: q.pk
        for name, route in pages()
        for p in route_params(route)  # any id will do: none may open
    }
    checked = 0
    for name, route in pages():
        if name in PUBLIC_PAGES:
            continue
        response = client.get(fill_route(route, values))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), name
        checked += 1
    assert checked > 50
    assert client.get("/api/v1/partners").status_code == 401
    assert client.get(f"/api/v1/questionnaires/{q.pk}").status_code == 401

"""Writes under concurrency: no acknowledged edit is lost and no state move happens twice.

Real threads, each with its own database connection, go through the whole stack (API token,
middleware, services) on the suite's database: PostgreSQL row locks, or SQLite's IMMEDIATE
transactions on a database file.
"""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from openctpat.core.concurrency import version_of
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.inspections.models import Seal, SealMovement, SealState
from openctpat.partners.models import BusinessPartner
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.api import ApiClient
from openctpat.testing.inspections import make_batch
from openctpat.testing.partners import make_partner

pytestmark = pytest.mark.django_db(transaction=True)

# Fields of a partner that ten clients edit at once, and the value of edit i for each.
EDITS = {
    "legal_name": lambda i: f"Concurrent Supplier {i} Ltd",
    "address": lambda i: f"{i} Harbour Road, Ningbo",
    "notes": lambda i: f"note {i}",
    "tax_id": lambda i: f"TAX{i:05d}",
    "ior": lambda i: f"IOR{i:05d}",
    "iata_code": lambda i: f"I{i:02d}",
    "other_names": lambda i: [f"Alias {i}"],
    "start_date": lambda i: f"2020-01-{1 + i % 28:02d}",
}


def run_together(workers):
    """Start every worker at the same moment; each closes its own connection at the end."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def wrap(work):
        try:
            barrier.wait()
            work()
        except Exception as exc:  # surfaced in the test below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_clients_editing_different_fields_keep_every_acknowledged_change():
    org = make_org("Concurrent Imports")
    partner = make_partner(org)
    token = token_for(org, Role.OWNER)
    acknowledged = {}
    rounds = 6

    def editor(field):
        def work():
            client = ApiClient(token)
            for i in range(rounds):
                value = EDITS[field](i)
                response = client.patch(f"/api/v1/partners/{partner.pk}", {field: value})
                assert response.status_code == 200, response.content
                acknowledged[field] = value

        return work

    run_together([editor(f) for f in EDITS])

    stored = ApiClient(token).get(f"/api/v1/partners/{partner.pk}").json()
    assert {f: stored[f] for f in EDITS} == acknowledged
    # Each field's audit history is one unbroken line: every "before" is the last "after".
    entries = AuditEntry.objects.filter(
        object_type="partners.businesspartner", object_id=str(partner.pk), action="update"
    ).order_by("seq")
    seen = {}
    changed = 0
    for entry in entries:
        for field, (before, after) in entry.changes.items():
            if field in seen:
                assert before == seen[field], (field, before, seen[field])
            seen[field] = after
            changed += 1
    assert changed >= len(EDITS) * (rounds - 1)


def test_a_stale_api_edit_is_refused_with_the_current_values():
    org = make_org("Stale Imports")
    partner = make_partner(org, notes="first")
    client = ApiClient(token_for(org, Role.OWNER))
    read = client.get(f"/api/v1/partners/{partner.pk}")
    etag = read["ETag"]
    assert etag == f'"{version_of(partner)}"'

    client.headers["If-Match"] = etag
    first = client.patch(f"/api/v1/partners/{partner.pk}", {"notes": "second"})
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = client.patch(f"/api/v1/partners/{partner.pk}", {"notes": "third"})
    assert stale.status_code == 409
    body = stale.json()["error"]
    assert body["code"] == "stale"
    assert body["current"]["notes"] == "second"
    assert stale["ETag"] == first["ETag"]
    partner.refresh_from_db()
    assert partner.notes == "second"

    client.headers["If-Match"] = first["ETag"]
    assert client.patch(f"/api/v1/partners/{partner.pk}", {"notes": "third"}).status_code == 200


def test_concurrent_edits_from_the_same_read_let_one_through():
    org = make_org("Racing Imports")
    partner = make_partner(org, notes="start")
    token = token_for(org, Role.OWNER)
    etag = ApiClient(token).get(f"/api/v1/partners/{partner.pk}")["ETag"]
    codes = []

    def editor(i):
        def work():
            client = ApiClient(token)
            client.headers["If-Match"] = etag
            codes.append(client.patch(f"/api/v1/partners/{partner.pk}", {"notes": f"n{i}"}))

        return work

    run_together([editor(i) for i in range(4)])
    assert sorted(r.status_code for r in codes) == [200, 409, 409, 409]
    winner = next(r for r in codes if r.status_code == 200).json()["notes"]
    partner.refresh_from_db()
    assert partner.notes == winner


def test_a_stale_form_is_refused_and_shown_again(client):
    org = make_org("Form Imports")
    partner = make_partner(org, notes="first")
    client.force_login(owner_of(org))
    url = reverse("partners:edit", args=[partner.pk])
    page = client.get(url)
    version = page.context["form"]["version"].value()
    assert version == version_of(partner)
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    form.update(version=version, notes="mine")
    ApiClient(token_for(org, Role.OWNER)).patch(
        f"/api/v1/partners/{partner.pk}", {"notes": "theirs"}
    )

    response = client.post(url, form)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert "theirs" in response.content.decode()
    partner.refresh_from_db()
    assert partner.notes == "theirs"
    # The form now carries the new version: saving again is a deliberate overwrite.
    again = response.context["form"]["version"].value()
    assert again == version_of(partner)
    form["version"] = again
    assert client.post(url, form).status_code == 302
    partner.refresh_from_db()
    assert partner.notes == "mine"


def test_two_clients_issuing_one_seal_issue_it_once():
    org = make_org("Seal Imports")
    batch = make_batch(org, size=5)
    token = token_for(org, Role.OWNER)
    for seal in batch.seals.all():
        answers = []

        def issuer(seal=seal, answers=answers):
            def work():
                response = ApiClient(token).post(
                    f"/api/v1/seals/{seal.pk}/events", {"event": "issue"}
                )
                answers.append(response.status_code)

            return work

        run_together([issuer(), issuer()])
        assert sorted(answers) == [200, 409], answers
        assert SealMovement.objects.filter(seal=seal, event="issue").count() == 1
        assert Seal.objects.get(pk=seal.pk).state == SealState.ISSUED


def test_a_racing_state_move_is_checked_against_the_locked_row():
    """Void and issue at once: whichever wins, the other sees the new state and is refused."""
    org = make_org("Void Imports")
    seal = make_batch(org, size=1).seals.get()
    token = token_for(org, Role.OWNER)
    answers = {}

    def move(event):
        def work():
            body = {"event": event, "reason": "dropped in the yard"}
            response = ApiClient(token).post(f"/api/v1/seals/{seal.pk}/events", body)
            answers[event] = response.status_code

        return work

    run_together([move("issue"), move("void")])
    assert sorted(answers.values()) in ([200, 200], [200, 409])
    moves = list(SealMovement.objects.filter(seal=seal).order_by("id"))
    # Each move starts from the state the one before it left.
    state = SealState.IN_STOCK
    for m in moves:
        assert m.from_state == state
        state = m.to_state
    assert Seal.objects.get(pk=seal.pk).state == state


def test_lock_refuses_to_run_outside_a_transaction():
    from openctpat.core.concurrency import lock

    org = make_org("Outside Imports")
    partner = BusinessPartner.objects.get(pk=make_partner(org).pk)
    with pytest.raises(RuntimeError):
        lock(partner)


class TestTheSuitesLockGuard:
    """The whole suite runs with CTPAT_CHECK_ROW_LOCKS: an unlocked write fails its test."""

    pytestmark = pytest.mark.django_db(transaction=False)

    def test_saving_an_unlocked_row_in_a_transaction_fails(self):
        from django.db import transaction

        partner = BusinessPartner.objects.get(pk=make_partner(make_org("Guard Imports")).pk)
        partner.notes = "written over whatever is stored"
        with pytest.raises(AssertionError, match="did not lock it"), transaction.atomic():
            partner.save()

    def test_a_row_locked_in_the_transaction_saves(self):
        from django.db import transaction

        from openctpat.core.concurrency import lock

        partner = BusinessPartner.objects.get(pk=make_partner(make_org("Guard Imports")).pk)
        with transaction.atomic():
            lock(partner)
            partner.notes = "re-read under the lock first"
            partner.save()
        partner.refresh_from_db()
        assert partner.notes == "re-read under the lock first"

    def test_a_lock_taken_in_an_earlier_transaction_does_not_count(self):
        from django.db import transaction

        from openctpat.core.concurrency import lock

        partner = BusinessPartner.objects.get(pk=make_partner(make_org("Guard Imports")).pk)
        with transaction.atomic():
            lock(partner)
        with pytest.raises(AssertionError), transaction.atomic():
            partner.save()


@pytest.mark.django_db(transaction=False)
def test_a_stale_organisation_settings_form_is_refused(client):
    org = make_org("Settings Imports")
    client.force_login(owner_of(org))
    page = client.get(reverse("accounts:organisation"))
    form = page.context["form"]
    data = {
        name: value
        for name, value in ((f.html_name, f.value()) for f in form)
        if value not in (None, [])
    }
    data["ior_number"] = "MINE-1"
    from openctpat.accounts.services import update_organisation

    update_organisation(org, owner_of(org), ior_number="THEIRS-1")  # another owner, meanwhile
    refused = client.post(reverse("accounts:organisation"), data)
    assert refused.status_code == 409
    org.refresh_from_db()
    assert org.ior_number == "THEIRS-1"

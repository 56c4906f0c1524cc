"""Tampering a database writer can do and the plain hash chain missed, on the test database.

Each test writes straight to the table with SQL (past the append-only guards), as someone
with a copy of the database or its credentials would, and checks what verification says.
"""

import datetime
import importlib
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from openctpat.core import audit, checkpoints
from openctpat.core.audit import Tamper
from openctpat.core.checkpoints import Checkpoint
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import make_org, owner_of

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def store():
    """An empty checkpoint store before and after (ids repeat between tests on SQLite)."""
    root = Path(settings.MEDIA_ROOT) / checkpoints.ROOT
    shutil.rmtree(root, ignore_errors=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def checkpoint(store, django_capture_on_commit_callbacks):
    """``checkpoint(org)``: write a checkpoint of the org's head now (as on commit)."""

    def _checkpoint(org):
        with django_capture_on_commit_callbacks(execute=True):
            return audit.write_checkpoint(audit.chain_name(org.pk))

    return _checkpoint


def grow(org, to_seq: int) -> None:
    owner = owner_of(org)
    while AuditEntry.objects.for_org(org).order_by("-seq").first().seq < to_seq:
        audit.record("update", organisation=org, actor=owner, target=org, changes={"n": [1, 2]})


def chain_of(org) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_org(org).order_by("seq"))


def delete_newest(org, n: int) -> None:
    newest = [e.pk for e in chain_of(org)[-n:]]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id IN ({','.join(['%s'] * n)})", newest)


def rewrite(org, seq: int, *, keep_macs: bool = True, **values) -> None:
    """Edit the entry at ``seq`` and recompute every later SHA-256 hash and link, as anyone
    with the database and this program's source can."""
    entries = chain_of(org)
    prev_hash = entries[seq - 2].hash if seq > 1 else "0" * 64
    with connection.cursor() as cursor:
        for entry in entries[seq - 1 :]:
            if entry.seq == seq:
                for name, value in values.items():
                    setattr(entry, name, value)
            entry.prev_hash = prev_hash
            entry.hash = entry.compute_hash()
            mac = entry.mac if keep_macs else ""
            cursor.execute(
                f"UPDATE {TABLE} SET object_repr = %s, prev_hash = %s, hash = %s, mac = %s "
                "WHERE id = %s",
                [entry.object_repr, entry.prev_hash, entry.hash, mac, entry.pk],
            )
            prev_hash = entry.hash


def report_of(org, extra=()):
    (report,) = audit.verify_chains(org, extra)
    return report


@pytest.fixture
def org(db, store):
    return make_org("Kilo Forwarding")


@pytest.mark.django_db
class TestTamperCases:
    def test_intact_chain_names_its_last_checkpoint(self, org, checkpoint):
        grow(org, 6)
        first = checkpoint(org)
        grow(org, 9)
        report = report_of(org)
        assert report.intact and report.kind == ""
        assert report.last_checkpoint == first and report.since_checkpoint == 3
        assert (Path(settings.MEDIA_ROOT) / checkpoints.name(first)).exists()

    def test_deleting_the_newest_rows_is_reported_as_truncated(self, org, checkpoint, capsys):
        grow(org, 4)
        good = checkpoint(org)
        grow(org, 12)
        head = checkpoint(org)
        delete_newest(org, 5)
        report = report_of(org)
        assert not report.intact and report.kind == Tamper.TRUNCATED
        assert report.last_checkpoint == good and report.failed_checkpoint == head
        assert report.head_seq == 7 and report.broken_seq == 8
        assert "entries 8 to 12 were removed" in report.reason
        with pytest.raises(CommandError, match="1 audit chain"):
            call_command("verify_audit_chain", org=org.pk)
        out = capsys.readouterr().out
        assert f"org:{org.pk}: BROKEN after entry 7 (truncated)" in out
        assert f"last good checkpoint: entry {good.seq} of" in out

    def test_an_edit_with_every_later_hash_recomputed_is_reported(self, org, checkpoint):
        grow(org, 4)
        good = checkpoint(org)
        grow(org, 10)
        checkpoint(org)
        rewrite(org, 6, object_repr="a different organisation")
        # the plain hash chain links up again: that is what passed before
        entries = chain_of(org)
        assert all(e.compute_hash() == e.hash for e in entries)
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
        report = report_of(org)
        assert report.kind == Tamper.RECOMPUTED and report.broken_seq == 6
        assert "without the audit key" in report.reason
        assert report.last_checkpoint == good

    def test_a_recomputed_chain_with_its_signatures_removed_fails_the_checkpoint(
        self, org, checkpoint
    ):
        grow(org, 4)
        good = checkpoint(org)
        grow(org, 10)
        head = checkpoint(org)
        rewrite(org, 6, keep_macs=False, object_repr="forged")
        report = report_of(org)
        assert report.kind == Tamper.RECOMPUTED and report.broken_seq == head.seq
        assert report.failed_checkpoint == head and report.last_checkpoint == good
        assert "differs from the checkpoint" in report.reason

    def test_unsigned_entries_after_the_last_checkpoint_are_reported(self, org, checkpoint):
        grow(org, 4)
        good = checkpoint(org)
        grow(org, 8)
        rewrite(org, 6, keep_macs=False, object_repr="forged")
        report = report_of(org)
        assert report.kind == Tamper.UNSIGNED and report.broken_seq == 6
        assert report.last_checkpoint == good

    def test_altered_and_removed_rows_are_still_named(self, org, checkpoint):
        grow(org, 6)
        checkpoint(org)
        victim = chain_of(org)[2]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", [victim.pk])
        report = report_of(org)
        assert (report.kind, report.broken_entry_id) == (Tamper.ALTERED, victim.pk)
        other = make_org("Lima Carriers")
        grow(other, 5)
        gone = chain_of(other)[2]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [gone.pk])
        report = report_of(other)
        assert report.kind == Tamper.REMOVED and report.broken_seq == gone.seq + 1

    def test_a_chain_deleted_entirely_is_found_by_its_checkpoints(self, org, checkpoint, capsys):
        grow(org, 3)
        checkpoint(org)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE chain = %s", [f"org:{org.pk}"])
        reports = {r.chain: r for r in audit.verify_chains()}
        assert reports[f"org:{org.pk}"].kind == Tamper.TRUNCATED

    def test_a_checkpoint_file_not_signed_with_the_key_is_reported(self, org, checkpoint):
        grow(org, 5)
        real = checkpoint(org)
        with override_settings(CTPAT_AUDIT_KEY="someone-elses-key-" + "k" * 20):
            forged = Checkpoint.sign(real.chain, 9, "a" * 64)
        checkpoints.save(forged)
        report = report_of(org)
        assert report.kind == Tamper.BAD_CHECKPOINT and checkpoints.name(forged) in report.reason

    def test_a_kept_checkpoint_catches_truncation_when_the_store_lost_it(
        self, org, checkpoint, store, tmp_path, capsys
    ):
        grow(org, 8)
        kept = tmp_path / "kept.json"
        kept.write_text(checkpoint(org).to_json())
        shutil.rmtree(store)
        delete_newest(org, 2)
        assert report_of(org).intact  # nothing in the store to contradict it ...
        with pytest.raises(CommandError):
            call_command("verify_audit_chain", checkpoint=[str(kept)])
        assert "(truncated)" in capsys.readouterr().out  # ... but the kept copy does
        tampered = tmp_path / "tampered.json"
        tampered.write_text(kept.read_text().replace('"seq": 8', '"seq": 6'))
        with pytest.raises(CommandError, match="signature does not match"):
            call_command("verify_audit_chain", checkpoint=[str(tampered)])


@pytest.mark.django_db
class TestCheckpointing:
    def test_a_broken_chain_is_not_checkpointed(self, org, checkpoint, store, capsys):
        grow(org, 5)
        checkpoint(org)
        grow(org, 7)
        rewrite(org, 6, object_repr="forged")
        with pytest.raises(audit.ChainBroken, match="no checkpoint was written"):
            checkpoint(org)
        assert [c.seq for c in checkpoints.stored(f"org:{org.pk}")[0]] == [5]
        with pytest.raises(CommandError, match="not checkpointed"):
            call_command("audit_checkpoint", org=org.pk)

    def test_the_command_checkpoints_each_chain_once_per_head(
        self, org, store, capsys, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("audit_checkpoint")
            call_command("audit_checkpoint", org=org.pk)
        out = capsys.readouterr().out
        assert f"org:{org.pk}: checkpoint entry 1 of" in out
        assert len(list((store / f"org-{org.pk}").iterdir())) == 1

    def test_nothing_is_stored_for_entries_that_may_still_roll_back(self, org, store):
        made = audit.write_checkpoint(f"org:{org.pk}")  # inside the test's transaction
        assert made.seq == 1 and made.signed
        assert checkpoints.stored(f"org:{org.pk}") == ([], [])

    def test_checkpoints_are_never_overwritten(self, org, store):
        first = Checkpoint.sign(f"org:{org.pk}", 1, chain_of(org)[0].hash)
        later = Checkpoint.sign(
            first.chain, 1, first.hash, at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
        )
        assert checkpoints.save(first) == checkpoints.save(later)
        assert checkpoints.stored(first.chain)[0] == [first]

    def test_entries_signed_with_a_retired_key_still_verify(self, org, store):
        with override_settings(CTPAT_AUDIT_KEY="the-old-audit-key-" + "x" * 20):
            grow(org, 3)
        assert report_of(org).kind == Tamper.RECOMPUTED
        with override_settings(CTPAT_AUDIT_PREVIOUS_KEYS=["the-old-audit-key-" + "x" * 20]):
            assert report_of(org).intact

    def test_entries_from_before_signing_are_covered_by_the_migrations_checkpoint(self, org, store):
        grow(org, 4)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET mac = '' WHERE chain = %s", [f"org:{org.pk}"])
        assert report_of(org).kind == Tamper.UNSIGNED
        migration = importlib.import_module("openctpat.core.migrations.0002_auditentry_mac")
        from django.apps import apps

        migration.seal_existing_chains(apps, None)
        report = report_of(org)
        assert report.intact and report.last_checkpoint.seq == 4
        grow(org, 6)  # new entries are signed
        assert report_of(org).intact and chain_of(org)[-1].mac


@pytest.mark.django_db
class TestPagesAndApi:
    def test_audit_page_shows_the_head_and_the_download_is_a_signed_checkpoint(
        self, org, login, store
    ):
        client = login(org, Role.AUDITOR)
        head = chain_of(org)[-1]
        page = client.get("/audit/").content.decode()
        assert head.hash in page and head.mac in page and "/audit/checkpoint.json" in page
        response = client.get("/audit/checkpoint.json")
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        kept = checkpoints.parse_signed(response.content)
        assert (kept.chain, kept.seq, kept.hash) == (f"org:{org.pk}", head.seq, head.hash)
        export = chain_of(org)[-1]
        assert export.action == "export" and export.changes["seq"] == head.seq
        verify = client.post("/audit/verify/", {"checkpoint": _upload(response.content)})
        assert verify.status_code == 200 and b"Your checkpoint" in verify.content
        delete_newest(org, 2)
        verify = client.post("/audit/verify/", {"checkpoint": _upload(response.content)})
        assert b"truncated" in verify.content and b"Checkpoint contradicted" in verify.content

    def test_the_verify_page_refuses_a_file_that_is_not_a_checkpoint(self, org, login, org_b):
        client = login(org, Role.OWNER)
        bad = client.post("/audit/verify/", {"checkpoint": _upload(b"{}")})
        assert bad.status_code == 400 and b"not an audit checkpoint" in bad.content
        other = Checkpoint.sign(f"org:{org_b.pk}", 1, chain_of(org_b)[0].hash)
        response = client.post("/audit/verify/", {"checkpoint": _upload(other.to_json())})
        assert response.status_code == 400 and b"another organisation" in response.content
        assert login(org, Role.VIEWER).get("/audit/checkpoint.json").status_code == 403

    def test_a_broken_chain_is_not_offered_for_download(self, org, login, checkpoint):
        grow(org, 3)
        rewrite(org, 2, object_repr="forged")
        response = login(org).get("/audit/checkpoint.json")
        assert response.status_code == 302 and response["Location"] == "/audit/verify/"

    def test_api_head_and_verify(self, org, api, store):
        client = api(org, Role.AUDITOR)
        head = client.get("/api/v1/audit/head")
        assert head.status_code == 200 and head["Cache-Control"] == "private, no-store"
        body = head.json()
        assert checkpoints.parse_signed(json.dumps(body)).seq == body["seq"]
        status = client.get("/api/v1/audit/verify").json()
        assert status["intact"] and status["kind"] == ""
        kept = client.post("/api/v1/audit/verify", body)
        assert kept.status_code == 200 and kept.json()["last_checkpoint"]["seq"] == body["seq"]
        delete_newest(org, 2)
        broken = client.post("/api/v1/audit/verify", body).json()
        assert broken["kind"] == "truncated" and broken["failed_checkpoint"]["seq"] == body["seq"]
        forged = client.post("/api/v1/audit/verify", {**body, "seq": 1})
        assert forged.status_code == 422 and "signature" in forged.json()["error"]["message"]
        assert client.get("/api/v1/audit/head").status_code == 200  # store is empty here
        assert api(org, Role.VIEWER).get("/api/v1/audit/head").status_code == 403


@pytest.mark.django_db
class TestReminderEmail:
    def test_owners_get_the_new_checkpoint_once(self, org, store):
        from openctpat.profiles.reminders import send_reminders

        owner = owner_of(org)
        assert send_reminders() == 1
        (message,) = mail.outbox
        assert message.to == [owner.email] and "Audit trail checkpoint" in message.subject
        block = message.body[message.body.index("{") :]
        kept = checkpoints.parse_signed(block)
        assert (kept.chain, kept.seq) == (f"org:{org.pk}", chain_of(org)[-1].seq)
        mail.outbox.clear()
        assert send_reminders() == 0  # the same head is not announced again
        grow(org, 3)
        assert send_reminders() == 1 and '"seq": 3' in mail.outbox[0].body

    def test_owners_are_alarmed_while_the_chain_is_broken(self, org, store):
        from openctpat.profiles.reminders import send_reminders

        grow(org, 3)
        rewrite(org, 2, object_repr="forged")
        assert send_reminders() == 1
        assert "FAILED verification" in mail.outbox[0].subject
        assert "recomputed" in mail.outbox[0].body


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile("checkpoint.json", data, content_type="application/json")

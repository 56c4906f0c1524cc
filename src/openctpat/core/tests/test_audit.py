import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from openctpat.core import audit
from openctpat.core.models import AppendOnlyError, AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import make_org, owner_of


def _entries(org, n=3):
    owner = owner_of(org)
    for i in range(n):
        audit.record("update", organisation=org, actor=owner, target=org, changes={"n": [i, i + 1]})


@pytest.mark.django_db
class TestChain:
    def test_entries_link_by_hash(self, org_a):
        _entries(org_a)
        chain = list(AuditEntry.objects.for_org(org_a).order_by("seq"))
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        assert chain[0].prev_hash == "0" * 64
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.prev_hash == before.hash
        assert audit.verify_chain(audit.chain_name(org_a.pk)).intact

    def test_each_organisation_has_its_own_chain(self, org_a, org_b):
        _entries(org_a, 2)
        _entries(org_b, 5)
        assert AuditEntry.objects.for_org(org_a).order_by("-seq").first().seq == 3
        assert AuditEntry.objects.for_org(org_b).order_by("-seq").first().seq == 6

    def test_entries_are_append_only(self, org_a):
        entry = AuditEntry.objects.for_org(org_a).first()
        entry.action = "forged"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).delete()

    def test_modified_row_is_named_by_verify_command(self, org_a, capsys):
        _entries(org_a, 4)
        victim = AuditEntry.objects.for_org(org_a).order_by("seq")[2]
        with connection.cursor() as cursor:
            table = AuditEntry._meta.db_table
            cursor.execute(
                f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["forged", victim.pk]
            )
        with pytest.raises(CommandError, match="failed verification"):
            call_command("verify_audit_chain")
        out = capsys.readouterr().out
        assert f"BROKEN at entry id={victim.pk} seq={victim.seq}" in out
        assert "modified" in out

    def test_deleted_row_breaks_the_chain(self, org_a, capsys):
        _entries(org_a, 4)
        victim = AuditEntry.objects.for_org(org_a).order_by("seq")[1]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [victim.pk])
        report = audit.verify_chain(audit.chain_name(org_a.pk))
        assert not report.intact and "removed" in report.reason

    def test_rehashed_forgery_is_named_at_the_forged_row(self, org_a):
        """Rehashing the forged row is not enough: its signature no longer matches."""
        _entries(org_a, 4)
        victim = AuditEntry.objects.for_org(org_a).order_by("seq")[1]
        victim.actor_label = "someone-else@example.test"
        new_hash = victim.compute_hash()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET actor_label = %s, hash = %s WHERE id = %s",
                [victim.actor_label, new_hash, victim.pk],
            )
        report = audit.verify_chain(audit.chain_name(org_a.pk))
        assert (report.broken_seq, report.kind) == (victim.seq, "recomputed")

    def test_intact_chain_passes_the_command(self, org_a, capsys):
        _entries(org_a)
        call_command("verify_audit_chain", org=org_a.pk)
        assert "intact" in capsys.readouterr().out

    def test_verify_unknown_org(self, db):
        with pytest.raises(CommandError, match="No organisation"):
            call_command("verify_audit_chain", org=999999)

    def test_hash_survives_database_round_trip(self, org_a):
        audit.record(
            "update",
            organisation=org_a,
            target=org_a,
            changes={"z": ["ü", 1.5], "a": [{"k": [1, None]}, True]},
        )
        entry = AuditEntry.objects.for_org(org_a).order_by("-seq").first()
        assert entry.compute_hash() == entry.hash


class TestDiff:
    def test_only_changed_fields(self):
        assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
            "b": [2, 3],
            "c": [None, 4],
        }

    def test_jsonable(self):
        import datetime
        import decimal

        value = {"d": datetime.date(2026, 1, 2), "x": decimal.Decimal("1.10"), "s": {3}}
        assert audit.jsonable(value) == {"d": "2026-01-02", "x": "1.10", "s": [3]}


@pytest.mark.django_db
class TestAuditAPI:
    def test_owner_and_auditor_read_others_do_not(self, org_a, api):
        for role in (Role.OWNER, Role.AUDITOR):
            response = api(org_a, role).get("/api/v1/audit")
            assert response.status_code == 200
            assert response.json()["count"] >= 1
        for role in (Role.CONTRIBUTOR, Role.VIEWER):
            assert api(org_a, role).get("/api/v1/audit").status_code == 403

    def test_filters(self, org_a, api):
        client = api(org_a, Role.AUDITOR)
        items = client.get("/api/v1/audit", action="token_created").json()["items"]
        assert items and all(i["action"] == "token_created" for i in items)
        assert client.get("/api/v1/audit", since="2999-01-01").json()["count"] == 0
        assert client.get("/api/v1/audit", since="not-a-date").status_code == 422

    def test_verify_endpoint_reports_tampering(self, org_a, api):
        client = api(org_a, Role.AUDITOR)
        assert client.get("/api/v1/audit/verify").json()["intact"] is True
        entry = AuditEntry.objects.for_org(org_a).order_by("seq").first()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET action = 'x' WHERE id = %s", [entry.pk]
            )
        body = client.get("/api/v1/audit/verify").json()
        assert body["intact"] is False and body["broken_entry_id"] == entry.pk

    def test_other_organisation_entries_are_404(self, org_a, org_b, api):
        entry = AuditEntry.objects.for_org(org_a).first()
        assert api(org_b, Role.AUDITOR).get(f"/api/v1/audit/{entry.pk}").status_code == 404
        assert api(org_a, Role.AUDITOR).get(f"/api/v1/audit/{entry.pk}").status_code == 200


@pytest.mark.django_db
def test_new_org_is_audited(db):
    org = make_org("Charlie Freight")
    entry = AuditEntry.objects.for_org(org).get()
    assert entry.action == "create" and entry.changes["name"] == [None, "Charlie Freight"]

"""Seal reconciliation (MSC 6.6): the pure report on a seeded inventory."""

import datetime

import pytest
from django.utils import timezone

from openctpat.core.errors import Conflict, PermissionDenied, ValidationFailed
from openctpat.core.permissions import Role
from openctpat.inspections import services
from openctpat.inspections.reconciliation import Gap, SealFact, reconcile
from openctpat.testing import add_member, owner_of
from openctpat.testing.inspections import make_batch

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def batch(batch_id: int, prefix: str, states: list, first: int = 1) -> list[SealFact]:
    """Seals numbered ``prefix + sequence``; a state may be ``(state, issued_at, issued_to)``."""
    facts = []
    for offset, state in enumerate(states):
        issued_at, issued_to = None, ""
        if isinstance(state, tuple):
            state, issued_at, issued_to = state
        sequence = first + offset
        facts.append(
            SealFact(f"{prefix}{sequence}", batch_id, sequence, state, issued_at, issued_to)
        )
    return facts


def seeded() -> list[SealFact]:
    # Batch 1: taken out of order: 103-104 and 106 skipped, 108 onwards never reached.
    one = batch(
        1,
        "A",
        [
            "verified",  # 101
            "removed",  # 102
            "in_stock",  # 103 gap
            "in_stock",  # 104 gap
            "applied",  # 105
            "in_stock",  # 106 gap
            "lost",  # 107
            "in_stock",  # 108 (missing at the count)
            "in_stock",  # 109
            "in_stock",  # 110
        ],
        first=101,
    )
    # Batch 2: seals issued long ago and recently; one damaged; one missing at the count.
    two = batch(
        2,
        "B",
        [
            ("issued", days_ago(30), "chris@example.test"),  # 1: 30 days
            ("issued", days_ago(2), "pat@example.test"),  # 2: within the allowed days
            ("issued", days_ago(7.5), "pat@example.test"),  # 3: 7 days and a half
            "damaged",  # 4
            "in_stock",  # 5 missing at the count
            "in_stock",  # 6
        ],
    )
    # Batch 3: a voided seal above two unused ones; a lost seal at the start.
    three = batch(3, "C", ["lost", "in_stock", "in_stock", "voided", "in_stock"])
    return [*three, *one, *two]  # the order of the input does not matter for gaps


def test_a_seeded_inventory():
    report = reconcile(
        seeded(),
        now=NOW,
        issued_unapplied_days=7,
        # B1 was counted missing but the log says it is issued: it is not in the store.
        missing_at_count=["A108", "B5", "B1", "Z999"],
    )
    assert report.unaccounted == [
        {"number": "C1", "why": "reported lost"},
        {"number": "A107", "why": "reported lost"},
        {"number": "A108", "why": "in stock by the log, not found at the last count"},
        {"number": "B5", "why": "in stock by the log, not found at the last count"},
    ]
    assert report.gaps == [
        Gap(batch=1, first="A103", last="A104", count=2, before="A105"),
        Gap(batch=1, first="A106", last="A106", count=1, before="A107"),
        Gap(batch=3, first="C2", last="C3", count=2, before="C4"),
    ]
    assert report.issued_unapplied == [
        {"number": "B1", "issued_to": "chris@example.test", "days": 30},
        {"number": "B3", "issued_to": "pat@example.test", "days": 7},
    ]
    assert report.counts == {
        "applied": 1,
        "damaged": 1,
        "in_stock": 11,
        "issued": 3,
        "lost": 2,
        "removed": 1,
        "verified": 1,
        "voided": 1,
    }
    assert list(report.counts) == sorted(report.counts)
    assert not report.clean


def test_the_allowed_days_decide_what_is_late():
    report = reconcile(seeded(), now=NOW, issued_unapplied_days=10)
    assert [s["number"] for s in report.issued_unapplied] == ["B1"]
    report = reconcile(seeded(), now=NOW, issued_unapplied_days=1)
    assert [s["number"] for s in report.issued_unapplied] == ["B1", "B2", "B3"]
    # Without a count nothing in stock is unaccounted; lost seals still are.
    assert [u["number"] for u in report.unaccounted] == ["C1", "A107"]


def test_an_issued_seal_without_a_date_is_not_reported():
    facts = [SealFact("X1", 1, 1, "issued")]
    assert reconcile(facts, now=NOW, issued_unapplied_days=1).issued_unapplied == []


def test_gaps_within_each_batch_only():
    # Batch 1 ends unused and batch 2 starts used: no gap across batches.
    facts = [
        *batch(1, "A", ["applied", "in_stock", "in_stock"]),
        *batch(2, "B", ["applied", "applied", "in_stock"]),
    ]
    assert reconcile(facts, now=NOW, issued_unapplied_days=7).gaps == []


def test_sequence_not_number_orders_the_batch():
    # Zero-padding or prefixes aside, the sequence decides what lies below what.
    facts = [
        SealFact("S10", 1, 10, "applied"),
        SealFact("S9", 1, 9, "in_stock"),
        SealFact("S8", 1, 8, "applied"),
    ]
    (gap,) = reconcile(facts, now=NOW, issued_unapplied_days=7).gaps
    assert (gap.first, gap.last, gap.count, gap.before) == ("S9", "S9", 1, "S10")


def test_a_clean_inventory():
    facts = [
        *batch(1, "A", ["removed", "verified", "applied", ("issued", days_ago(1), "p@x.test")]),
        *batch(1, "A", ["in_stock"] * 4, first=5),
        *batch(2, "B", ["in_stock"] * 3),
    ]
    report = reconcile(facts, now=NOW, issued_unapplied_days=7, missing_at_count=["A1"])
    assert report.clean
    assert (report.unaccounted, report.gaps, report.issued_unapplied) == ([], [], [])
    assert report.counts == {"applied": 1, "in_stock": 7, "issued": 1, "removed": 1, "verified": 1}


def test_an_empty_inventory_is_clean():
    report = reconcile([], now=NOW, issued_unapplied_days=7)
    assert report.clean and report.counts == {}


def test_the_report_as_a_dict():
    report = reconcile(seeded(), now=NOW, issued_unapplied_days=7, missing_at_count=["B5"])
    data = report.as_dict()
    assert data["as_of"] == "2026-03-01T12:00:00+00:00"
    assert data["issued_unapplied_days"] == 7
    assert data["gaps"][0] == {
        "batch": 1,
        "first": "A103",
        "last": "A104",
        "count": 2,
        "before": "A105",
    }
    assert data["unaccounted"][-1] == {
        "number": "B5",
        "why": "in stock by the log, not found at the last count",
    }
    assert data["counts"] == report.counts


# -- seal audits -----------------------------------------------------------------------------
@pytest.mark.django_db
class TestSealAudit:
    def test_a_count_finds_missing_and_unexpected_seals(self, org_a, owner):
        batch = make_batch(org_a, first=1, size=5, prefix="S", digits=0)
        s1, s2, s3, s4, s5 = batch.seals.all()
        services.issue_seal(org_a, owner, s1, owner)
        count = services.record_seal_audit(
            org_a,
            owner,
            audited_on=timezone.localdate(),
            counted_numbers=["S1", "S2", " S3 ", "S4", "", "S3"],
            notes="Counted in the cabinet.",
        )
        assert count.counted_numbers == ["S1", "S2", "S3", "S4"]
        assert count.expected_in_stock == 4
        assert count.missing == ["S5"] and count.unexpected == ["S1"]
        assert count.report["unaccounted"] == [
            {"number": "S5", "why": "in stock by the log, not found at the last count"}
        ]
        assert count.report["counts"] == {"in_stock": 4, "issued": 1}
        assert not count.is_signed_off
        report = services.reconciliation_report(org_a)
        assert [u["number"] for u in report.unaccounted] == ["S5"]
        # An older count recorded later does not replace the latest one.
        services.record_seal_audit(
            org_a,
            owner,
            audited_on=timezone.localdate() - datetime.timedelta(days=10),
            counted_numbers=["S2", "S3"],
        )
        assert [u["number"] for u in services.reconciliation_report(org_a).unaccounted] == ["S5"]
        services.record_seal_audit(
            org_a,
            owner,
            audited_on=timezone.localdate(),
            counted_numbers=["S2", "S3", "S4", "S5"],
        )
        assert services.reconciliation_report(org_a).unaccounted == []

    def test_a_count_cannot_be_in_the_future(self, org_a):
        with pytest.raises(ValidationFailed, match="future"):
            services.record_seal_audit(
                org_a,
                owner_of(org_a),
                audited_on=timezone.localdate() + datetime.timedelta(days=1),
                counted_numbers=[],
            )

    def test_sign_off_by_an_owner_once(self, org_a, owner):
        make_batch(org_a, size=2)
        count = services.record_seal_audit(
            org_a, owner, audited_on=timezone.localdate(), counted_numbers=[]
        )
        contributor = add_member(org_a, Role.CONTRIBUTOR).user
        with pytest.raises(PermissionDenied, match="Only an owner"):
            services.sign_off_seal_audit(org_a, contributor, count, Role.CONTRIBUTOR)
        services.sign_off_seal_audit(org_a, owner, count, Role.OWNER, note="Two seals missing.")
        count.refresh_from_db()
        assert count.is_signed_off and count.signed_off_by == owner
        assert count.notes == "Sign-off: Two seals missing."
        with pytest.raises(Conflict, match="already signed off"):
            services.sign_off_seal_audit(org_a, owner, count, Role.OWNER)

    def test_when_the_next_audit_is_due(self, org_a, owner):
        today = datetime.date(2026, 3, 1)
        assert services.seal_audit_due(org_a, today) is None  # no seals, nothing to count
        make_batch(org_a, size=2)
        assert services.seal_audit_due(org_a, today) == today  # never counted
        count = services.record_seal_audit(
            org_a,
            owner,
            audited_on=timezone.localdate() - datetime.timedelta(days=80),
            counted_numbers=[],
        )
        assert services.seal_audit_due(org_a, today) == today  # not signed off yet
        services.sign_off_seal_audit(org_a, owner, count, Role.OWNER)
        assert services.seal_audit_due(org_a) == count.audited_on + datetime.timedelta(days=90)
        services.update_settings(org_a, owner, seal_audit_interval_days=30)
        assert services.seal_audit_due(org_a) == count.audited_on + datetime.timedelta(days=30)

    def test_settings_limits(self, org_a, owner):
        for name, value in (
            ("issued_unapplied_days", 0),
            ("seal_audit_interval_days", 400),
            ("cbp_report_hours", "24"),
        ):
            with pytest.raises(ValidationFailed, match="whole number"):
                services.update_settings(org_a, owner, **{name: value})
        with pytest.raises(ValidationFailed, match="Unknown fields"):
            services.update_settings(org_a, owner, colour=1)
        services.update_settings(org_a, owner, issued_unapplied_days=3)
        assert services.settings_for(org_a).issued_unapplied_days == 3

    def test_the_report_lists_seals_issued_and_not_applied(self, org_a, owner):
        seal = make_batch(org_a, size=1).seals.get()
        services.issue_seal(org_a, owner, seal, owner)
        later = timezone.now() + datetime.timedelta(days=9)
        report = services.reconciliation_report(org_a, now=later)
        assert report.issued_unapplied == [
            {"number": seal.number, "issued_to": owner.email, "days": 9}
        ]
        assert services.reconciliation_report(org_a, now=later, days=10).issued_unapplied == []

"""Bulk writes for imports: many audit entries in one INSERT, chained as one by one."""

import datetime

import pytest

from openctpat.core import audit
from openctpat.core.models import AuditEntry
from openctpat.testing import owner_of

pytestmark = pytest.mark.django_db


def test_record_many_chains_its_entries_after_the_tail_as_record_would(org_a):
    owner = owner_of(org_a)
    audit.record("update", organisation=org_a, actor=owner, target=org_a, changes={"a": [1, 2]})
    tail = AuditEntry.objects.for_org(org_a).order_by("-seq").first()
    day = datetime.timedelta(days=1)
    when = datetime.date(2026, 1, 1)
    items = [
        ("create", org_a, {"n": [None, i], "when": when + i * day, "l": [i]}) for i in range(1200)
    ]
    items.insert(3, ("update", org_a, {}))  # nothing changed: nothing recorded
    with audit.context("task"):
        entries = audit.record_many(org_a, owner, items)
    assert len(entries) == 1200
    stored = list(AuditEntry.objects.for_org(org_a).filter(seq__gt=tail.seq).order_by("seq"))
    assert [e.seq for e in stored] == list(range(tail.seq + 1, tail.seq + 1201))
    assert stored[0].prev_hash == tail.hash
    assert stored[5].changes == {"n": [None, 5], "when": "2026-01-06", "l": [5]}
    assert {e.via for e in stored} == {"task"} and stored[0].actor_user_id == owner.pk
    assert audit.verify_chain(audit.chain_name(org_a.pk)).intact
    assert audit.record_many(org_a, owner, [("update", org_a, {})]) == []

"""Bounded risk imports: the lane CSV fast (one sync per file) and short in its transaction,
files over the limits refused early, error lists capped."""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openctpat.core import audit
from openctpat.core.errors import ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.risk import services
from openctpat.risk.models import LaneNode, ReferenceSet
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.files import csv_rows, measure
from openctpat.testing.risk import LANE_HEADER, lanes_csv, make_assessment
from openctpat.testing.threads import Worker

INDICATOR_HEADER = "country,category,rating,indicator,source,source_url,source_date"


@pytest.fixture(scope="module")
def hundred_thousand_lanes():
    """100,000 short rows: 2.8 MB, within the 5 MB upload limit."""
    return csv_rows(LANE_HEADER, lambda i: f"L{i // 8},,supplier,,P{i},CN,stuffing", 100_000)


def upload(data: bytes, name: str = "lanes.csv"):
    return SimpleUploadedFile(name, data)


def derived(assessment):
    """What sync made of the lanes: threat and vulnerability rows with their suggestions."""
    threats = sorted(
        assessment.threats.values_list("country", "category", "suggested_rating", "rating")
    )
    vulns = sorted(
        assessment.vulnerabilities.values_list(
            "node__lane__name", "node__position", "category", "suggested_rating", "basis"
        )
    )
    nodes = sorted(
        LaneNode.objects.filter(lane__assessment=assessment).values_list(
            "lane__name", "position", "node_type", "mode", "name", "country", "activities"
        )
    )
    return threats, vulns, nodes


@pytest.mark.django_db
def test_a_300_row_lane_csv_imports_in_under_3_s_with_one_sync(org_a, monkeypatch):
    assessment = make_assessment(org_a)
    syncs = []
    sync = services.sync
    monkeypatch.setattr(services, "sync", lambda a: (syncs.append(a), sync(a)))
    started = time.perf_counter()
    result = services.import_lanes_csv(org_a, owner_of(org_a), assessment, upload(lanes_csv(300)))
    seconds = time.perf_counter() - started
    assert result == {"lanes_created": 38, "nodes_created": 300}
    assert seconds < 3, seconds
    assert len(syncs) == 1
    assert assessment.threats.count() == 10 * 6
    assert assessment.vulnerabilities.count() > 300 * 5
    nodes = AuditEntry.objects.for_org(org_a).filter(object_type="risk.lanenode", action="create")
    assert nodes.count() == 300
    entry = AuditEntry.objects.for_org(org_a).get(changes__has_key="imported_lanes_csv")
    assert entry.changes["nodes_created"] == 300 and entry.object_id == str(assessment.pk)
    assert audit.verify_chain(audit.chain_name(org_a.pk)).intact


@pytest.mark.django_db
def test_the_import_makes_what_adding_each_node_by_hand_makes(org_a):
    owner = owner_of(org_a)
    data = lanes_csv(40)
    imported = make_assessment(org_a)
    services.import_lanes_csv(org_a, owner, imported, upload(data))
    by_hand = make_assessment(org_a)
    lanes = {}
    for row in csv.DictReader(io.StringIO(data.decode())):
        if row["lane"] not in lanes:
            lanes[row["lane"]] = services.create_lane(org_a, owner, by_hand, name=row["lane"])
        services.add_node(
            org_a,
            owner,
            lanes[row["lane"]],
            position=int(row["position"]) if row["position"] else None,
            node_type=row["node_type"],
            mode=row["mode"],
            name=row["name"],
            country=row["country"],
            activities=row["activities"].split(";"),
        )
    assert derived(imported) == derived(by_hand)


@pytest.mark.django_db
def test_a_100000_row_lane_csv_is_refused_within_2_s_on_every_path(
    org_a, login, hundred_thousand_lanes
):
    assessment = make_assessment(org_a)
    owner = owner_of(org_a)
    cost = measure(
        lambda: services.import_lanes_csv(org_a, owner, assessment, upload(hundred_thousand_lanes))
    )
    message = "The file has more than 2,000 rows; split it into files of at most 2,000 rows."
    assert isinstance(cost.error, ValidationFailed) and cost.error.message == message
    assert cost.seconds < 2, cost
    assert cost.peak_mb < 50, cost
    page = login(org_a).post(
        f"/risk/{assessment.pk}/lanes/import/", {"file": upload(hundred_thousand_lanes)}
    )
    assert page.status_code == 422 and message in page.content.decode()
    api = Client(headers={"Authorization": f"Bearer {token_for(org_a, Role.CONTRIBUTOR)}"})
    refused = api.post(
        f"/api/v1/risk/assessments/{assessment.pk}/lanes/import",
        {"file": upload(hundred_thousand_lanes)},
    )
    assert refused.status_code == 422 and refused.json()["error"]["message"] == message
    assert not assessment.lanes.exists()


@pytest.mark.django_db
def test_lane_errors_are_capped_with_a_count_of_the_rest(org_a, login):
    assessment = make_assessment(org_a)
    page = login(org_a).post(
        f"/risk/{assessment.pk}/lanes/import/", {"file": upload(lanes_csv(200, bad=150))}
    )
    text = page.content.decode()
    assert page.status_code == 422 and "150 row(s) have errors" in text
    assert text.count("<li>Row ") == 100 and "…and 50 more rows with errors." in text


@pytest.mark.django_db
def test_reference_files_over_the_limit_are_refused_and_their_errors_capped(org_a):
    owner = owner_of(org_a)
    good = "IR,terrorism,High,I{i},S,https://e.test/{i},2026-01"  # 30,000 rows in 1.4 MB
    big = csv_rows(INDICATOR_HEADER, lambda i: good.format(i=i), 30_000)
    cost = measure(lambda: services.import_indicators(org_a, owner, upload(big)))
    assert "more than 20,000 rows" in cost.error.message
    assert cost.seconds < 2 and cost.peak_mb < 50, cost
    bad = csv_rows(INDICATOR_HEADER, lambda i: good.format(i=i).replace("IR", "ZZ"), 150)
    with pytest.raises(ValidationFailed) as refused:
        services.import_indicators(org_a, owner, upload(bad))
    rows = refused.value.field_errors["rows"]
    assert len(rows) == 101 and rows[-1] == "…and 50 more rows with errors."
    assert not ReferenceSet.objects.filter(organisation=org_a).exists()


@pytest.mark.django_db(transaction=True)
def test_another_organisations_writes_succeed_during_the_largest_lane_import():
    """The 2,000-row import holds the write lock only for its bulk writes: another
    organisation writing at the same time waits a moment, never SQLite's 20 s timeout."""
    alpha, bravo = make_org("Alpha Imports LLC"), make_org("Bravo Logistics GmbH")
    assessment = make_assessment(alpha)
    theirs = make_assessment(bravo)
    data = lanes_csv(2000)
    importer = Worker(
        lambda: services.import_lanes_csv(alpha, owner_of(alpha), assessment, upload(data))
    )
    bravo_owner = owner_of(bravo)
    importer.start()
    waits = []
    while importer.is_alive() or not waits:
        started = time.perf_counter()
        services.create_lane(bravo, bravo_owner, theirs, name=f"Lane {len(waits)}")
        waits.append(time.perf_counter() - started)
    assert importer.outcome() == {"lanes_created": 250, "nodes_created": 2000}
    assert max(waits) < 10, waits
    assert theirs.lanes.count() == len(waits)


def test_the_lane_header_is_the_documented_one():
    assert LANE_HEADER.split(",") == services.LANE_COLUMNS

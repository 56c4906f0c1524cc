"""Bounded partner imports: refused early when too big, capped error lists, large commits in
a background task with progress, and other organisations' writes never blocked by one."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openctpat.core.errors import Conflict, ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.partners import providers, services
from openctpat.partners.models import BusinessPartner, PartnerImport
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.api import ApiClient
from openctpat.testing.files import MB, csv_rows, measure, zip_bomb_xlsx
from openctpat.testing.partners import partner_csv
from openctpat.testing.threads import Worker

TOO_MANY_ROWS = "The file has more than 20,000 rows; split it into files of at most 20,000 rows."


@pytest.fixture(scope="module")
def hundred_thousand_rows():
    return csv_rows("Legal name,Type,Country", lambda i: f"Partner {i},Supplier,CN", 100_000)


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb_xlsx(20 * MB)


def upload(data: bytes, name: str = "partners.csv"):
    return SimpleUploadedFile(name, data)


# -- refused early -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_100000_row_csv_is_refused_within_2_s_in_bounded_memory(org_a, hundred_thousand_rows):
    owner = owner_of(org_a)
    cost = measure(lambda: services.start_import(org_a, owner, upload(hundred_thousand_rows)))
    assert isinstance(cost.error, ValidationFailed) and cost.error.message == TOO_MANY_ROWS
    assert cost.seconds < 2, cost
    assert cost.peak_mb < 50, cost
    assert not PartnerImport.objects.for_org(org_a).exists()


@pytest.mark.django_db
def test_a_20_mb_zip_bomb_is_refused_within_2_s_in_bounded_memory(org_a, bomb):
    owner = owner_of(org_a)
    cost = measure(lambda: services.start_import(org_a, owner, upload(bomb, "p.xlsx")))
    assert isinstance(cost.error, ValidationFailed), cost
    assert "zip bomb" in cost.error.message and cost.error.field_errors["file"]
    assert cost.seconds < 2, cost
    assert cost.peak_mb < 50, cost


@pytest.mark.django_db
def test_the_page_and_the_api_refuse_them_with_the_message(
    org_a, login, hundred_thousand_rows, bomb
):
    client = login(org_a)
    started = time.perf_counter()
    page = client.post("/partners/import/", {"file": upload(hundred_thousand_rows)})
    assert page.status_code == 200 and TOO_MANY_ROWS in page.content.decode()
    page = client.post("/partners/import/", {"file": upload(bomb, "p.xlsx")})
    assert "possible zip bomb" in page.content.decode()
    api = Client(headers={"Authorization": f"Bearer {token_for(org_a, Role.CONTRIBUTOR)}"})
    for data, name, text in (
        (hundred_thousand_rows, "p.csv", TOO_MANY_ROWS),
        (bomb, "p.xlsx", "zip bomb"),
    ):
        refused = api.post("/api/v1/partner-imports", {"file": upload(data, name)})
        assert refused.status_code == 422 and text in refused.json()["error"]["message"]
        assert refused.json()["error"]["fields"]["file"]
    assert time.perf_counter() - started < 8  # four refusals, each well within 2 s


# -- capped error lists --------------------------------------------------------------------------
@pytest.mark.django_db
def test_error_lists_are_capped_with_a_count_of_the_rest(org_a, login):
    owner = owner_of(org_a)
    imp = services.start_import(org_a, owner, upload(partner_csv(160, bad=150)))
    with pytest.raises(ValidationFailed) as refused:
        services.commit_import(org_a, owner, imp)
    fields = refused.value.field_errors
    assert refused.value.message == "150 row(s) have errors; nothing was imported."
    assert len(fields) == 101 and fields["more"] == ["…and 50 more rows with errors."]
    assert fields["line 2"] == ["Country 'Atlantis' is not a known country."]
    client = login(org_a)
    api = ApiClient(token_for(org_a, Role.VIEWER))
    preview = api.get(f"/api/v1/partner-imports/{imp.pk}/preview").json()
    assert len(preview["errors"]) == 100 and preview["more_errors"] == 50
    page = client.get(f"/partners/import/{imp.pk}/").content.decode()
    assert "…and 50 more rows with errors." in page and "150 with errors" in page


# -- large commits in the background -------------------------------------------------------------
@pytest.fixture
def small_batches(monkeypatch):
    """Commits of more than 5 rows go to the task, 4 partners per transaction."""
    monkeypatch.setattr(services.imports, "INLINE_ROWS", 5)
    monkeypatch.setattr(services.imports, "BATCH_ROWS", 4)
    screened = []

    def record(sender, organisation, partner_ids, **kwargs):
        screened.append(partner_ids)

    providers.partners_imported.connect(record, dispatch_uid="test-small-batches")
    yield screened
    providers.partners_imported.disconnect(dispatch_uid="test-small-batches")


@pytest.mark.django_db
def test_a_large_commit_runs_as_a_task_in_batches_with_progress_on_the_page(
    org_a, login, small_batches, django_capture_on_commit_callbacks
):
    client = login(org_a)
    imp = services.start_import(org_a, owner_of(org_a), upload(partner_csv(12)))
    with django_capture_on_commit_callbacks() as pending:
        response = client.post(f"/partners/import/{imp.pk}/", {"action": "commit"})
    assert response.status_code == 302 and response["Location"] == f"/partners/import/{imp.pk}/"
    imp.refresh_from_db()
    assert (imp.status, imp.done, imp.total) == ("importing", 0, 12)
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and f"/partners/import/{imp.pk}/progress/" in page
    assert "Waiting for the background worker" in page
    with pytest.raises(Conflict):
        services.commit_import(org_a, owner_of(org_a), imp)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:  # the task, run by the immediate backend
            callback()
    imp.refresh_from_db()
    assert (imp.status, imp.done, imp.created_count, imp.rows) == ("committed", 12, 12, [])
    fragment = client.get(f"/partners/import/{imp.pk}/progress/").content.decode()
    assert "Done: 12 partners imported" in fragment and "hx-trigger" not in fragment
    partners = BusinessPartner.objects.for_org(org_a)
    assert partners.count() == 12 and not partners.filter(risk_tier="").exists()
    batches = AuditEntry.objects.for_org(org_a).filter(
        object_type="partners.partnerimport", changes__has_key="imported_partners"
    )
    assert sorted(len(e.changes["imported_partners"]) for e in batches) == [4, 4, 4]
    assert {e.via for e in batches} == {"task"}
    assert len(small_batches) == 1 and len(small_batches[0]) == 12  # screened once, all of them


@pytest.mark.django_db
def test_the_api_answers_202_and_exposes_the_progress(
    org_a, api, small_batches, django_capture_on_commit_callbacks
):
    client = api(org_a, Role.CONTRIBUTOR)
    imp = services.start_import(org_a, owner_of(org_a), upload(partner_csv(9)))
    with django_capture_on_commit_callbacks() as pending:
        started = client.post(f"/api/v1/partner-imports/{imp.pk}/commit", {})
    assert started.status_code == 202, started.content
    body = started.json()
    assert (body["status"], body["done"], body["total"], body["error"]) == ("importing", 0, 9, "")
    polled = client.get(f"/api/v1/partner-imports/{imp.pk}").json()
    assert polled["status"] == "importing" and polled["row_count"] == 9
    assert client.post(f"/api/v1/partner-imports/{imp.pk}/commit", {}).status_code == 409
    for callback in pending:
        callback()
    polled = client.get(f"/api/v1/partner-imports/{imp.pk}").json()
    assert (polled["status"], polled["done"], polled["total"]) == ("committed", 9, 9)
    assert polled["created_count"] == 9


@pytest.mark.django_db
def test_a_file_the_task_refuses_is_open_again_with_the_reason(
    org_a, login, small_batches, django_capture_on_commit_callbacks
):
    client = login(org_a)
    imp = services.start_import(org_a, owner_of(org_a), upload(partner_csv(8, bad=2)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/partners/import/{imp.pk}/", {"action": "commit"})
    imp.refresh_from_db()
    assert imp.status == "uploaded" and imp.error == "2 row(s) have errors; nothing was imported."
    assert not BusinessPartner.objects.for_org(org_a).exists()
    page = client.get(f"/partners/import/{imp.pk}/").content.decode()
    assert "2 row(s) have errors; nothing was imported." in page and "Apply mapping" in page


# -- other organisations keep writing ------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_another_organisations_writes_succeed_during_a_large_import(monkeypatch):
    """The import commits batch by batch: between and during its batches another
    organisation's writes get through in well under SQLite's 20 s lock timeout."""
    alpha, bravo = make_org("Alpha Imports LLC"), make_org("Bravo Logistics GmbH")
    monkeypatch.setattr(services.imports, "BATCH_ROWS", 100)
    imp = services.start_import(alpha, owner_of(alpha), upload(partner_csv(800)))
    first_batch, other_wrote = threading.Event(), threading.Event()
    create_batch = services.imports._create_batch

    def paused_after_first_batch(*args, **kwargs):
        ids = create_batch(*args, **kwargs)  # committed: its transaction has ended
        if not first_batch.is_set():
            first_batch.set()
            other_wrote.wait(30)
        return ids

    monkeypatch.setattr(services.imports, "_create_batch", paused_after_first_batch)
    importer = Worker(lambda: services.commit_import(alpha, owner_of(alpha), imp, background=True))
    importer.start()
    assert first_batch.wait(60), "the import did not start"
    bravo_owner = owner_of(bravo)
    started = time.perf_counter()
    partner = services.create_partner(
        bravo, bravo_owner, legal_name="Bravo Supplier", partner_type="supplier", country="DE"
    )
    waits = [time.perf_counter() - started]
    during = PartnerImport.objects.get(pk=imp.pk)
    other_wrote.set()
    while importer.is_alive():  # and while the next batches are written
        started = time.perf_counter()
        services.update_partner(bravo, bravo_owner, partner, notes=f"write {len(waits)}")
        waits.append(time.perf_counter() - started)
    importer.outcome()
    assert during.status == "importing" and 0 < during.done < during.total == 800
    assert max(waits) < 5, waits
    imp.refresh_from_db()
    assert (imp.status, imp.created_count) == ("committed", 800)
    assert BusinessPartner.objects.for_org(bravo).count() == 1

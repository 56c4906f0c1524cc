import pytest

from openctpat.core.permissions import Role
from openctpat.screening import services
from openctpat.testing.partners import make_partner
from openctpat.testing.screening import make_alert, make_version

pytestmark = pytest.mark.django_db


def test_alerts_page_and_decision(org_a, login):
    alert = make_alert(org_a)
    client = login(org_a, Role.CONTRIBUTOR)
    page = client.get("/screening/").content.decode()
    assert "Golden Crescent Shipping Co." in page and "SDN 1001" in page
    detail = client.get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "GOLDEN CRESCENT SHIPPING COMPANY" in detail and "Why it matched" in detail
    refused = client.post(f"/screening/alerts/{alert.pk}/decide/", {"decision": "true_match"})
    assert refused.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "open"  # a reason is required
    client.post(
        f"/screening/alerts/{alert.pk}/decide/",
        {"decision": "false_positive", "reason": "A Canadian namesake"},
    )
    alert.refresh_from_db()
    assert alert.status == "false_positive"
    viewer = login(org_a, Role.VIEWER)
    assert viewer.post(f"/screening/alerts/{alert.pk}/decide/", {}).status_code == 403


def test_search_page(org_a, login):
    make_version()
    client = login(org_a)
    page = client.post("/screening/search/", {"name": "Ali Hassan", "country": "SY"})
    assert b"Potential match" in page.content and b"1002" in page.content
    assert login(org_a, Role.VIEWER).get("/screening/search/").status_code == 403


def test_partner_page_shows_screening_and_screens_on_demand(org_a, login):
    make_version()
    partner = make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    client = login(org_a)
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "No match" in page and "SDN of" in page
    client.post(f"/screening/partners/{partner.pk}/screen/")
    assert partner.screenings.count() == 2


def test_lists_page_and_settings(org_a, login):
    make_version()
    client = login(org_a)
    page = client.get("/screening/lists/").content.decode()
    assert "active" in page and "Load list files" not in page  # not staff
    assert client.post("/screening/lists/", {}).status_code == 403
    client.post("/screening/settings/", {"threshold": "0", "four_eyes": "on"})
    assert services.settings_for(org_a).four_eyes
    viewer = login(org_a, Role.VIEWER)
    assert viewer.post("/screening/settings/", {"threshold": "0"}).status_code == 403


def test_staff_upload_list_files_and_bad_files_are_named(org_a, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openctpat.screening.models import ListVersion
    from openctpat.screening.tests.test_lists import DATA

    client = login(org_a)
    client.user.is_staff = True
    client.user.save()
    bad = SimpleUploadedFile("sdn.csv", b'"1","X","individual"\r\n')
    page = client.post("/screening/lists/", {"files": [bad]})
    assert page.status_code == 200 and b"sdn.csv" in page.content
    assert not ListVersion.objects.exists()
    files = [
        SimpleUploadedFile(name, (DATA / "ofac-cons" / name).read_bytes())
        for name in ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")
    ]
    done = client.post("/screening/lists/", {"files": files})
    assert done.status_code == 302
    version = ListVersion.objects.get(active=True)
    assert version.source == "cons" and version.entry_count == 442
    assert version.file_names == [
        "cons_prim.csv",
        "cons_alt.csv",
        "cons_add.csv",
        "cons_comments.csv",
    ]


def test_lists_page_loading_needs_staff_with_a_role_that_changes_data(org_a, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(org_a, Role.VIEWER)
    client.user.is_staff = True
    client.user.save()
    assert "Load list files" not in client.get("/screening/lists/").content.decode()
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    assert client.post("/screening/lists/", {"files": [upload]}).status_code == 403


def test_lists_page_shows_an_organisation_only_its_share_of_a_rescreen(org_a, org_b, login):
    make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    for n in range(3):
        make_partner(org_b, legal_name=f"Bravo Partner {n}", country="DE")
    make_version(rescreen=True)
    page = login(org_a).get("/screening/lists/").content.decode()
    assert "1 of 1 partners" in page and "4 partners" not in page
    staff = login(org_b)
    staff.user.is_staff = True
    staff.user.save()
    assert "4 of 4 partners" in staff.get("/screening/lists/").content.decode()

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openctpat.core.permissions import Role
from openctpat.inspections import services
from openctpat.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionStatus,
    PointResult,
)
from openctpat.testing import owner_of
from openctpat.testing.inspections import (
    make_applied_seal,
    make_batch,
    make_inspection,
    make_template,
    sign,
)
from openctpat.testing.profiles import make_site

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 30


def test_a_viewer_sees_the_pages_without_their_controls(org_a, login):
    """Who may open which page is the kit's test_pages_by_role; here, what each one shows."""
    inspection = make_inspection(org_a)
    template = make_template(org_a)
    owner = login(org_a)
    viewer = login(org_a, Role.VIEWER)
    listing = viewer.get("/inspections/").content.decode()
    assert "New inspection" not in listing and inspection.container_number in listing
    detail = viewer.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "Pass all remaining" not in detail and 'name="result"' not in detail
    assert "Sign and complete" not in detail and "Not answered" in detail
    owned = owner.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "Pass all remaining" in owned and 'value="fail"' in owned
    assert 'aria-current="page">Inspections' in owned
    checklist = viewer.get(f"/inspections/checklists/{template.pk}/").content.decode()
    assert "version 1" in checklist and "Add a point" not in checklist


def test_a_viewer_posting_anything_gets_403(org_a, login):
    inspection = make_inspection(org_a)
    point = inspection.points.first()
    template = make_template(org_a)
    checklist_point = template.points.first()
    viewer = login(org_a, Role.AUDITOR)
    for url in (  # edit and delete: the kit's test_page_edit_by_role, test_page_delete_by_role
        "/inspections/new/",
        f"/inspections/{inspection.pk}/pass-remaining/",
        f"/inspections/{inspection.pk}/complete/",
        f"/inspections/points/{point.pk}/",
        "/inspections/checklists/new/",
        f"/inspections/checklists/{template.pk}/",
        f"/inspections/checklists/points/{checklist_point.pk}/",
    ):
        assert viewer.post(url, {"result": "pass", "name": "X"}).status_code == 403, url
    point.refresh_from_db()
    assert point.result == "" and Inspection.objects.filter(pk=inspection.pk).exists()


def test_start_an_inspection_with_the_container_number_checked(org_a, login):
    site = make_site(org_a)
    client = login(org_a, Role.CONTRIBUTOR)
    template = services.templates_for(org_a).get(standard_key="container-7")
    form = client.get(f"/inspections/new/?template={template.pk}").content.decode()
    assert "7-point container" in form and "Start inspection" in form
    values = {"template": template.pk, "site": site.pk, "container_number": "CSQU3054384"}
    bad = client.post("/inspections/new/", values)
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "check digit" in body.lower() and 'class="status-bad"' in body
    assert not Inspection.objects.for_org(org_a).exists()
    missing = client.post("/inspections/new/", {**values, "container_number": ""})
    assert b"needs the container number" in missing.content
    response = client.post(
        "/inspections/new/",
        {**values, "container_number": "csqu 305438-3", "driver_name": "D. Driver"},
    )
    inspection = Inspection.objects.for_org(org_a).get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    assert inspection.container_number == "CSQU3054383"
    assert inspection.points.count() == template.points.count()
    assert inspection.inspector == client.user


def test_an_htmx_tap_saves_the_point_and_redraws_its_row(org_a, login):
    inspection = make_inspection(org_a)
    point = inspection.points.first()
    client = login(org_a)
    response = client.post(f"/inspections/points/{point.pk}/", {"result": "pass"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="point-{point.pk}"' in body and 'aria-pressed="true">Pass' in body
    assert 'hx-swap-oob="true"' in body and "<strong>1 of" in body
    point.refresh_from_db()
    assert point.result == PointResult.PASS
    plain = client.post(f"/inspections/points/{point.pk}/", {"result": "na"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#point-{point.pk}")
    point.refresh_from_db()
    assert point.result == PointResult.NOT_APPLICABLE


def test_a_failed_point_needs_a_note_and_may_carry_a_photo(org_a, login):
    inspection = make_inspection(org_a)
    point = inspection.points.first()
    client = login(org_a)
    url = f"/inspections/points/{point.pk}/"
    refused = client.post(url, {"result": "fail"}, headers=HX).content.decode()
    assert "failed: say what was found" in refused and 'role="alert"' in refused
    assert 'name="note"' in refused and 'capture="environment"' in refused
    assert 'accept="image/*"' in refused and "Open an incident" not in refused
    point.refresh_from_db()
    assert point.result == ""
    # Without HTMX the whole page comes back with the row open and the message in it.
    page = client.post(url, {"result": "fail", "note": "  "}).content.decode()
    assert "<html" in page and "failed: say what was found" in page and 'name="note"' in page
    photo = SimpleUploadedFile("door.png", PNG, content_type="image/png")
    saved = client.post(
        url, {"result": "fail", "note": "Fresh weld on the left wall", "photo": photo}, headers=HX
    ).content.decode()
    point.refresh_from_db()
    assert point.result == PointResult.FAIL and point.note == "Fresh weld on the left wall"
    assert point.photo is not None
    assert f"/inspections/incidents/new/?inspection={inspection.pk}" in saved
    assert f"/evidence/{point.photo_id}/" in saved
    bogus = client.post(url, {"result": "maybe"}, headers=HX)
    assert bogus.status_code == 200 and b"Choose pass, fail or N/A" in bogus.content


def test_pass_all_remaining_then_sign_with_a_seal_from_a_batch(org_a, login):
    inspection = make_inspection(org_a)
    seal = make_batch(org_a, size=5).seals.order_by("sequence").first()
    client = login(org_a)
    first = inspection.points.first()
    client.post(f"/inspections/points/{first.pk}/", {"result": "na"}, headers=HX)
    detail = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert f'<option value="{seal.number}">' in detail  # the datalist of seals in stock
    response = client.post(f"/inspections/{inspection.pk}/pass-remaining/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.result == PointResult.NOT_APPLICABLE
    assert not inspection.points.filter(result="").exists()
    done = client.post(
        f"/inspections/{inspection.pk}/complete/",
        {
            "signature_name": "Ines Inspector",
            "supervisor_name": "",
            "seal_numbers": [seal.number, ""],
        },
    )
    assert done.status_code == 302
    inspection.refresh_from_db()
    seal.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED and inspection.result == "pass"
    assert seal.state == "applied" and seal.inspection_id == inspection.pk
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "Result: Pass" in page and "Ines Inspector" in page and seal.number in page
    assert 'name="result"' not in page and "Sign and complete" not in page
    late = client.post(f"/inspections/points/{first.pk}/", {"result": "fail"}, headers=HX)
    assert b"can no longer change" in late.content


def test_completion_errors_are_shown(org_a, login):
    used = make_applied_seal(org_a)
    inspection = make_inspection(org_a)
    client = login(org_a)
    url = f"/inspections/{inspection.pk}/complete/"
    unanswered = client.post(url, {"signature_name": "Ines"})
    assert unanswered.status_code == 200 and b"Answer every point first" in unanswered.content
    services.pass_remaining(org_a, owner_of(org_a), inspection)
    refused = client.post(url, {"signature_name": "Ines", "seal_numbers": [used.number]})
    body = refused.content.decode()
    assert refused.status_code == 200 and f"Seal {used.number} is already used" in body
    assert f'value="{used.number}"' in body and "Not completed yet" in body
    unknown = client.post(url, {"signature_name": "Ines", "seal_numbers": ["NOPE-1"]})
    assert unknown.status_code == 200 and b"No seal numbered" in unknown.content
    unsigned = client.post(url, {"signature_name": ""})
    assert unsigned.status_code == 200 and b"This field is required" in unsigned.content
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_a_failed_conveyance_is_completed_without_seals(org_a, login):
    inspection = make_inspection(org_a)
    seal = make_batch(org_a, size=2).seals.first()
    point = inspection.points.first()
    services.record_point(org_a, owner_of(org_a), point, result="fail", note="Hollow floor")
    services.pass_remaining(org_a, owner_of(org_a), inspection)
    client = login(org_a)
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "must not be loaded or sealed" in page and 'name="seal_numbers"' not in page
    sealed = client.post(
        f"/inspections/{inspection.pk}/complete/",
        {"signature_name": "Ines", "seal_numbers": [seal.number]},
    )
    assert b"must not be loaded or sealed" in sealed.content
    client.post(f"/inspections/{inspection.pk}/complete/", {"signature_name": "Ines"})
    inspection.refresh_from_db()
    assert inspection.result == "fail"
    done = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "Result: Fail" in done and "Hollow floor" in done and "Open an incident" in done


def test_edit_and_delete_while_in_progress_only(org_a, login):
    """An open one is edited and deleted by the kit's test_page_edit_by_role and
    test_page_delete_by_role; a signed one is neither."""
    client = login(org_a)
    signed = sign(org_a, make_inspection(org_a))
    kept = client.post(f"/inspections/{signed.pk}/delete/", follow=True)
    assert b"can no longer change" in kept.content and Inspection.objects.filter(pk=signed.pk)
    assert client.get(f"/inspections/{signed.pk}/edit/").status_code == 302


def test_list_filters_and_paginates(org_a, login):
    passed = sign(org_a, make_inspection(org_a))
    open_one = make_inspection(org_a, shipment_reference="SHP-OPEN")
    client = login(org_a)
    everything = client.get("/inspections/").content.decode()
    assert passed.shipment_reference in everything and "SHP-OPEN" in everything
    only_open = client.get("/inspections/", {"result": "in_progress"}, headers=HX).content.decode()
    assert "<html" not in only_open and "SHP-OPEN" in only_open
    assert passed.shipment_reference not in only_open
    only_pass = client.get("/inspections/", {"result": "pass", "site": passed.site_id})
    assert passed.shipment_reference.encode() in only_pass.content
    assert b"SHP-OPEN" not in only_pass.content
    bad = client.get("/inspections/", {"date_from": "yesterday", "site": "x", "page": "zz"})
    assert bad.status_code == 200
    assert open_one.pk


def test_checklists_are_created_copied_and_versioned(org_a, login):
    client = login(org_a)
    listing = client.get("/inspections/checklists/").content.decode()
    assert "7-point container / IIT inspection" in listing and "New checklist" in listing
    source = services.templates_for(org_a).get(standard_key="container-7")
    response = client.post(
        "/inspections/checklists/new/",
        {"name": "Rail car", "conveyance_type": "rail_car", "copy_from": source.pk},
    )
    copy = ChecklistTemplate.objects.for_org(org_a).get(name="Rail car")
    assert response.status_code == 302 and copy.points.count() == source.points.count()
    clash = client.post(
        "/inspections/checklists/new/", {"name": "Rail car", "conveyance_type": "rail_car"}
    )
    assert clash.status_code == 200 and b"This name is taken" in clash.content
    inspection = make_inspection(org_a, template=copy)
    copy.refresh_from_db()
    assert copy.used and copy.version == 1
    url = f"/inspections/checklists/{copy.pk}/"
    page = client.get(url).content.decode()
    assert "changing its points starts version 2" in page
    added = client.post(url, {"action": "add_point", "title": "Brake rigging", "section": "Car"})
    assert added.status_code == 302
    copy.refresh_from_db()
    assert copy.version == 2 and copy.points.filter(title="Brake rigging").exists()
    assert not inspection.points.filter(title="Brake rigging").exists()
    point = copy.points.get(title="Brake rigging")
    client.post(
        f"/inspections/checklists/points/{point.pk}/",
        {"title": "Brake rigging and air hoses", "agricultural": "on", "position": "abc"},
    )
    point.refresh_from_db()
    assert point.title == "Brake rigging"  # a bad position: nothing saved, no error page
    client.post(
        f"/inspections/checklists/points/{point.pk}/",
        {"title": "Brake rigging and air hoses", "agricultural": "on"},
    )
    point.refresh_from_db()
    assert point.title == "Brake rigging and air hoses" and point.agricultural
    client.post(f"/inspections/checklists/points/{point.pk}/delete/")
    assert not copy.points.filter(pk=point.pk).exists()
    saved = client.post(url, {"name": "Rail car (2024)", "description": "", "active": ""})
    assert saved.status_code == 302
    copy.refresh_from_db()
    assert copy.name == "Rail car (2024)" and not copy.active
    offered = client.get("/inspections/new/").content.decode()
    assert "Rail car (2024)" not in offered


def test_the_last_point_of_a_checklist_is_not_removed(org_a, login):
    template = make_template(org_a, name="One point")
    point = template.points.get()
    client = login(org_a)
    response = client.post(f"/inspections/checklists/points/{point.pk}/delete/", follow=True)
    assert response.status_code == 200 and b"at least one point" in response.content
    assert template.points.exists()


def test_another_organisations_inspection_point_is_not_found(org_a, org_b, login):
    """The inspection's own pages: the kit's test_pages_of_another_organisation_are_404."""
    inspection = make_inspection(org_a)
    client = login(org_b)
    point = inspection.points.first()
    assert client.post(f"/inspections/points/{point.pk}/", {"result": "pass"}).status_code == 404


def test_bad_input_is_never_a_server_error(org_a, login):
    inspection = make_inspection(org_a)
    point = inspection.points.first()
    client = login(org_a)
    huge = "9" * 30
    assert client.get(f"/inspections/new/?template={huge}").status_code == 200
    response = client.post("/inspections/new/", {"template": huge, "site": huge, "partner": "x"})
    assert response.status_code == 200
    nul_form = client.post("/inspections/new/", {"template": "1", "notes": "a\x00"})
    assert nul_form.status_code in (200, 400)
    assert client.get("/inspections/", {"site": huge, "result": "nope"}).status_code == 200
    assert client.get(f"/inspections/{huge}/").status_code == 404
    nul = client.post(f"/inspections/points/{point.pk}/", {"result": "fail", "note": "a\x00b"})
    assert nul.status_code in (200, 400)
    not_a_photo = SimpleUploadedFile("door.png", b"MZ\x90\x00" * 10)
    refused = client.post(
        f"/inspections/points/{point.pk}/",
        {"result": "fail", "note": "Weld", "photo": not_a_photo},
        headers=HX,
    )
    assert refused.status_code == 200 and b'role="alert"' in refused.content
    point.refresh_from_db()
    assert point.result == "" and point.photo is None
    long_seal = client.post(
        f"/inspections/{inspection.pk}/complete/",
        {"signature_name": "x" * 500, "seal_numbers": ["," * 900]},
    )
    assert long_seal.status_code == 200
    checklist = inspection.template
    assert (
        client.post(
            f"/inspections/checklists/{checklist.pk}/", {"action": "add_point", "title": ""}
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/inspections/checklists/new/",
            {"name": "N", "conveyance_type": "spaceship", "copy_from": huge},
        ).status_code
        == 200
    )


def test_the_inspections_and_seals_pages_link_the_log_exports(org_a, login):
    client = login(org_a, Role.VIEWER)
    export = reverse("inspections:log_export")
    for page in ("inspections:inspection_list", "inspections:seal_list"):
        assert f'href="{export}"' in client.get(reverse(page)).content.decode(), page

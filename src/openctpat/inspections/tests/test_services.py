"""The inspections domain through its services: checklists, inspections, seals, VVTT, seal
audits, incidents and their reminders."""

import datetime
import struct
import zlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from openctpat.core.models import ActionStatus, AuditEntry
from openctpat.core.permissions import Role
from openctpat.inspections import reminders, services
from openctpat.inspections.models import (
    ChecklistTemplate,
    Incident,
    IncidentStatus,
    IncidentType,
    Inspection,
    InspectionResult,
    InspectionStatus,
    Seal,
    SealMovement,
)
from openctpat.inspections.seal_states import SealState
from openctpat.profiles.models import EvidenceDocument
from openctpat.testing import add_member, make_user, owner_of
from openctpat.testing.inspections import (
    make_applied_seal,
    make_batch,
    make_corrective_action,
    make_incident,
    make_inspection,
    make_template,
    notify,
    vvtt,
)
from openctpat.testing.profiles import make_site
from openctpat.testing.risk import make_assessment

pytestmark = pytest.mark.django_db

# Packaged template key -> (points, of which agricultural)
PACKAGED = {
    "container-7": (10, 3),
    "reefer-8": (11, 3),
    "tractor-trailer-17-msc": (20, 3),
    "tractor-trailer-17-legacy": (20, 3),
    "agricultural": (3, 3),
}


def png(colour=(200, 30, 30)) -> bytes:
    """A real 1x1 RGB PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(colour))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def photo(name="door.png", colour=(200, 30, 30)):
    return SimpleUploadedFile(name, png(colour), content_type="image/png")


def contributor_of(org):
    return add_member(org, Role.CONTRIBUTOR).user


def answer_all(org, inspection, fail_position=None):
    for point in inspection.points.all():
        if point.position == fail_position:
            services.record_point(
                org, owner_of(org), point, result="fail", note="Fresh weld on the front wall."
            )
    services.pass_remaining(org, owner_of(org), inspection)


def complete(org, inspection, seals=(), actor=None):
    return services.complete_inspection(
        org,
        actor or owner_of(org),
        inspection,
        signature_name="Ines Inspector",
        seal_numbers=[s.number if isinstance(s, Seal) else s for s in seals],
    )


def reload(obj):
    obj.refresh_from_db()
    return obj


# -- checklist templates ---------------------------------------------------------------------
class TestTemplates:
    def test_packaged_templates_installed_once_per_organisation(self, org_a, org_b):
        templates = services.templates_for(org_a)
        counts = {t.standard_key: t.point_count for t in templates}
        assert counts == {key: points for key, (points, _agri) in PACKAGED.items()}
        for template in templates:
            agricultural = template.points.filter(agricultural=True).count()
            assert agricultural == PACKAGED[template.standard_key][1]
            assert template.version == 1 and template.active and not template.used
        assert list(
            services.templates_for(org_a)
            .get(standard_key="container-7")
            .points.values_list("position", flat=True)
        ) == list(range(1, 11))
        # Again: nothing new, for this organisation or by an explicit install.
        assert services.templates_for(org_a).count() == 5
        assert services.install_standard_templates(org_a) == 0
        assert ChecklistTemplate.objects.for_org(org_a).count() == 5
        # Another organisation gets its own copies.
        assert services.templates_for(org_b).count() == 5
        assert ChecklistTemplate.objects.count() == 10

    def test_install_skips_a_template_whose_name_the_organisation_already_uses(self, org_a):
        services.create_template(
            org_a,
            owner_of(org_a),
            name="7-point container / IIT inspection",
            conveyance_type="container",
        )
        assert services.install_standard_templates(org_a) == 4
        assert ChecklistTemplate.objects.for_org(org_a).count() == 5

    def test_editing_points_of_a_used_template_raises_its_version(self, org_a, owner):
        template = make_template(org_a)
        inspection = make_inspection(org_a, template)
        template.refresh_from_db()
        assert template.used and template.version == 1
        assert (inspection.template_version, inspection.template_name) == (1, template.name)
        before = list(inspection.points.values_list("position", "title"))
        point = template.points.get(position=1)
        services.update_point(org_a, owner, point, title="Front wall and vents")
        template.refresh_from_db()
        assert template.version == 2 and not template.used
        # The inspection keeps its copy and the version it was done against.
        inspection.refresh_from_db()
        assert inspection.template_version == 1
        assert list(inspection.points.values_list("position", "title")) == before
        assert before[0] == (1, "Front wall")
        # The next edit, before any inspection used version 2, does not raise it again.
        services.add_point(org_a, owner, template, title="Seal bar", position=1)
        template.refresh_from_db()
        assert template.version == 2
        assert list(template.points.values_list("title", flat=True)[:2]) == [
            "Seal bar",
            "Front wall and vents",
        ]
        second = make_inspection(org_a, template)
        assert second.template_version == 2 and second.points.count() == 11
        services.delete_point(org_a, owner, template.points.get(title="Seal bar"))
        template.refresh_from_db()
        assert template.version == 3 and template.points.count() == 10
        assert inspection.points.count() == 10 and second.points.count() == 11

    def test_editing_an_unused_template_keeps_its_version(self, org_a, owner):
        template = make_template(org_a, name="Rail car check", conveyance_type="rail_car")
        point = services.add_point(org_a, owner, template, title="Brake housing")
        services.update_point(org_a, owner, point, guidance="Look inside the housing.")
        services.delete_point(org_a, owner, point)
        template.refresh_from_db()
        assert template.version == 1 and not template.used

    def test_the_last_point_cannot_be_deleted(self, org_a):
        template = make_template(org_a, name="One point", conveyance_type="other")
        (point,) = template.points.all()
        with pytest.raises(Conflict, match="at least one point"):
            services.delete_point(org_a, owner_of(org_a), point)
        assert template.points.count() == 1

    def test_duplicate_names_are_refused(self, org_a, owner, org_b):
        services.templates_for(org_a)
        name = "8-point refrigerated container inspection"
        with pytest.raises(Conflict) as exc:
            services.create_template(org_a, owner, name=name, conveyance_type="reefer")
        assert exc.value.field_errors == {"name": ["This name is taken."]}
        other = make_template(org_a, name="ULD check", conveyance_type="uld")
        with pytest.raises(Conflict):
            services.update_template(org_a, owner, other, name=name)
        services.update_template(org_a, owner, other, name="ULD check")  # its own name is fine
        # Another organisation may use the name.
        services.create_template(org_b, owner_of(org_b), name="ULD check", conveyance_type="uld")

    def test_copy_from_another_template(self, org_a, org_b):
        source = make_template(org_a)
        copy = services.create_template(
            org_a, owner_of(org_a), name="Air ULD", conveyance_type="uld", copy_from=source
        )
        assert list(copy.points.values_list("title", flat=True)) == list(
            source.points.values_list("title", flat=True)
        )
        with pytest.raises(ValidationFailed):
            services.create_template(
                org_b, owner_of(org_b), name="Stolen", conveyance_type="uld", copy_from=source
            )

    def test_bad_template_fields(self, org_a, owner):
        with pytest.raises(ValidationFailed):
            services.create_template(org_a, owner, name="X", conveyance_type="spaceship")
        with pytest.raises(ValidationFailed):
            services.create_template(org_a, owner, name="", conveyance_type="container")
        with pytest.raises(ValidationFailed, match="Unknown fields: version"):
            services.update_template(org_a, owner, make_template(org_a), version=9)


# -- inspections -----------------------------------------------------------------------------
class TestStartInspection:
    def test_points_are_copied_and_the_template_marked_used(self, org_a):
        template = make_template(org_a)
        inspection = make_inspection(org_a, template, container_number="csqu 305438-3")
        assert inspection.container_number == "CSQU3054383"
        assert inspection.status == InspectionStatus.IN_PROGRESS and inspection.result == ""
        assert inspection.inspector == owner_of(org_a)
        assert inspection.conveyance_type == "container"
        assert inspection.points.count() == 10
        assert inspection.points.filter(agricultural=True).count() == 3
        assert reload(template).used
        entry = AuditEntry.objects.for_org(org_a).get(
            object_type="inspections.inspection", object_id=str(inspection.pk)
        )
        assert entry.action == "create"

    def test_a_wrong_check_digit_is_refused_with_the_reason(self, org_a):
        with pytest.raises(ValidationFailed) as exc:
            make_inspection(org_a, container_number="CSQU3054384")
        assert "The check digit of CSQU305438 is 3, not 4" in exc.value.message
        assert list(exc.value.field_errors) == ["container_number"]

    def test_a_container_checklist_needs_the_container_number(self, org_a):
        with pytest.raises(ValidationFailed, match="needs the container number") as exc:
            make_inspection(org_a, container_number="", trailer_plate="ABC-123")
        assert list(exc.value.field_errors) == ["container_number"]
        reefer = services.templates_for(org_a).get(standard_key="reefer-8")
        with pytest.raises(ValidationFailed, match="needs the container number"):
            make_inspection(org_a, reefer, container_number="")

    def test_a_tractor_trailer_needs_a_trailer_or_plate(self, org_a):
        template = services.templates_for(org_a).get(standard_key="tractor-trailer-17-msc")
        by_plate = make_inspection(
            org_a, template, container_number="", truck_plate="TX 4711", shipment_reference=""
        )
        assert by_plate.points.count() == 20 and by_plate.truck_plate == "TX 4711"
        by_trailer = make_inspection(org_a, template, container_number="", trailer_number="T-88")
        assert by_trailer.trailer_number == "T-88"
        with pytest.raises(ValidationFailed, match="container number, trailer number or a"):
            make_inspection(org_a, template, container_number="")

    def test_the_inspector_must_be_a_member(self, org_a, org_b):
        with pytest.raises(ValidationFailed, match="The inspector must be a member"):
            make_inspection(org_a, inspector=make_user())
        with pytest.raises(ValidationFailed, match="The inspector must be a member"):
            make_inspection(org_a, inspector=owner_of(org_b))
        contributor = contributor_of(org_a)
        assert make_inspection(org_a, inspector=contributor).inspector == contributor

    def test_a_site_of_another_organisation_is_refused(self, org_a, org_b):
        with pytest.raises(ValidationFailed, match="No such site") as exc:
            make_inspection(org_a, site=make_site(org_b))
        assert list(exc.value.field_errors) == ["site_id"]
        with pytest.raises(ValidationFailed, match="Which site"):
            services.start_inspection(
                org_a, owner_of(org_a), make_template(org_a), container_number="CSQU3054383"
            )

    def test_an_inactive_or_foreign_template_is_refused(self, org_a, org_b):
        template = make_template(org_a)
        services.update_template(org_a, owner_of(org_a), template, active=False)
        with pytest.raises(ValidationFailed, match="retired"):
            make_inspection(org_a, template)
        with pytest.raises(ValidationFailed, match="No such checklist"):
            make_inspection(org_a, make_template(org_b), site=make_site(org_a))

    def test_a_checklist_without_points_cannot_be_used(self, org_a):
        empty = services.create_template(
            org_a, owner_of(org_a), name="Empty", conveyance_type="container"
        )
        with pytest.raises(Conflict, match="no points yet"):
            make_inspection(org_a, empty)
        assert not Inspection.objects.for_org(org_a).exists() and not reload(empty).used

    def test_no_inspection_in_the_future(self, org_a):
        with pytest.raises(ValidationFailed, match="future"):
            make_inspection(org_a, inspected_at=timezone.now() + datetime.timedelta(days=1))


class TestRecordPoint:
    def test_a_failed_point_needs_a_note(self, org_a):
        point = make_inspection(org_a).points.first()
        with pytest.raises(ValidationFailed, match="Point 1 failed: say what was found") as exc:
            services.record_point(org_a, owner_of(org_a), point, result="fail", note="  ")
        assert list(exc.value.field_errors) == ["note"]
        with pytest.raises(ValidationFailed, match="pass, fail or N/A"):
            services.record_point(org_a, owner_of(org_a), point, result="maybe")
        services.record_point(org_a, owner_of(org_a), point, result="fail", note="Hollow sound")
        point.refresh_from_db()
        assert (point.result, point.note) == ("fail", "Hollow sound")
        services.record_point(org_a, owner_of(org_a), point, result="na")
        assert reload(point).result == "na"

    def test_a_photo_goes_to_the_evidence_library(self, org_a):
        inspection = make_inspection(org_a)
        first, second = inspection.points.all()[:2]
        services.record_point(
            org_a, owner_of(org_a), first, result="fail", note="Loose bolt", photo=photo()
        )
        first.refresh_from_db()
        document = first.photo
        assert document is not None and document.organisation_id == org_a.pk
        assert document.title == f"Inspection {inspection.pk}, point 1: Front wall"
        version = document.versions.get()
        assert version.content_type == "image/png" and version.original_name == "door.png"
        # The same photo again (a retry from the phone) links the same document.
        services.record_point(org_a, owner_of(org_a), second, result="pass", photo=photo())
        assert reload(second).photo_id == document.pk
        assert EvidenceDocument.objects.for_org(org_a).count() == 1

    def test_a_photo_that_is_not_an_image_is_refused(self, org_a):
        point = make_inspection(org_a).points.first()
        fake = SimpleUploadedFile("door.png", b"%PDF-1.4\n" + b"0" * 50)
        with pytest.raises(ValidationFailed):
            services.record_point(org_a, owner_of(org_a), point, result="pass", photo=fake)

    def test_a_completed_inspection_no_longer_changes(self, org_a, owner):
        inspection = make_inspection(org_a)
        answer_all(org_a, inspection)
        complete(org_a, inspection)
        point = inspection.points.first()
        for attempt in (
            lambda: services.record_point(org_a, owner, point, result="fail", note="x"),
            lambda: services.update_inspection(org_a, owner, inspection, notes="later"),
            lambda: services.pass_remaining(org_a, owner, inspection),
            lambda: complete(org_a, inspection),
            lambda: services.delete_inspection(org_a, owner, inspection),
        ):
            with pytest.raises(Conflict, match="signed and completed"):
                attempt()
        assert reload(point).result == "pass"

    def test_an_open_inspection_can_be_updated_and_deleted(self, org_a, owner):
        inspection = make_inspection(org_a)
        services.update_inspection(org_a, owner, inspection, driver_name="Dana Driver")
        assert reload(inspection).driver_name == "Dana Driver"
        with pytest.raises(ValidationFailed, match="needs the container number"):
            services.update_inspection(org_a, owner, inspection, container_number="")
        services.delete_inspection(org_a, owner, inspection)
        assert not Inspection.objects.filter(pk=inspection.pk).exists()


class TestCompleteInspection:
    def test_unanswered_points_are_refused(self, org_a):
        inspection = make_inspection(org_a)
        services.record_point(org_a, owner_of(org_a), inspection.points.first(), result="pass")
        with pytest.raises(ValidationFailed, match="2, 3, 4, 5, 6, 7, 8, 9, 10 still open"):
            complete(org_a, inspection)
        assert reload(inspection).status == InspectionStatus.IN_PROGRESS

    def test_a_pass_applies_the_seals(self, org_a):
        inspection = make_inspection(
            org_a, container_number="MSKU9070323", shipment_reference="SHP-77"
        )
        batch = make_batch(org_a, size=5)
        first, second = batch.seals.all()[:2]
        assert services.pass_remaining(org_a, owner_of(org_a), inspection) == 10
        complete(org_a, inspection, [first, f"  {second.number} "])
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.COMPLETED
        assert inspection.result == InspectionResult.PASS
        assert inspection.signature_name == "Ines Inspector" and inspection.signed_at
        for seal in (reload(first), reload(second)):
            assert seal.state == SealState.APPLIED
            assert seal.inspection == inspection and seal.applied_at
            assert (seal.container_number, seal.shipment_reference) == ("MSKU9070323", "SHP-77")
            assert seal.issued_to == owner_of(org_a) and seal.issued_at
            assert list(seal.movements.values_list("event", "from_state", "to_state")) == [
                ("issue", "in_stock", "issued"),
                ("apply", "issued", "applied"),
            ]
            assert seal.movements.get(event="apply").site == inspection.site
        assert set(inspection.seals.all()) == {first, second}

    def test_a_tractor_trailer_seal_records_the_trailer(self, org_a):
        template = services.templates_for(org_a).get(standard_key="tractor-trailer-17-msc")
        inspection = make_inspection(
            org_a, template, container_number="", trailer_number="T-88", truck_plate="TX 1"
        )
        seal = make_batch(org_a, size=1).seals.get()
        answer_all(org_a, inspection)
        complete(org_a, inspection, [seal])
        assert reload(seal).container_number == "T-88"

    def test_a_failed_inspection_is_not_sealed(self, org_a):
        inspection = make_inspection(org_a)
        seal = make_batch(org_a, size=1).seals.get()
        answer_all(org_a, inspection, fail_position=1)
        with pytest.raises(ValidationFailed, match="must not be loaded or sealed"):
            complete(org_a, inspection, [seal])
        assert reload(seal).state == SealState.IN_STOCK
        assert not SealMovement.objects.for_org(org_a).exists()
        complete(org_a, inspection)
        inspection.refresh_from_db()
        assert inspection.result == InspectionResult.FAIL and inspection.is_completed

    def test_duplicate_and_unknown_seal_numbers_are_refused(self, org_a):
        inspection = make_inspection(org_a)
        seal = make_batch(org_a, size=1).seals.get()
        answer_all(org_a, inspection)
        with pytest.raises(ValidationFailed, match="same seal number is given twice"):
            complete(org_a, inspection, [seal, seal.number])
        with pytest.raises(NotFound, match="No seal numbered 'NOPE1'"):
            complete(org_a, inspection, [seal, "NOPE1"])
        # Nothing stuck: the seal is still in stock and the inspection open.
        assert reload(seal).state == SealState.IN_STOCK
        assert not reload(inspection).is_completed

    def test_a_signature_is_required(self, org_a):
        inspection = make_inspection(org_a)
        answer_all(org_a, inspection)
        with pytest.raises(ValidationFailed):
            services.complete_inspection(org_a, owner_of(org_a), inspection, signature_name=" ")


# -- seals -----------------------------------------------------------------------------------
class TestSealLife:
    def test_the_whole_life_is_logged(self, org_a, owner):
        seal = make_applied_seal(org_a)
        site = make_site(org_a)
        vvtt(org_a, seal, site=site)
        services.remove_seal(org_a, owner, reload(seal), note="Unloaded", site=site)
        seal.refresh_from_db()
        assert seal.state == SealState.REMOVED and seal.closed_at
        events = list(seal.movements.values_list("event", flat=True))
        assert events == ["issue", "apply", "verify", "remove"]
        entries = AuditEntry.objects.for_org(org_a).filter(
            object_type="inspections.seal", object_id=str(seal.pk)
        )
        assert entries.count() == 4

    def test_illegal_moves_are_refused(self, org_a, owner):
        inspection = make_inspection(org_a)
        stock, voided, issued = make_batch(org_a, size=3).seals.all()
        services.write_off_seal(org_a, owner, voided, "void", "Bent while fitting")
        with pytest.raises(Conflict, match="voided and cannot be applied: Bent while fitting"):
            services.apply_seal(org_a, owner, voided, inspection)
        services.issue_seal(org_a, owner, issued, owner)
        with pytest.raises(Conflict, match="cannot be issued"):
            services.issue_seal(org_a, owner, issued, owner)
        with pytest.raises(Conflict, match="cannot be returned to stock"):
            services.return_seal(org_a, owner, stock)
        with pytest.raises(Conflict, match="cannot be removed"):
            services.remove_seal(org_a, owner, stock)
        with pytest.raises(Conflict, match="not applied to a shipment"):
            vvtt(org_a, stock)
        with pytest.raises(Conflict, match="life is over"):
            services.write_off_seal(org_a, owner, voided, "lose", "Gone")
        used = make_applied_seal(org_a)
        with pytest.raises(Conflict, match="already used"):
            services.apply_seal(org_a, owner, used, inspection)
        vvtt(org_a, used)
        with pytest.raises(Conflict, match="not applied"):
            vvtt(org_a, used)  # verified twice
        services.remove_seal(org_a, owner, reload(used))
        with pytest.raises(Conflict, match="already used"):
            services.apply_seal(org_a, owner, reload(used), inspection)
        lost = make_batch(org_a, size=1).seals.get()
        services.write_off_seal(org_a, owner, lost, "lose", "Dropped in the harbour")
        with pytest.raises(Conflict, match="lost and cannot be applied"):
            services.apply_seal(org_a, owner, lost, inspection)
        with pytest.raises(Conflict, match="cannot be issued"):
            services.issue_seal(org_a, owner, lost, owner)

    def test_return_puts_an_issued_seal_back(self, org_a, owner):
        seal = make_batch(org_a, size=1).seals.get()
        services.issue_seal(org_a, owner, seal, owner)
        services.return_seal(org_a, owner, seal, note="Not needed")
        seal.refresh_from_db()
        assert seal.state == SealState.IN_STOCK and seal.issued_to is None
        assert seal.issued_at is None

    def test_a_write_off_needs_a_reason(self, org_a, owner):
        seal = make_batch(org_a, size=1).seals.get()
        for event in ("lose", "damage", "void"):
            with pytest.raises(ValidationFailed, match="Say why") as exc:
                services.write_off_seal(org_a, owner, seal, event, "   ")
            assert list(exc.value.field_errors) == ["reason"]
        with pytest.raises(ValidationFailed, match="lost, damaged or voided"):
            services.write_off_seal(org_a, owner, seal, "remove", "Because")
        services.write_off_seal(org_a, owner, seal, "damage", " Cracked shackle ")
        seal.refresh_from_db()
        assert seal.state == SealState.DAMAGED and seal.reason == "Cracked shackle"
        assert seal.closed_at
        assert seal.movements.get().note == "Cracked shackle"

    def test_a_contributor_who_is_not_an_issuer(self, org_a, owner):
        contributor = contributor_of(org_a)
        batch = make_batch(org_a, size=3)
        first, second, _third = batch.seals.all()
        inspection = make_inspection(org_a, inspector=contributor)
        assert not services.may_issue(org_a, contributor, batch)
        with pytest.raises(PermissionDenied, match="authorised issuers"):
            services.issue_seal(org_a, contributor, first, contributor)
        with pytest.raises(PermissionDenied, match="still in stock and you may not issue"):
            services.apply_seal(org_a, contributor, first, inspection)
        answer_all(org_a, inspection)
        with pytest.raises(PermissionDenied):
            complete(org_a, inspection, [first], actor=contributor)
        assert reload(first).state == SealState.IN_STOCK
        # An owner issues a seal to the contributor, who then applies it.
        services.issue_seal(org_a, owner, second, contributor)
        complete(org_a, inspection, [second], actor=contributor)
        second.refresh_from_db()
        assert second.state == SealState.APPLIED and second.issued_to == contributor
        assert second.movements.get(event="apply").by == contributor

    def test_a_batchs_issuers_may_issue(self, org_a, owner, org_b):
        issuer = contributor_of(org_a)
        batch = make_batch(org_a, size=3, issuers=[issuer])
        other_batch = make_batch(org_a, size=3)
        assert services.may_issue(org_a, issuer, batch)
        assert not services.may_issue(org_a, issuer, other_batch)
        services.issue_seal(org_a, issuer, batch.seals.first(), issuer)
        with pytest.raises(PermissionDenied):
            services.issue_seal(org_a, issuer, other_batch.seals.first(), issuer)
        # Issuers can be changed; an issuer applies straight from stock.
        services.update_batch(org_a, owner, other_batch, issuers=[issuer])
        inspection = make_inspection(org_a, inspector=issuer)
        services.apply_seal(org_a, issuer, other_batch.seals.first(), inspection)
        with pytest.raises(ValidationFailed, match="Every issuer must be a member"):
            make_batch(org_a, issuers=[owner_of(org_b)])
        with pytest.raises(ValidationFailed, match="issued to members only"):
            services.issue_seal(org_a, owner, batch.seals.last(), make_user())
        entry = AuditEntry.objects.for_org(org_a).filter(
            object_type="inspections.sealbatch", object_id=str(other_batch.pk), action="update"
        )
        assert entry.get().changes == {"issuers": [[], [issuer.pk]]}

    def test_seal_numbers_are_unique_per_organisation(self, org_a, org_b):
        batch = make_batch(org_a, first=500, size=10, prefix="AC", digits=6)
        assert batch.size == 10 and str(batch) == "TydenBrooks AC000500–AC000509"
        assert list(batch.seals.values_list("number", flat=True)[:2]) == ["AC000500", "AC000501"]
        with pytest.raises(Conflict, match="AC000505") as exc:
            make_batch(org_a, first=505, size=10, prefix="AC", digits=6)
        assert "first_number" in exc.value.field_errors
        assert Seal.objects.for_org(org_a).count() == 10
        # A different prefix, or another organisation, is fine.
        make_batch(org_a, first=505, size=10, prefix="XY", digits=6)
        make_batch(org_b, first=500, size=10, prefix="AC", digits=6)
        assert Seal.objects.for_org(org_b).filter(number="AC000500").exists()
        assert services.find_seal(org_a, "AC000500").organisation_id == org_a.pk
        receipt = AuditEntry.objects.for_org(org_a).get(
            object_type="inspections.sealbatch", object_id=str(batch.pk)
        )
        assert receipt.changes["seals"] == [None, 10]

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"first_number": 10, "last_number": 9}, "last_number", "comes after"),
            ({"first_number": 1, "last_number": 10_001}, "last_number", "At most 10,000"),
            ({"first_number": -1, "last_number": 5}, "first_number", "0 or more"),
            ({"first_number": "1", "last_number": 5}, "first_number", "whole number"),
            ({"first_number": 1, "last_number": 5, "digits": 21}, "digits", "0 to 20"),
            (
                {
                    "first_number": 1,
                    "last_number": 5,
                    "digits": 20,
                    "prefix": "ABCDEFGHIJKLMNOPQRSTU",
                },
                "prefix",
                "At most 10",
            ),
            ({"first_number": 1, "last_number": 5, "iso_class": "X"}, "iso_class", "H, S and I"),
            ({"first_number": 1, "last_number": 5, "manufacturer": ""}, "manufacturer", "required"),
        ],
    )
    def test_batch_limits(self, org_a, fields, field, message):
        with pytest.raises(ValidationFailed, match=message) as exc:
            make_batch(org_a, **fields)
        assert field in exc.value.field_errors
        assert not Seal.objects.for_org(org_a).exists()

    def test_a_batch_of_the_largest_size(self, org_a):
        batch = make_batch(org_a, first=0, size=10_000, prefix="", digits=0)
        assert batch.seals.count() == 10_000
        assert batch.seals.last().number == "9999"

    def test_numbers_beyond_the_database_columns_are_refused(self, org_a):
        with pytest.raises(ValidationFailed, match="at most 18 digits") as exc:
            make_batch(org_a, first=10**19, size=1, prefix="ABCDEFGHIJ", digits=20)
        assert list(exc.value.field_errors) == ["first_number"]
        with pytest.raises(ValidationFailed, match="at most 18 digits"):
            make_batch(org_a, first=10**18 - 1, size=2)
        batch = make_batch(org_a, first=10**18 - 2, size=2, prefix="ABCDEFGHIJ", digits=20)
        assert batch.seals.last().number == "ABCDEFGHIJ00999999999999999999"


# -- VVTT ------------------------------------------------------------------------------------
class TestVerify:
    def test_a_pass_verifies_the_seal(self, org_a):
        seal = make_applied_seal(org_a)
        site = make_site(org_a)
        check, incident = vvtt(org_a, seal, found=seal.number.lower(), site=site)
        assert incident is None and check.passed and check.number_matches
        assert check.site == site and check.verified_by == owner_of(org_a)
        seal.refresh_from_db()
        assert seal.state == SealState.VERIFIED and seal.verified_at == check.verified_at
        assert seal.movements.get(event="verify").note == "VVTT passed"
        assert not Incident.objects.for_org(org_a).exists()

    @pytest.mark.parametrize(
        ("found", "steps", "expect"),
        [
            ("TB999999", {}, "number on the seal is TB999999, documents say"),
            (None, {"tug_ok": False}, "tug"),
            (None, {"view_ok": False, "twist_ok": False}, "view; twist"),
        ],
    )
    def test_a_discrepancy_opens_a_cbp_reportable_incident(
        self, org_a, django_capture_on_commit_callbacks, found, steps, expect
    ):
        services.update_settings(org_a, owner_of(org_a), cbp_report_hours=6)
        second_owner = add_member(org_a, Role.OWNER).user
        add_member(org_a, Role.CONTRIBUTOR)
        inspection = make_inspection(org_a, shipment_reference="SHP-900")
        seal = make_applied_seal(org_a, inspection)
        with django_capture_on_commit_callbacks(execute=True):
            check, incident = vvtt(org_a, seal, found=found, **steps)
        assert not check.passed and check.number_matches == (found is None)
        seal.refresh_from_db()
        assert seal.state == SealState.VERIFIED  # the check is recorded
        assert seal.movements.get(event="verify").note == "VVTT discrepancy"
        incident.refresh_from_db()
        assert incident.incident_type == IncidentType.SEAL_DISCREPANCY
        assert incident.cbp_reportable and incident.cbp_reported_at is None
        assert incident.cbp_report_due_at == incident.occurred_at + datetime.timedelta(hours=6)
        assert incident.occurred_at == check.verified_at
        assert (incident.seal, incident.inspection) == (seal, inspection)
        assert incident.shipment_reference == "SHP-900" and incident.site == check.site
        assert incident.severity == "high" and incident.status == IncidentStatus.OPEN
        assert expect in incident.description
        (message,) = mail.outbox
        assert sorted(message.to) == sorted([owner_of(org_a).email, second_owner.email])
        assert incident.title in message.subject
        assert "must be reported to CBP by" in message.body

    def test_an_unknown_seal_number_is_refused(self, org_a):
        with pytest.raises(ValidationFailed, match="No seal numbered 'ZZ1'"):
            vvtt(org_a, "ZZ1")

    def test_a_seal_of_another_organisation_is_not_found(self, org_a, org_b):
        seal = make_applied_seal(org_b)
        with pytest.raises(ValidationFailed, match="No seal numbered"):
            vvtt(org_a, seal)
        with pytest.raises(ValidationFailed, match="No such site"):
            vvtt(org_b, seal, site=make_site(org_a))
        assert reload(seal).state == SealState.APPLIED


# -- incidents -------------------------------------------------------------------------------
class TestIncidents:
    def test_reportable_types_get_a_deadline(self, org_a):
        when = timezone.now() - datetime.timedelta(hours=2)
        reportable = make_incident(org_a, incident_type="tampering", occurred_at=when)
        assert reportable.cbp_reportable
        assert reportable.cbp_report_due_at == when + datetime.timedelta(hours=24)
        other = make_incident(org_a, incident_type="cyber", occurred_at=when)
        assert not other.cbp_reportable and other.cbp_report_due_at is None
        assert list(services.overdue_cbp_reports(org_a)) == []
        assert list(
            services.overdue_cbp_reports(org_a, now=when + datetime.timedelta(hours=25))
        ) == [reportable]
        assert services.incident_counts(org_a) == {"open": 2, "cbp_due": 1}

    def test_changing_the_type_recomputes_the_deadline(self, org_a, owner):
        when = timezone.now() - datetime.timedelta(hours=1)
        incident = make_incident(org_a, occurred_at=when)
        assert not incident.cbp_reportable
        services.update_incident(org_a, owner, incident, incident_type="contraband")
        incident.refresh_from_db()
        assert incident.cbp_reportable
        assert incident.cbp_report_due_at == when + datetime.timedelta(hours=24)
        earlier = when - datetime.timedelta(hours=5)
        services.update_incident(org_a, owner, incident, occurred_at=earlier)
        assert reload(incident).cbp_report_due_at == earlier + datetime.timedelta(hours=24)
        services.update_incident(org_a, owner, incident, incident_type="other")
        incident.refresh_from_db()
        assert not incident.cbp_reportable and incident.cbp_report_due_at is None
        services.update_incident(org_a, owner, incident, investigation_notes="CCTV reviewed.")
        assert reload(incident).status == IncidentStatus.INVESTIGATING
        changes = [
            e.changes
            for e in AuditEntry.objects.for_org(org_a)
            .filter(object_type="inspections.incident", object_id=str(incident.pk))
            .order_by("seq")
        ]
        assert "incident_type" in changes[0]
        assert changes[1]["incident_type"] == ["suspicious_activity", "contraband"]
        assert changes[1]["cbp_reportable"] == [False, True]
        assert changes[4]["status"] == ["open", "investigating"]

    def test_bad_incident_fields(self, org_a, org_b):
        with pytest.raises(ValidationFailed):
            make_incident(org_a, incident_type="alien")
        with pytest.raises(ValidationFailed):
            make_incident(org_a, severity="extreme")
        with pytest.raises(ValidationFailed, match="future"):
            make_incident(org_a, occurred_at=timezone.now() + datetime.timedelta(days=1))
        with pytest.raises(ValidationFailed, match="No such site"):
            make_incident(org_a, site=make_site(org_b))
        with pytest.raises(ValidationFailed, match="No such seal"):
            make_incident(org_a, seal=make_batch(org_b, size=1).seals.get())

    def test_a_new_incident_is_escalated_to_the_owners(
        self, org_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            make_incident(org_a, title="Fence cut")
        (message,) = mail.outbox
        assert message.to == [owner_of(org_a).email] and "Fence cut" in message.subject
        assert "CBP" not in message.body

    def test_telling_cbp_meets_the_deadline(self, org_a):
        incident = make_incident(org_a, incident_type="seal_discrepancy")
        notify(org_a, incident, party="internal", contact="CEO")
        assert reload(incident).cbp_reported_at is None
        told = timezone.now() - datetime.timedelta(minutes=30)
        notify(
            org_a,
            incident,
            contact="Port of Laredo",
            method="email",
            notified_at=told,
            reference="CBP-123",
        )
        incident.refresh_from_db()
        assert incident.cbp_reported_at == told and incident.cbp_report_reference == "CBP-123"
        # A second CBP notification does not move the first report.
        notify(org_a, incident, contact="SCSS", reference="X")
        incident.refresh_from_db()
        assert incident.cbp_reported_at == told and incident.cbp_report_reference == "CBP-123"
        assert incident.notifications.count() == 3
        assert services.incident_counts(org_a)["cbp_due"] == 0
        with pytest.raises(ValidationFailed, match="Choose who"):
            notify(org_a, incident, party="press", contact="Daily")
        with pytest.raises(ValidationFailed, match="future"):
            notify(org_a, incident, notified_at=timezone.now() + datetime.timedelta(days=1))

    def test_closing(self, org_a, owner):
        incident = make_incident(org_a, incident_type="tampering")
        close = {"root_cause": "Seal cut in transit", "closure_note": "Carrier retrained."}
        with pytest.raises(Conflict, match="reported to CBP before it is closed"):
            services.close_incident(org_a, owner, incident, Role.OWNER, **close)
        notify(org_a, incident)
        action = make_corrective_action(
            org_a, incident, title="Retrain the carrier", owner=owner, due_date=timezone.localdate()
        )
        assert reload(incident).status == IncidentStatus.INVESTIGATING
        with pytest.raises(Conflict, match="1 corrective action"):
            services.close_incident(org_a, owner, incident, Role.OWNER, **close)
        services.update_corrective_action(org_a, owner, action, status="done")
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE and action.completed_at
        contributor = contributor_of(org_a)
        with pytest.raises(PermissionDenied, match="Only an owner"):
            services.close_incident(org_a, contributor, incident, Role.CONTRIBUTOR, **close)
        with pytest.raises(ValidationFailed):
            services.close_incident(
                org_a, owner, incident, Role.OWNER, root_cause=" ", closure_note="x"
            )
        services.close_incident(org_a, owner, incident, Role.OWNER, **close)
        incident.refresh_from_db()
        assert incident.is_closed and incident.closed_by == owner and incident.closed_at
        assert incident.root_cause == "Seal cut in transit"
        for attempt in (
            lambda: services.update_incident(org_a, owner, incident, title="Changed"),
            lambda: notify(org_a, incident),
            lambda: services.add_corrective_action(org_a, owner, incident, title="More"),
            lambda: services.update_corrective_action(org_a, owner, action, status="open"),
            lambda: services.attach_files(org_a, owner, incident, [photo()]),
            lambda: services.close_incident(org_a, owner, incident, Role.OWNER, **close),
        ):
            with pytest.raises(Conflict, match="closed"):
                attempt()
        assert services.incident_counts(org_a) == {"open": 0, "cbp_due": 0}

    def test_a_cancelled_action_does_not_hold_the_closure(self, org_a, owner):
        incident = make_incident(org_a)
        action = make_corrective_action(org_a, incident, title="Maybe")
        services.update_corrective_action(org_a, owner, action, status="cancelled")
        services.close_incident(
            org_a, owner, incident, Role.OWNER, root_cause="None", closure_note="False alarm"
        )
        assert reload(incident).is_closed

    def test_files_are_attached_through_the_evidence_library(self, org_a):
        incident = make_incident(org_a)
        (document,) = services.attach_files(org_a, owner_of(org_a), incident, [photo("cut.png")])
        assert list(incident.files.all()) == [document]
        assert document.title == f"Incident {incident.pk}: cut.png"

    def test_a_corrective_action_on_the_risk_plan(self, org_a, owner):
        incident = make_incident(org_a, title="Seal cut")
        with pytest.raises(ValidationFailed, match="no risk assessment yet") as exc:
            make_corrective_action(org_a, incident, title="Audit the carrier", on_risk_plan=True)
        assert list(exc.value.field_errors) == ["on_risk_plan"]
        make_assessment(org_a, assessment_date=timezone.localdate() - datetime.timedelta(days=400))
        latest = make_assessment(org_a, assessment_date=timezone.localdate())
        due = timezone.localdate() + datetime.timedelta(days=20)
        action = make_corrective_action(
            org_a,
            incident,
            title="Audit the carrier",
            description="Visit the yard.",
            owner=owner,
            due_date=due,
            on_risk_plan=True,
        )
        risk_action = action.risk_action
        assert risk_action.assessment == latest
        made = (risk_action.title, risk_action.owner, risk_action.due_date)
        assert made == ("Audit the carrier", owner, due)
        assert f"From incident {incident.pk}: Seal cut." in risk_action.description
        services.update_corrective_action(
            org_a, owner, action, status="done", completion_note="Yard visited."
        )
        risk_action.refresh_from_db()
        assert risk_action.status == ActionStatus.DONE and risk_action.completed_at
        assert risk_action.completion_note == "Yard visited."
        services.update_corrective_action(org_a, owner, action, status="in_progress")
        risk_action.refresh_from_db()
        assert risk_action.status == ActionStatus.IN_PROGRESS and risk_action.completed_at is None

    def test_a_corrective_action_owner_must_be_a_member(self, org_a):
        with pytest.raises(ValidationFailed, match="must be a member"):
            make_corrective_action(org_a, title="X", owner=make_user())

    def test_reminders(self, org_a, owner):
        today = timezone.localdate()
        assert reminders.due_reminders(org_a, today) == []
        make_batch(org_a, size=2)
        unreported = make_incident(org_a, incident_type="stolen_cargo", title="Trailer stolen")
        reported = make_incident(org_a, incident_type="contraband")
        notify(org_a, reported)
        day = datetime.timedelta(days=1)
        soon = make_corrective_action(org_a, title="Fix the gate", due_date=today + 3 * day)
        make_corrective_action(org_a, title="Replace the fence", due_date=today + 60 * day)
        done = make_corrective_action(org_a, title="Done already", due_date=today)
        services.update_corrective_action(org_a, owner, done, status="done")
        due = reminders.due_reminders(org_a, today)
        assert [(d.kind, d.object_id) for d in due] == [
            ("seal_audit", org_a.pk),
            ("incident_cbp_report", unreported.pk),
            ("incident_action", soon.pk),
        ]
        audit_due, cbp, action = due
        assert audit_due.due_date == today and audit_due.recipients == [owner.email]
        assert "Trailer stolen" in cbp.line and "to CBP by" in cbp.line
        assert cbp.due_date == timezone.localtime(unreported.cbp_report_due_at).date()
        assert "Fix the gate" in action.line and action.recipients == [owner.email]
        # A signed-off audit pushes the seal audit reminder out of the notice window.
        count = services.record_seal_audit(org_a, owner, audited_on=today, counted_numbers=[])
        services.sign_off_seal_audit(org_a, owner, count, Role.OWNER)
        kinds = [d.kind for d in reminders.due_reminders(org_a, today)]
        assert "seal_audit" not in kinds
        later = today + datetime.timedelta(days=80)
        assert "seal_audit" in [d.kind for d in reminders.due_reminders(org_a, later)]

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from openctpat.core.errors import Conflict, NotFound, ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.profiles import services
from openctpat.profiles.models import Answer, AnswerStatus, EvidenceVersion, ReviewStatus
from openctpat.testing import add_member, make_org, owner_of
from openctpat.testing.profiles import holding_importer, make_document, make_profile, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(org_a):
    return make_profile(org_a, per_site=False)


def answer_for(profile, criterion_id) -> Answer:
    return profile.answers.select_related("criterion").get(criterion__criterion_id=criterion_id)


def test_profile_gets_one_answer_per_criterion(profile):
    assert profile.answers.count() == profile.criteria_set.criteria.count()
    assert set(profile.answers.values_list("status", flat=True)) == {AnswerStatus.NOT_STARTED}


def test_profile_needs_an_entity_type_the_organisation_holds(org_a):
    with pytest.raises(ValidationFailed, match="does not hold"):
        services.create_profile(org_a, owner_of(org_a), entity_type="importer")


def test_one_profile_per_entity_type_and_site(org_a, profile):
    with pytest.raises(Conflict):
        services.create_profile(org_a, owner_of(org_a), entity_type="importer")
    site = services.create_site(
        org_a, owner_of(org_a), name="Newark DC", country="us", site_type="warehouse"
    )
    assert site.country == "US"
    per_site = services.create_profile(org_a, owner_of(org_a), entity_type="importer", site=site)
    assert str(per_site).endswith("Newark DC")


def test_site_validation(org_a):
    owner = owner_of(org_a)
    with pytest.raises(ValidationFailed, match="not an ISO 3166"):
        services.create_site(org_a, owner, name="X", country="XX", site_type="warehouse")
    with pytest.raises(ValidationFailed, match="Choose one of"):
        services.create_site(org_a, owner, name="X", country="MX", site_type="castle")
    services.create_site(org_a, owner, name="X", country="MX", site_type="factory")
    with pytest.raises(Conflict, match="already exists"):
        services.create_site(org_a, owner, name="X", country="MX", site_type="factory")


def test_answer_update_is_audited(org_a, profile):
    owner = owner_of(org_a)
    answer = answer_for(profile, "1.1")
    services.update_answer(org_a, owner, answer, status="meets", narrative=" Signed by CEO. ")
    answer.refresh_from_db()
    assert answer.narrative == "Signed by CEO."
    entry = AuditEntry.objects.for_org(org_a).filter(object_type="profiles.answer").first()
    assert entry.changes["status"] == ["not_started", "meets"]


def test_not_applicable_needs_a_justification(org_a, profile):
    answer = answer_for(profile, "1.1")  # a Should
    with pytest.raises(ValidationFailed, match="N/A justification"):
        services.update_answer(org_a, owner_of(org_a), answer, status="not_applicable")
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.NOT_STARTED
    services.update_answer(
        org_a, owner_of(org_a), answer, status="not_applicable", na_justification="No offices."
    )


def test_must_not_applicable_needs_an_override_reason_kept_in_the_audit(org_a, profile):
    answer = answer_for(profile, "6.2")
    assert answer.criterion.is_must
    with pytest.raises(ValidationFailed, match="is a Must") as refused:
        services.update_answer(
            org_a, owner_of(org_a), answer, status="not_applicable", na_justification="No seals."
        )
    assert "must_override_reason" in refused.value.field_errors
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.NOT_STARTED
    services.update_answer(
        org_a,
        owner_of(org_a),
        answer,
        status="not_applicable",
        na_justification="We ship only by air in ULDs sealed by the carrier.",
        must_override_reason="Approved by the PCSO after the 2026 risk assessment.",
    )
    override = AuditEntry.objects.for_org(org_a).get(action=services.MUST_NA_OVERRIDE)
    assert override.changes["criterion"] == "6.2"
    assert "2026 risk assessment" in override.changes["reason"]


def test_owner_must_be_a_member(org_a, profile):
    stranger = owner_of(make_org())
    with pytest.raises(ValidationFailed, match="member"):
        services.update_answer(org_a, owner_of(org_a), answer_for(profile, "1.1"), owner=stranger)


def test_evidence_upload_versions_and_duplicates(org_a):
    owner = owner_of(org_a)
    document = make_document(org_a, "Seal policy v1", review_date=datetime.date(2027, 1, 1))
    v1 = document.current
    assert v1.number == 1 and len(v1.sha256) == 64 and v1.size == len("Seal policy v1")
    assert "policy" not in v1.file.name and str(org_a.pk) in v1.file.name
    with pytest.raises(Conflict, match="already in the evidence library"):
        make_document(org_a, "Seal policy v1", name="copy.txt")
    with pytest.raises(Conflict, match="identical to the current version"):
        services.upload_new_version(org_a, owner, document, text_file("Seal policy v1"))
    v2 = services.upload_new_version(org_a, owner, document, text_file("Seal policy v2"))
    document.refresh_from_db()
    assert document.current == v2 and v2.number == 2
    assert EvidenceVersion.objects.filter(document=document).count() == 2
    assert v1.file.open("rb").read() == b"Seal policy v1"


def test_same_file_in_another_organisation_is_not_a_duplicate(org_a, org_b):
    make_document(org_a, "Shared template")
    make_document(org_b, "Shared template")


def test_wrong_type_and_oversized_uploads_are_refused(org_a):
    owner = owner_of(org_a)
    exe = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationFailed, match="does not take") as refused:
        services.upload_evidence(org_a, owner, exe)
    assert "file" in refused.value.field_errors
    with override_settings(CTPAT_EVIDENCE_MAX_BYTES=1024):
        big = SimpleUploadedFile("big.txt", b"a" * 2048)
        with pytest.raises(ValidationFailed, match="limit is"):
            services.upload_evidence(org_a, owner, big)
    assert not EvidenceVersion.objects.for_org(org_a).exists()


def test_linking_evidence_from_another_organisation_is_refused(org_a, org_b, profile):
    foreign = make_document(org_b, "Theirs")
    with pytest.raises(NotFound):
        services.link_evidence(org_a, owner_of(org_a), answer_for(profile, "1.1"), foreign)


def test_completeness_moves_with_answers_and_evidence(org_a, profile):
    owner = owner_of(org_a)
    before = services.completeness(profile)
    assert before.overall.answered == 0 and before.overall.total == profile.answers.count()
    answer = answer_for(profile, "6.2")
    services.update_answer(org_a, owner, answer, status="meets", narrative="ISO 17712 H seals.")
    after = services.completeness(profile)
    assert after.overall.answered == 1 and after.overall.meets == 1
    assert after.overall.musts_not_met == before.overall.musts_not_met - 1
    seals = next(t for t in after.categories if t.number == 6)
    assert seals.answered == 1 and seals.without_evidence == seals.total
    expired = make_document(
        org_a, "Old cert", review_date=timezone.localdate() - datetime.timedelta(1)
    )
    services.link_evidence(org_a, owner, answer, expired)
    final = services.completeness(profile)
    assert final.overall.without_evidence == before.overall.without_evidence - 1
    assert final.overall.evidence_expired == 1


def test_gap_list_filters_and_reasons(org_a, profile):
    owner = owner_of(org_a)
    contributor = add_member(org_a, Role.CONTRIBUTOR).user
    met = answer_for(profile, "6.2")
    services.update_answer(org_a, owner, met, status="meets", owner=contributor)
    services.link_evidence(org_a, owner, met, make_document(org_a, "Seal SOP"))
    gaps = services.gaps(profile)
    assert met.pk not in {a.pk for a in gaps}
    assert gaps.count() == profile.answers.count() - 1
    assert gaps[0].criterion.is_must  # Musts first
    partial = answer_for(profile, "6.1")
    services.update_answer(org_a, owner, partial, status="partially_meets", owner=contributor)
    mine = list(services.gaps(profile, owner_id=contributor.pk))
    assert [a.criterion.criterion_id for a in mine] == ["6.1"]
    assert services.gap_reasons(mine[0]) == ["partially meets", "no evidence"]
    shoulds = services.gaps(profile, category=1, requirement="should")
    assert {a.criterion.criterion_id for a in shoulds} == {"1.1", "1.2"}


def test_annual_review_window_affirm_update_complete(org_a, profile):
    owner = owner_of(org_a)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="anniversary date first"):
        services.start_review(org_a, owner, profile)
    services.update_profile(org_a, owner, profile, anniversary_date=today + datetime.timedelta(120))
    with pytest.raises(Conflict, match="window opens on"):
        services.start_review(org_a, owner, profile)
    anniversary = today + datetime.timedelta(60)
    services.update_profile(org_a, owner, profile, anniversary_date=anniversary)
    window = services.review_window(profile)
    assert window.is_open and window.days_left == 60
    review = services.start_review(org_a, owner, profile)
    with pytest.raises(Conflict, match="already open"):
        services.start_review(org_a, owner, profile)

    changed = answer_for(profile, "1.1")
    services.update_answer(org_a, owner, changed, status="meets", narrative="Signed 2026.")
    services.affirm_answer(org_a, owner, review, answer_for(profile, "1.2"))
    progress = services.review_progress(review)
    assert (progress.updated, progress.affirmed) == (1, 1)
    with pytest.raises(Conflict, match="neither re-affirmed nor updated"):
        services.complete_review(org_a, owner, review)
    services.affirm_all_remaining(org_a, owner, review)
    services.complete_review(org_a, owner, review)
    review.refresh_from_db()
    profile.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    assert profile.anniversary_date == anniversary.replace(year=anniversary.year + 1)
    item = review.items.get(answer=changed)
    assert item.outcome == "updated" and item.snapshot["narrative"] == "Signed 2026."
    # past reviews are read-only; a later change does not touch them
    services.update_answer(org_a, owner, changed, narrative="Signed 2027.")
    item.refresh_from_db()
    assert item.snapshot["narrative"] == "Signed 2026."
    with pytest.raises(Conflict, match="read-only"):
        services.affirm_answer(org_a, owner, review, changed)


def test_dashboard_shows_days_left_and_progress(org_a, profile):
    owner = owner_of(org_a)
    services.update_profile(
        org_a, owner, profile, anniversary_date=timezone.localdate() + datetime.timedelta(10)
    )
    review = services.start_review(org_a, owner, profile)
    services.affirm_answer(org_a, owner, review, answer_for(profile, "1.1"))
    (row,) = services.dashboard(org_a)["profiles"]
    assert row.window.days_left == 10
    assert row.review_progress.done == 1 and row.review_progress.total == profile.answers.count()


def test_migration_to_a_new_version_keeps_unchanged_and_flags_the_rest(org_a, profile, tmp_path):
    from openctpat.catalog import services as catalog
    from openctpat.catalog.tests.test_services import importer_doc, newer_version, write

    owner = owner_of(org_a)
    for cid in ("1.1", "1.2", "1.3"):
        services.update_answer(
            org_a, owner, answer_for(profile, cid), status="meets", narrative=f"Answer {cid}"
        )
    target = catalog.load_file(write(tmp_path, newer_version(importer_doc()))).criteria_set
    result = services.migrate_profile(org_a, owner, profile, target)
    assert (result.flagged, result.added, result.retired) == (2, 1, 1)  # 1.2, 2.1 | 1.9 | 1.1
    profile.refresh_from_db()
    assert profile.criteria_set == target
    kept = answer_for(profile, "1.3")
    assert kept.narrative == "Answer 1.3" and not kept.needs_review
    assert kept.criterion.criteria_set == target
    reworded = answer_for(profile, "1.2")
    assert reworded.needs_review and reworded.narrative == "Answer 1.2"
    assert answer_for(profile, "1.9").needs_review
    assert profile.answers.get(criterion__criterion_id="1.1").retired
    assert services.active_answers(profile).count() == target.criteria.count()
    with pytest.raises(Conflict):
        services.migrate_profile(org_a, owner, profile, target)


def test_holding_importer_helper_is_idempotent(org_a):
    holding_importer(org_a)
    holding_importer(org_a)
    org_a.refresh_from_db()
    assert org_a.entity_types.count("importer") == 1

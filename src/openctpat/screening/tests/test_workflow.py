"""Screening in the program: partners screened on creation and change, alerts, dispositions,
false positives remembered, four eyes, rescreening when a list changes, and the tier."""

import pytest
from django.core import mail

from openctpat.core.errors import Conflict, PermissionDenied, ValidationFailed
from openctpat.core.permissions import Role
from openctpat.partners import services as partner_services
from openctpat.partners.models import BusinessPartner
from openctpat.screening import services
from openctpat.screening.models import Alert, AlertStatus, RescreenRun
from openctpat.testing import add_member, owner_of
from openctpat.testing.partners import make_partner
from openctpat.testing.screening import SAMPLE, entry, make_alert, make_version

pytestmark = pytest.mark.django_db


def test_without_a_list_partners_are_not_screened(org_a):
    partner = make_partner(org_a, legal_name="Golden Crescent Shipping Co.")
    assert not partner.screenings.exists()
    screening = next(r for r in partner.tier_reasons if r["factor"] == "screening")
    assert "Not screened" in screening["detail"]


def test_a_new_partner_on_the_list_raises_an_alert_and_owners_are_told(org_a):
    make_version()
    partner = make_partner(org_a, legal_name="Golden Crescent Shipping Co.", country="IR")
    alert = partner.alerts.get()
    assert (alert.list_name, alert.entry_id, alert.status) == ("sdn", "1001", "open")
    assert alert.explanation and alert.score >= services.threshold_for(org_a)
    assert "potential match" in mail.outbox[-1].subject
    partner.refresh_from_db()
    reason = next(r for r in partner.tier_reasons if r["factor"] == "screening")
    assert reason["detail"].startswith("Screening: potential")


def test_a_clean_partner_is_screened_clear_and_keeps_the_evidence(org_a):
    version = make_version()
    partner = make_partner(org_a, legal_name="Maple Leaf Customs Brokers", country="CA")
    screening = partner.screenings.get()
    assert screening.outcome == "clear" and list(screening.versions.all()) == [version]
    assert screening.reason == "created"
    partner.refresh_from_db()
    reason = next(r for r in partner.tier_reasons if r["factor"] == "screening")
    assert reason["detail"] == "Screened: no restricted-party match."


def test_a_name_change_rescreens(org_a):
    make_version()
    partner = make_partner(org_a, legal_name="Maple Leaf Customs Brokers", country="CA")
    partner_services.update_partner(
        org_a, owner_of(org_a), partner, legal_name="Novotech Industrial Supply LLC"
    )
    assert partner.screenings.count() == 2 and partner.alerts.get().entry_id == "1003"
    partner_services.update_partner(org_a, owner_of(org_a), partner, notes="just a note")
    assert partner.screenings.count() == 2  # no name or country change: no screening


def test_a_false_positive_is_remembered_until_a_name_changes(org_a):
    alert = make_alert(org_a)
    with pytest.raises(ValidationFailed):
        services.mark_false_positive(org_a, owner_of(org_a), alert, "  ")
    services.mark_false_positive(org_a, owner_of(org_a), alert, "Different company, in Canada")
    partner = alert.partner
    services.screen_partner(org_a, partner, reason="manual")
    assert partner.alerts.count() == 1  # not raised again
    partner_services.update_partner(
        org_a, owner_of(org_a), partner, legal_name="Golden Crescent Shipping Company"
    )
    assert partner.alerts.filter(status="open").count() == 1  # the name changed: raised again
    with pytest.raises(Conflict):
        services.mark_false_positive(org_a, owner_of(org_a), alert, "again")


def test_a_changed_list_entry_is_raised_again_despite_a_false_positive(org_a):
    alert = make_alert(org_a)
    services.mark_false_positive(org_a, owner_of(org_a), alert, "Not them")
    changed = [
        entry("1001", "GOLDEN CRESCENT SHIPPING COMPANY", "GOLDEN CRESCENT LINES"),
        *SAMPLE[1:],
    ]
    make_version(changed)
    services._index_cache.clear()
    services.screen_partner(org_a, alert.partner, reason="list_update")
    assert alert.partner.alerts.filter(status="open").count() == 1


def test_a_true_match_suspends_the_partner_and_makes_it_high(org_a):
    alert = make_alert(org_a)
    services.mark_true_match(org_a, owner_of(org_a), alert, "Same IMO number")
    partner = BusinessPartner.objects.get(pk=alert.partner_id)
    assert partner.status == "suspended" and partner.risk_tier == "High"
    assert any(r["factor"] == "override" for r in partner.tier_reasons)
    assert "confirmed restricted-party match" in mail.outbox[-1].subject
    assert partner.screenings.first().outcome == "confirmed_match"


def test_four_eyes_needs_a_second_reviewer(org_a):
    services.update_settings(org_a, owner_of(org_a), four_eyes=True)
    alert = make_alert(org_a)
    first = owner_of(org_a)
    services.mark_true_match(org_a, first, alert, "Same address")
    assert alert.status == AlertStatus.PENDING_CONFIRMATION
    assert BusinessPartner.objects.get(pk=alert.partner_id).status == "active"
    with pytest.raises(PermissionDenied):
        services.confirm_true_match(org_a, first, alert)
    second = add_member(org_a, Role.CONTRIBUTOR).user
    services.confirm_true_match(org_a, second, alert)
    alert.refresh_from_db()
    assert alert.status == "true_match" and alert.confirmed_by == second
    assert BusinessPartner.objects.get(pk=alert.partner_id).status == "suspended"


def test_the_second_reviewer_can_send_it_back(org_a):
    services.update_settings(org_a, owner_of(org_a), four_eyes=True)
    alert = make_alert(org_a)
    services.mark_true_match(org_a, owner_of(org_a), alert, "Looks like them")
    other = add_member(org_a, Role.CONTRIBUTOR).user
    services.confirm_true_match(org_a, other, alert, confirm=False, reason="Different DOB")
    assert alert.status == "open" and alert.decided_by is None


def test_a_new_list_version_rescreens_everyone_and_a_partner_becomes_listed(org_a, org_b):
    make_version()
    clean = make_partner(org_a, legal_name="Baltic Amber Freight", country="EE")
    other_org = make_partner(org_b, legal_name="Baltic Amber Freight", country="EE")
    assert not clean.alerts.exists()
    newly = [*SAMPLE, entry("2001", "BALTIC AMBER FREIGHT", countries=("EE",))]
    version = make_version(newly, rescreen=True)  # the task runs at once in tests
    run = RescreenRun.objects.get(version=version)
    assert run.total >= 2 and run.done == run.total and run.finished_at and run.alerts_raised >= 2
    assert clean.alerts.get().entry_id == "2001"
    assert other_org.alerts.get().entry_id == "2001"  # every organisation is rescreened
    assert clean.screenings.first().reason == "list_update"
    assert Alert.objects.for_org(org_a).count() == 1


def test_a_loaded_version_keeps_the_previous_one_as_evidence(org_a):
    first = make_version()
    second = make_version([*SAMPLE])
    first.refresh_from_db()
    assert second.active and not first.active
    with pytest.raises(Conflict):
        services.store_parsed(type("P", (), {"source": "sdn", "file_sha256": second.file_sha256})())


def test_ad_hoc_screening_keeps_evidence_and_raises_no_alert(org_a):
    make_version()
    screening = services.screen_name(org_a, owner_of(org_a), "Ali Mohammed Hassan", "SY")
    assert screening.outcome == "potential_match"
    top = screening.matches[0]
    assert top["entry_id"] == "1002" and top["explanation"]
    assert not Alert.objects.for_org(org_a).exists()
    clear = services.screen_name(org_a, owner_of(org_a), "Maple Leaf Customs Brokers")
    assert clear.outcome == "clear" and clear.matches == []


def test_generic_words_alone_do_not_raise_alerts(org_a):
    make_version()
    partner = make_partner(org_a, legal_name="International Shipping Company LLC", country="US")
    assert not partner.alerts.exists()


def test_the_partner_export_prints_the_last_screening(org_a):
    from openctpat.partners import exports
    from openctpat.partners.models import BusinessPartner

    make_version()
    make_partner(org_a, legal_name="Maple Leaf Customs Brokers", country="CA")
    make_partner(org_a, legal_name="Golden Crescent Shipping Co.", country="IR")
    partners = BusinessPartner.objects.for_org(org_a)
    text = exports.build_csv(org_a, None, partners).decode("utf-8-sig")
    assert "clear on " in text and "potential match on " in text

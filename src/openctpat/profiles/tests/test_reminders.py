import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from openctpat.core.permissions import Role
from openctpat.profiles import services
from openctpat.profiles.reminders import send_reminders, send_reminders_task
from openctpat.testing import add_member, owner_of
from openctpat.testing.profiles import make_document, make_profile

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_reminders_are_sent_once_per_due_date(org_a):
    owner = owner_of(org_a)
    contributor = add_member(org_a, Role.CONTRIBUTOR).user
    document = make_document(
        org_a, title="Seal audit", review_date=TODAY + datetime.timedelta(days=10)
    )
    make_document(org_a, title="Far away", review_date=TODAY + datetime.timedelta(days=300))
    profile = make_profile(org_a)
    services.update_profile(org_a, owner, profile, anniversary_date=TODAY + datetime.timedelta(50))
    answer = profile.answers.get(criterion__criterion_id="6.1")
    services.update_answer(
        org_a, owner, answer, status="in_progress", owner=contributor, due_date=TODAY
    )

    assert send_reminders(TODAY) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    owner_mail = by_recipient[owner.email].body
    assert "Seal audit" in owner_mail and "annual review" in owner_mail
    assert "Far away" not in owner_mail
    assert "6.1" in by_recipient[contributor.email].body

    mail.outbox.clear()
    assert send_reminders(TODAY) == 0
    # a new date is a new reminder
    services.update_document(org_a, owner, document, review_date=TODAY + datetime.timedelta(days=5))
    assert send_reminders(TODAY) == 1
    assert "Seal audit" in mail.outbox[0].body


def test_command_and_task_send_the_same(org_a, capsys):
    make_document(org_a, title="Expired cert", review_date=datetime.date(2020, 1, 1))
    call_command("send_reminders")
    assert "1 reminder email(s) sent" in capsys.readouterr().out
    assert "expired on 2020-01-01" in mail.outbox[0].body
    assert send_reminders_task.enqueue().return_value == 0

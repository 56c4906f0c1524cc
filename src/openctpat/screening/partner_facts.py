"""What screening does for the partner register: screen a partner when it is created or
renamed (before it is re-tiered), screen imported partners in the background, and give
the screening states and last screening a tier and an export need.

Registered in ``ScreeningConfig.ready()`` (partners imports nothing from screening).
"""

from django.db.models import OuterRef, Subquery

from .models import Screening


def screen_changed(sender, organisation, partner, actor, reason, **kwargs) -> None:
    from .services import screen_partner

    screen_partner(organisation, partner, reason=reason, actor=actor, retier=False)


def screen_imported(sender, organisation, partner_ids, **kwargs) -> None:
    from .services import screen_partners_task

    screen_partners_task.enqueue(organisation.pk, list(partner_ids), "created")


def with_last_screening(partners):
    latest = Screening.objects.filter(partner=OuterRef("pk")).order_by("-created_at", "-id")
    return partners.annotate(
        screened_at=Subquery(latest.values("created_at")[:1]),
        screening_outcome=Subquery(latest.values("outcome")[:1]),
    )


def connect() -> None:
    from openctpat.partners import providers

    from .services import partner_states

    providers.partner_changed.connect(screen_changed, dispatch_uid="screening-screen")
    providers.partners_imported.connect(screen_imported, dispatch_uid="screening-imported")
    providers.screening_states.register(partner_states)
    providers.with_last_screening.register(with_last_screening)

from django.core.management.base import BaseCommand, CommandError

from openctpat.accounts.models import User
from openctpat.accounts.services import create_organisation
from openctpat.core import audit
from openctpat.core.ctpat import EntityType
from openctpat.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an organisation and its first owner (the PCSO)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Legal name of the company.")
        parser.add_argument("--owner", required=True, help="Email of the owner (created if new).")
        parser.add_argument("--password", help="Password for a new owner account.")
        parser.add_argument(
            "--entity-type",
            action="append",
            default=[],
            choices=EntityType.values,
            help="CTPAT entity type held (repeatable).",
        )

    def handle(self, name, owner, password=None, entity_type=(), **options):
        user = User.objects.filter(email__iexact=owner).first()
        if user is None:
            if not password:
                raise CommandError("The owner is new: give --password for the account.")
            user = User.objects.create_user(owner, password)
        try:
            with audit.context(via="cli"):
                org = create_organisation(name=name, owner=user, entity_types=list(entity_type))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Created organisation {org.name} (id {org.pk})."))

from django.core.management.base import BaseCommand, CommandError

from openctpat.core import audit
from openctpat.core.errors import DomainError


class Command(BaseCommand):
    help = "Load restricted-party list files (format read from the content); rescreen partners."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--no-rescreen", action="store_true", help="Do not rescreen partners afterwards."
        )

    def handle(self, *args, **options):
        from openctpat.screening import services

        try:
            with audit.context(via="cli"):
                version = services.load_list_files(
                    options["paths"], rescreen=not options["no_rescreen"]
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Loaded {version}: {version.entry_count} entries "
            f"({', '.join(f'{k} {v}' for k, v in sorted(version.counts.items()))})."
        )
        for warning in version.warnings[:20]:
            self.stdout.write(f"warning: {warning}")

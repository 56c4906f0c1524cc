from django.core.management.base import BaseCommand, CommandError

from openctpat.catalog.services import CatalogFileError, load_catalog


class Command(BaseCommand):
    help = "Load MSC catalog files (the packaged ones when no path is given)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="YAML files or folders of them")

    def handle(self, *args, paths, **options):
        try:
            results = load_catalog(paths or None)
        except (CatalogFileError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        for result in results:
            s = result.criteria_set
            self.stdout.write(
                f"{result.outcome:9} MSC {s.msc_version} {s.entity_type}: "
                f"{s.criteria.count()} criteria ({s.coverage})"
            )

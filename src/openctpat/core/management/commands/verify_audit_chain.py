from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from openctpat.core.audit import verify_chains
from openctpat.core.checkpoints import Checkpoint, parse_signed


def organisation_arg(org):
    """The organisation ``--org`` names, or None for every chain."""
    if org is None:
        return None
    organisation = apps.get_model("accounts", "Organisation").objects.filter(pk=org).first()
    if organisation is None:
        raise CommandError(f"No organisation with id {org}.")
    return organisation


def read_checkpoint(path: str) -> Checkpoint:
    try:
        return parse_signed(Path(path).read_bytes())
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
    except ValueError as exc:
        raise CommandError(f"{path}: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chains, check every entry's signature and every "
        "checkpoint, and report the first tampered row, a rewritten chain or a cut-off end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="Verify only this organisation's chain.")
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A checkpoint kept outside the server (the audit page's download, or the "
            "JSON block of a reminder email) to check the chain against as well.",
        )

    def handle(self, *args, org=None, checkpoint=(), **options):
        organisation = organisation_arg(org)
        extra = [read_checkpoint(path) for path in checkpoint or ()]
        broken = 0
        for report in verify_chains(organisation, extra):
            broken += not report.intact
            self.stdout.write(f"{report.chain}: {report.summary()}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) failed verification.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))

from django.core.management.base import BaseCommand, CommandError

from openctpat.core.audit import ChainBroken, all_chains, chain_name, write_checkpoint
from openctpat.core.checkpoints import name

from .verify_audit_chain import organisation_arg


class Command(BaseCommand):
    help = (
        "Verify each audit chain since its last checkpoint and save a signed checkpoint of "
        "its head to the media store (run daily; `ctpat reminders` does it too)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="Only this organisation's chain.")

    def handle(self, *args, org=None, **options):
        organisation = organisation_arg(org)
        chains = [chain_name(organisation.pk)] if organisation is not None else all_chains()
        refused = 0
        for chain in chains:
            try:
                checkpoint = write_checkpoint(chain)
            except ChainBroken as exc:
                refused += 1
                self.stdout.write(f"{chain}: {exc.message}")
                continue
            if checkpoint is None:
                self.stdout.write(f"{chain}: no entries yet, nothing to checkpoint.")
            else:
                self.stdout.write(
                    f"{chain}: checkpoint {checkpoint.label} in {name(checkpoint)} "
                    f"(signature {checkpoint.mac})"
                )
        if refused:
            raise CommandError(f"{refused} audit chain(s) failed verification; not checkpointed.")

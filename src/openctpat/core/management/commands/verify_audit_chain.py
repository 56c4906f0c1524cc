from django.core.management.base import BaseCommand, CommandError

from openctpat.core.audit import verify_chains


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chains and report the first tampered row, if any."

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="Verify only this organisation's chain.")

    def handle(self, *args, org=None, **options):
        from openctpat.accounts.models import Organisation

        organisation = None
        if org is not None:
            organisation = Organisation.objects.filter(pk=org).first()
            if organisation is None:
                raise CommandError(f"No organisation with id {org}.")
        broken = 0
        for report in verify_chains(organisation):
            if report.intact:
                self.stdout.write(f"{report.chain}: intact ({report.entries} entries)")
            else:
                broken += 1
                self.stdout.write(
                    f"{report.chain}: BROKEN at entry id={report.broken_entry_id} "
                    f"seq={report.broken_seq}: {report.reason}"
                )
        if broken:
            raise CommandError(f"{broken} audit chain(s) failed verification.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))

from django.core.management.base import BaseCommand

from openctpat.profiles.reminders import send_reminders


class Command(BaseCommand):
    help = "Email reminders for evidence to review, annual reviews and answers coming due."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} reminder email(s) sent.")

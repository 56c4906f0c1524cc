from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from openctpat.accounts.models import Membership, Organisation, User
from openctpat.accounts.services import add_member, create_organisation
from openctpat.core import audit
from openctpat.core.ctpat import EntityType
from openctpat.core.permissions import Role

DEMO_PASSWORD = "ctpat-demo-2026"
DEMO_USERS = [
    ("pcso@demo.openctpat.org", "Pat", "Rivera", Role.OWNER),
    ("contributor@demo.openctpat.org", "Chris", "Nguyen", Role.CONTRIBUTOR),
    ("viewer@demo.openctpat.org", "Val", "Okafor", Role.VIEWER),
    ("auditor@demo.openctpat.org", "Alex", "Schmidt", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "Load demo data: an importer with a user in each role, and a second organisation."

    @transaction.atomic
    def handle(self, *args, **options):
        with audit.context(via="cli"):
            users = {}
            for email, first, last, _role in DEMO_USERS:
                user = User.objects.filter(email=email).first() or User.objects.create_user(
                    email, DEMO_PASSWORD, first_name=first, last_name=last
                )
                users[email] = user
            owner = users[DEMO_USERS[0][0]]
            if not owner.is_staff:  # staff load the shared restricted-party lists
                owner.is_staff = True
                owner.save(update_fields=["is_staff"])
            importer = Organisation.objects.filter(name="Acme Imports Inc.").first()
            if importer is None:
                importer = create_organisation(
                    name="Acme Imports Inc.",
                    owner=owner,
                    ctpat_account_number="CTPAT-DEMO-0001",
                    entity_types=[EntityType.IMPORTER, EntityType.EXPORTER],
                    ior_number="12-3456789AB",
                    continuous_bond_number="BND-998877",
                    continuous_bond_on_file=True,
                )
            for email, _first, _last, role in DEMO_USERS[1:]:
                if not Membership.objects.for_org(importer).filter(user=users[email]).exists():
                    add_member(importer, owner, users[email], role)
            # Program content lives in the domain apps; each brings its own demo data.
            from openctpat.partners.demo import load_demo as load_partner_demo
            from openctpat.partners.demo import open_link
            from openctpat.profiles.demo import load_demo as load_profile_demo
            from openctpat.risk.demo import load_demo as load_risk_demo

            load_profile_demo(importer, owner, users[DEMO_USERS[1][0]])
            load_partner_demo(importer, owner, users[DEMO_USERS[1][0]])
            load_risk_demo(importer, owner)
            from openctpat.screening.demo import load_demo as load_screening_demo

            load_screening_demo(importer, owner)
            from openctpat.inspections.demo import load_demo as load_inspection_demo

            load_inspection_demo(importer, owner, users[DEMO_USERS[1][0]])
            factory = Organisation.objects.filter(name="Acme Manufacturing de Mexico").first()
            if factory is None:
                create_organisation(
                    name="Acme Manufacturing de Mexico",
                    owner=owner,
                    entity_types=[EntityType.FOREIGN_MANUFACTURER],
                )
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"Demo data ready; its mail is in {settings.EMAIL_FILE_PATH}.")
        else:
            self.stdout.write("Demo data ready.")
        link = open_link(importer)
        if link:
            self.stdout.write(f"A business partner's questionnaire link (no sign-in): {link}")
        self.stdout.write("Sign in with:")
        for email, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<12} {email:<34} password: {DEMO_PASSWORD}")

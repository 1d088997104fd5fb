from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from joinedup.core.audit import audit_context
from joinedup.council_tax.demo import council_tax_demo_resident_load
from joinedup.demo.services import demo_load


class Command(BaseCommand):
    help = "Create the demo partnership and demo people (run after geo_load_bundled)."

    def handle(self, *args, **opts):
        with audit_context("command:demo_load"):
            result = demo_load(credentials_file=settings.VAR_DIR / "demo-logins.txt")
            # The demo resident's council tax account needs her record (made just now)
            # and the councils' settings (council_tax_demo_load): `make setup` may run
            # the two commands in either order, so both try.
            accounts = council_tax_demo_resident_load(today=timezone.localdate())
        if result.missing:
            raise CommandError(
                f"bodies missing from the registers: {', '.join(result.missing)}; run geo_load_bundled first"
            )
        members = result.partnership.memberships.count()
        self.stdout.write(f"{result.partnership.name}: {members} members")
        self.stdout.write("Demo sign-ins (username password):")
        for username, password in result.logins.items():
            self.stdout.write(f"  {username:16} {password}")
        for line in accounts:
            self.stdout.write(f"Demo council tax account {line.reference} ({line.note})")

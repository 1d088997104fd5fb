from django.core.management.base import BaseCommand

from joinedup.core.audit import audit_context
from joinedup.crm.services import retention_apply


class Command(BaseCommand):
    help = "Anonymise personal data older than its category's retention period (run daily)."

    def handle(self, *args, **opts):
        with audit_context("command:crm_apply_retention"):
            done = retention_apply()
        for category, count in sorted(done.items()):
            self.stdout.write(f"{category}: {count} anonymised")

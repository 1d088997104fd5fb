from django.core.management.base import BaseCommand
from django.utils import timezone

from joinedup.core.audit import audit_context
from joinedup.council_tax.demo import council_tax_demo_load


class Command(BaseCommand):
    help = "Load demo council tax accounts for the demo councils (run after demo_load)."

    def handle(self, *args, **opts):
        with audit_context("command:council_tax_demo_load"):
            lines = council_tax_demo_load(today=timezone.localdate())
        self.stdout.write(
            "Demo council tax accounts (find them at /council-tax/ with reference and postcode):"
        )
        for line in lines:
            self.stdout.write(
                f"  {line.reference:10} {line.postcode:9} {line.council} ({line.note})"
            )

from django.core.management.base import BaseCommand

from joinedup.core.audit import audit_context
from joinedup.service_requests.demo import demo_requests_load


class Command(BaseCommand):
    help = (
        "Make the demonstration reports at the demo partners' sample postcodes, worked on by "
        "their demo officers (run after demo_load, catalogue_load_demo and "
        "service_requests_load; a second run changes nothing)."
    )

    def handle(self, *args, **opts):
        with audit_context("command:service_requests_demo_load"):
            result = demo_requests_load()
        if result.skipped:
            self.stdout.write("demo reports: already loaded")
            return
        bodies = ", ".join(f"{name} {n}" for name, n in sorted(result.by_organisation.items()))
        self.stdout.write(
            f"demo reports: {result.created} reports, {result.updates} updates ({bodies})"
        )

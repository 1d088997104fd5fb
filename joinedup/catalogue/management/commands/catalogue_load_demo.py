from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from joinedup.catalogue.services import CatalogueFileError, catalogue_load_demo
from joinedup.core.audit import audit_context

DATA = Path(settings.BASE_DIR) / "data"


class Command(BaseCommand):
    help = "Load the demo partnership's provisions (who handles what in the platform); run after demo_load."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA / "catalogue" / "demo-provisions.yaml"))

    def handle(self, *args, file: str, **opts):
        try:
            with audit_context("command:catalogue_load_demo"):
                result = catalogue_load_demo(actor=None, provisions_file=Path(file))
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from None
        if result.missing:
            raise CommandError(
                f"organisations missing: {', '.join(result.missing)}; run demo_load first"
            )
        self.stdout.write(f"demo provisions: {result.provisions}")
        if result.unregistered_flows:
            self.stdout.write(
                "flows not installed yet, answered as links for now: "
                + ", ".join(result.unregistered_flows)
            )

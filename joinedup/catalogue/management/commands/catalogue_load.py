from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from joinedup.catalogue.services import CatalogueFileError, catalogue_load
from joinedup.core.audit import audit_context

DATA = Path(settings.BASE_DIR) / "data"


class Command(BaseCommand):
    help = "Load the service catalogue (services, names, keywords, synonyms) from data/catalogue/."

    def add_arguments(self, parser):
        parser.add_argument("--services", default=str(DATA / "catalogue" / "services.yaml"))
        parser.add_argument(
            "--tiers", default=str(DATA / "registers" / "lgsl-local-services-tiers.csv")
        )

    def handle(self, *args, services: str, tiers: str, **opts):
        try:
            with audit_context("command:catalogue_load"):
                result = catalogue_load(
                    actor=None, services_file=Path(services), tiers_file=Path(tiers)
                )
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"catalogue: {result.created} services created, {result.updated} checked, "
            f"{result.synonym_groups} synonym groups"
        )

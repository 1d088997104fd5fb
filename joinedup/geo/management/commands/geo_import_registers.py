from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from joinedup.core.audit import audit_context
from joinedup.core.models import OrganisationKind
from joinedup.geo.importers.registers import (
    RegisterImportError,
    import_authorities,
    import_coded_bodies,
    import_wards,
)

REGISTERS = Path(settings.BASE_DIR) / "data" / "registers"


class Command(BaseCommand):
    help = "Import councils (with successors), police forces, NHS ICBs and wards from the register files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--authorities", type=Path, default=REGISTERS / "mysociety-uk-local-authorities.csv"
        )
        parser.add_argument(
            "--govuk-list", type=Path, default=REGISTERS / "govuk-local-authorities.csv"
        )
        parser.add_argument(
            "--police", type=Path, default=REGISTERS / "police-force-area-names.json"
        )
        parser.add_argument("--icbs", type=Path, default=REGISTERS / "nhs-icb-names.json")
        parser.add_argument("--wards", type=Path, default=REGISTERS / "ward-to-lad-dec2023-uk.csv")

    def handle(self, *args, **opts):
        try:
            with audit_context("command:geo_import_registers"):
                councils = import_authorities(opts["authorities"], opts["govuk_list"])
                police = import_coded_bodies(
                    opts["police"],
                    kind=OrganisationKind.POLICE_FORCE,
                    area_type="PFA",
                    code_prefixes=("E23", "W15"),
                )
                icbs = import_coded_bodies(
                    opts["icbs"],
                    kind=OrganisationKind.NHS_BODY,
                    area_type="ICB",
                    code_prefixes=("E54",),
                )
                wards = import_wards(opts["wards"])
        except RegisterImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"councils: {councils.created} created, {councils.updated} updated, "
            f"{councils.areas_created} former-council areas; police forces: {police.created + police.updated}; "
            f"ICBs: {icbs.created + icbs.updated}; wards: {wards.created} created, {wards.updated} updated"
        )

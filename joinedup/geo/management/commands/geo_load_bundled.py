import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from joinedup.geo.models import ImportedFile

DATA = Path(settings.BASE_DIR) / "data"

# Order matters: boundaries make the areas that registers and postcodes attach to.
STEPS: list[tuple[str, str, dict[str, object]]] = [
    ("boundaries/lad-2025-uk-bsc.geojson", "geo_import_boundaries", {"code_prefix": ["E", "W"]}),
    ("boundaries/counties-2025-en-bsc.geojson", "geo_import_boundaries", {}),
    (
        "boundaries/police-force-areas-dec2020-ew-buc.geojson",
        "geo_import_boundaries",
        {"code_field": "PFA20CD", "name_field": "PFA20NM"},
    ),
    ("registers/mysociety-uk-local-authorities.csv", "geo_import_registers", {}),
    ("postcodes/nspl-nov2021-SM.csv", "geo_import_postcodes", {}),
    ("postcodes/nspl-nov2021-WC.csv", "geo_import_postcodes", {}),
    ("postcodes/nspl-nov2021-HG.csv", "geo_import_postcodes", {}),
]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Import the real data bundled in data/ (boundaries, registers, postcodes); skips unchanged files."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="re-import files already imported")

    def handle(self, *args, force: bool = False, **opts):
        for relative, command, options in STEPS:
            path = DATA / relative
            digest = _sha256(path)
            done = ImportedFile.objects.filter(name=relative, sha256=digest).exists()
            if done and not force:
                self.stdout.write(f"{relative}: already imported")
                continue
            if command == "geo_import_registers":
                call_command(command, stdout=self.stdout)
            elif command == "geo_import_postcodes":
                call_command(command, str(path), stdout=self.stdout)
            else:
                call_command(command, str(path), stdout=self.stdout, **options)
            ImportedFile.objects.update_or_create(name=relative, defaults={"sha256": digest})

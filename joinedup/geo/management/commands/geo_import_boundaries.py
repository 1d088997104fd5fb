import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from joinedup.core.audit import audit_context
from joinedup.geo.importers.boundaries import BoundaryImportError, import_boundaries
from joinedup.geo.models import AreaType


class Command(BaseCommand):
    help = "Import area boundaries from a GeoJSON, TopoJSON, GeoPackage or shapefile (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--code-field", default="areacd", help="field holding the GSS code")
        parser.add_argument("--name-field", default="areanm", help="field holding the name")
        parser.add_argument(
            "--type", choices=AreaType.values, help="area type (default: from the GSS code)"
        )
        parser.add_argument(
            "--code-prefix", action="append", help="only codes starting so (repeatable)"
        )
        parser.add_argument("--layer", help="layer to read (TopoJSON objects, GeoPackage tables)")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--srid", type=int, help="coordinate system of a file that does not say"
        )

    def handle(self, *args, path: Path, **opts):
        bar = tqdm(
            desc=f"boundaries {path.name}",
            unit=" areas",
            file=sys.stderr,
            disable=None,
            leave=False,
        )
        try:
            with audit_context("command:geo_import_boundaries"):
                result = import_boundaries(
                    path,
                    code_field=opts["code_field"],
                    name_field=opts["name_field"],
                    area_type=opts["type"],
                    code_prefixes=opts["code_prefix"],
                    layer=opts["layer"],
                    valid_from=opts["valid_from"],
                    source_srid=opts["srid"],
                    progress=bar.update,
                )
        except BoundaryImportError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(
            f"{path.name}: {result.created} areas created, {result.updated} updated, "
            f"{result.skipped} skipped, {result.repaired} repaired, {result.parts} parts"
        )

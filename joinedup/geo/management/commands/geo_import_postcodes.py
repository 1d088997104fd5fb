import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from joinedup.core.audit import audit_context
from joinedup.geo.importers.postcodes import PostcodeImportError, import_postcodes
from joinedup.geo.management.commands._progress import byte_progress


class Command(BaseCommand):
    help = "Import postcodes from NSPL/ONSPD CSV files (streamed, idempotent, all-or-nothing per file)."

    def add_arguments(self, parser):
        parser.add_argument("paths", type=Path, nargs="+")

    def handle(self, *args, paths: list[Path], **opts):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
            bar, wrap = byte_progress(path, f"postcodes {path.name}")
            started = time.perf_counter()
            try:
                with audit_context("command:geo_import_postcodes"):
                    result = import_postcodes(path, wrap=wrap)
            except PostcodeImportError as exc:
                raise CommandError(str(exc)) from None
            finally:
                bar.close()
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"{path.name}: {result.rows} postcodes in {seconds:.1f}s "
                f"({result.rows / max(seconds, 1e-9):,.0f} rows/s); "
                f"{result.placeholder_areas} ward/division areas added"
            )

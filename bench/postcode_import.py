#!/usr/bin/env python
"""Postcode import rate: `manage.py geo_import_postcodes` on a generated file the size of
the ONS Postcode Directory (2.7M rows, NSPL column layout), into a database that already
holds the bundled real data.

The file is made from the bundled NSPL sample rows (live, terminated and unlocated rows
alike, in their proportions), each given a unique synthetic postcode in areas ZA-ZZ,
which no real postcode uses. It is written to a temporary directory and deleted after.

Aim (issue 2): ≥ 50,000 rows/s on PostGIS.

    .venv/bin/python bench/postcode_import.py [--rows 2700000] [--backends all]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_POSTGIS_URL,
    POSTCODES,
    ROOT,
    Backend,
    CpuMeter,
    backend,
    child_json,
    load_note,
    machine_info,
    parse_backends,
    print_machine,
    print_table,
)

AIM_ROWS_PER_S = 50_000.0
ONSPD_ROWS = 2_700_000
# Inward-code letters: ONS never uses C, I, K, M, O or V there.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
AREAS = [f"Z{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
PER_DISTRICT = 10 * len(INWARD_LETTERS) ** 2
DISTRICTS_PER_AREA = 99


def synthetic_postcode(n: int) -> str:
    """The n-th synthetic postcode, e.g. 'ZA1 0AA'; unique for n below 26 * 99 * 4000."""
    district, inward = divmod(n, PER_DISTRICT)
    area, number = divmod(district, DISTRICTS_PER_AREA)
    digit, letters = divmod(inward, len(INWARD_LETTERS) ** 2)
    first, second = divmod(letters, len(INWARD_LETTERS))
    return f"{AREAS[area]}{number + 1} {digit}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}"


def generate(path: Path, rows: int) -> dict[str, int]:
    """Write `rows` NSPL rows to `path`, cycling through the bundled sample rows."""
    header = None
    tails: list[str] = []
    for sample in sorted(POSTCODES.glob("*.csv")):
        with open(sample, encoding="utf-8-sig") as handle:
            first = handle.readline()
            header = header or first
            if first != header:
                raise SystemExit(f"{sample.name}: header differs from the other samples")
            # The first three fields (pcd, pcd2, pcds) are quoted postcodes without commas.
            tails.extend(
                line.rstrip("\r\n").split(",", 3)[3] + "\n" for line in handle if line.strip()
            )
    assert header is not None
    live = sum(1 for t in tails if t.split(",", 2)[1] == '""')
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        chunk = []
        for n in range(rows):
            pcds = synthetic_postcode(n)
            outward, inward = pcds.split(" ")
            chunk.append(
                f'"{outward.ljust(4)}{inward}","{outward.ljust(5)}{inward}","{pcds}",'
                f"{tails[n % len(tails)]}"
            )
            if len(chunk) == 100_000:
                out.write("".join(chunk))
                chunk = []
        out.write("".join(chunk))
    return {"sample_rows": len(tails), "sample_live": live, "bytes": path.stat().st_size}


def child_count() -> dict:
    """Runs inside Django: how many postcodes the database holds, and synthetic ones."""
    import django

    django.setup()
    from joinedup.geo.models import Postcode

    return {
        "total": Postcode.objects.count(),
        "synthetic": Postcode.objects.filter(postcode__startswith="Z").count(),
    }


def child_reset() -> dict:
    """Runs inside Django: empty the postcode table and re-import the bundled samples,
    so that every run starts from the same state and leaves no synthetic rows behind."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from joinedup.geo.models import ImportedFile, Postcode

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE geo_postcode")
        else:
            cursor.execute("DELETE FROM geo_postcode")
    ImportedFile.objects.filter(name__startswith="postcodes/").delete()
    call_command("geo_load_bundled", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {"total": Postcode.objects.count()}


REPORTED = re.compile(r": (\d+) postcodes in ([\d.]+)s \(([\d,]+) rows/s\)")


def import_once(db: Backend, path: Path) -> dict:
    database = db.env["DATABASE_URL"].rsplit("/", 1)[1] if "DATABASE_URL" in db.env else None
    with CpuMeter(database) as meter:
        started = time.perf_counter()
        out = db.manage("geo_import_postcodes", str(path), capture=True).stdout
        wall = time.perf_counter() - started
    match = REPORTED.search(out)
    if not match:
        raise SystemExit(f"unexpected output from geo_import_postcodes: {out!r}")
    rows = int(match.group(1))
    return {
        "rows": rows,
        "wall_s": wall,
        "rows_per_s": rows / wall,
        "command_s": float(match.group(2)),
        "command_rows_per_s": int(match.group(3).replace(",", "")),
        "meter": meter.summary(),
    }


def measure(db: Backend, path: Path, rows: int, rerun: bool, retries: int) -> dict:
    script = Path(__file__)
    runs = []
    try:
        for _ in range(1 + retries):
            before = child_json(db, script, "--child-reset")
            result = import_once(db, path)
            after = child_json(db, script, "--child-count")
            if after["total"] - before["total"] != rows or after["synthetic"] != rows:
                raise SystemExit(f"{db.name}: expected {rows:,} new postcodes, found {after}")
            result["table_rows"] = after["total"]
            runs.append(result)
            if not result["meter"]["busy"]:
                break
        best = min(runs, key=lambda r: r["meter"]["other_cores"])
        best["attempts"] = len(runs)
        if rerun:
            # The same file again: every row is now an update (imports are idempotent).
            best["rerun"] = import_once(db, path)
    finally:
        child_json(db, script, "--child-reset")
    return best


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="joinedup-bench-onspd-", dir=args.dir))
    try:
        path = workdir / "onspd-sized.csv"
        started = time.perf_counter()
        info = generate(path, args.rows)
        print(
            f"  generated {args.rows:,} rows ({info['bytes'] / 1e6:,.0f} MB) from "
            f"{info['sample_rows']:,} sample rows ({info['sample_live']:,} live) "
            f"in {time.perf_counter() - started:.1f}s"
        )
        results = {}
        for name in parse_backends(args.backends):
            with backend(name, args.postgis_url) as db:
                results[name] = measure(db, path, args.rows, args.rerun, args.retries)
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: dict) -> list[list[str]]:
    rows = []
    for name, r in results.items():
        runs = [("first import", r)]
        if "rerun" in r:
            runs.append(("re-import (all updates)", r["rerun"]))
        for label, x in runs:
            aim = ""
            if name == "postgis" and label == "first import":
                aim = "met" if x["rows_per_s"] >= AIM_ROWS_PER_S else "NOT met"
            rows.append(
                [
                    name,
                    label,
                    f"{x['rows']:,}",
                    f"{x['wall_s']:.1f}",
                    f"{x['rows_per_s']:,.0f}",
                    f"{x['command_rows_per_s']:,}",
                    aim,
                    load_note(x["meter"]),
                ]
            )
    print_table(
        [
            "backend",
            "run",
            "rows",
            "seconds",
            "rows/s",
            "rows/s (command's own)",
            "aim ≥50k/s",
            "machine load",
        ],
        rows,
    )
    print(
        "  rows/s = rows / wall time of the whole `manage.py geo_import_postcodes` process "
        "(start-up included); the command's own figure times the import alone"
    )
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--rows", type=int, default=ONSPD_ROWS, help="rows to generate (2,700,000)")
    p.add_argument("--backends", default="all", help="spatialite, postgis or all (default)")
    p.add_argument("--rerun", action="store_true", help="also time a second, all-update import")
    p.add_argument(
        "--retries", type=int, default=1, help="re-runs when the machine was busy (default 1)"
    )
    p.add_argument("--dir", default=None, help="where to write the file (default: system temp)")
    p.add_argument("--postgis-url", default=DEFAULT_POSTGIS_URL, help="benchmark PostGIS database")
    p.add_argument("--child-count", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--child-reset", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return p


def main() -> None:
    args = parser().parse_args()
    if args.child_count:
        print(json.dumps(child_count()))
        return
    if args.child_reset:
        print(json.dumps(child_reset()))
        return
    print("Postcode import rate")
    print_machine(machine_info(args.postgis_url))
    results = run(args)
    print()
    report(results)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

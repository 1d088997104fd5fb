#!/usr/bin/env python
"""Run every benchmark (the figures issue 2 asks for) and print them with their aims:

1. in-process point → areas (bench/point_lookup.py);
2. HTTP GET /mapit/point under gunicorn, against /healthz (bench/http_point.py);
3. postcode import rate on an ONSPD-sized file (bench/postcode_import.py).

`--record` also writes the figures and the machine into docs/benchmarks.md, between its
`figures:start` and `figures:end` markers. `--quick` is a smoke run with small sizes;
its figures are not comparable with the aims and are never recorded.

    .venv/bin/python bench/run_all.py [--quick] [--record] [--only point,http,import]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_point
import point_lookup
import postcode_import
from _common import (
    DEFAULT_POSTGIS_URL,
    ROOT,
    load_note,
    machine_info,
    parse_backends,
    print_machine,
    print_table,
)

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
FIGURES = ("point", "http", "import")


def _yes(met: bool) -> str:
    return "met" if met else "NOT met"


def summary(results: dict) -> list[list[str]]:
    """One row per figure and backend: what was measured against its aim."""
    rows = []
    for name, r in results.get("point", {}).items():
        median = r["hot"]["median_us"]
        rows.append(
            [
                "1. in-process point → areas",
                name,
                f"median {median:.1f} µs, p99 {r['hot']['p99_us']:.1f} µs",
                "median ≤ 50 µs",
                _yes(median <= point_lookup.AIM_MEDIAN_US),
            ]
        )
    for name, r in results.get("http", {}).items():
        rps, fraction = r["point"]["rps"], r["fraction"]
        rows.append(
            [
                "2. HTTP GET /mapit/point",
                name,
                f"{rps:,.0f} req/s = {100 * fraction:.0f}% of /healthz "
                f"({r['floor']['rps']:,.0f} req/s)",
                "≥ 800 req/s and ≥ 70%",
                _yes(rps >= http_point.AIM_RPS and fraction >= http_point.AIM_FRACTION),
            ]
        )
    for name, r in results.get("import", {}).items():
        rate = r["rows_per_s"]
        aimed = name == "postgis"
        rows.append(
            [
                "3. postcode import",
                name,
                f"{rate:,.0f} rows/s ({r['rows']:,} rows in {r['wall_s']:.0f} s)",
                "≥ 50,000 rows/s" if aimed else "(reported)",
                _yes(rate >= postcode_import.AIM_ROWS_PER_S) if aimed else "-",
            ]
        )
    return rows


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(info: dict[str, str], results: dict, took_s: float, command: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"Measured {now} with `{command}` ({took_s / 60:.0f} min).",
        "",
        "**Machine**",
        "",
        _md_table(["", ""], [[k, v] for k, v in info.items()]),
        "",
        "**Against the aims**",
        "",
        _md_table(["figure", "database", "measured", "aim", ""], summary(results)),
    ]
    if "point" in results:
        rows = []
        for name, r in results["point"].items():
            for path, key, meter in (
                ("in-memory index (`areas_at_point`)", "hot", "hot_meter"),
                ("database (`area_ids_at_point_from_database`)", "db", "db_meter"),
            ):
                x = r[key]
                rows.append(
                    [
                        name,
                        path,
                        f"{r['points'] if key == 'hot' else r['db_points']:,}",
                        f"{x['median_us']:.1f}",
                        f"{x['p99_us']:.1f}",
                        f"{x['mean_us']:.1f}",
                        load_note(r[meter]),
                    ]
                )
        agree = "; ".join(
            f"{name}: {r['agree']:,} of {r['db_points']:,} points "
            f"({100 * r['agree'] / r['db_points']:.2f}%)"
            for name, r in results["point"].items()
        )
        parts += [
            "",
            "**1. In-process point → areas** (µs per lookup)",
            "",
            _md_table(
                ["database", "path", "points", "median", "p99", "mean", "machine load"], rows
            ),
            "",
            f"The index and the database name the same areas for: {agree}.",
        ]
    if "http" in results:
        rows = []
        for name, r in results["http"].items():
            for kind, label in (
                ("floor", "`GET /healthz` (floor)"),
                ("point", "`GET /mapit/point`"),
            ):
                f = r[kind]
                rows.append(
                    [
                        name,
                        label,
                        f"{f['rps']:,.0f}",
                        f"{f['p50_us'] / 1000:.2f}",
                        f"{f['p99_us'] / 1000:.2f}",
                        f"{f['cpu_us']:.0f}",
                        f"{f['errors_all']}",
                        load_note(r["meter"]) if kind == "floor" else "",
                    ]
                )
        parts += [
            "",
            "**2. HTTP under gunicorn** (2 sync workers, wrk on the same machine; the "
            "round with the median point/floor ratio among the quietest rounds; errors "
            "counted over every round)",
            "",
            _md_table(
                [
                    "database",
                    "request",
                    "req/s",
                    "p50 ms",
                    "p99 ms",
                    "CPU µs/request",
                    "errors",
                    "machine load",
                ],
                rows,
            ),
            "",
            "Point/floor ratio in each kept round: "
            + "; ".join(
                f"{name} " + ", ".join(f"{100 * x:.0f}%" for x in r["fractions"])
                for name, r in results["http"].items()
            )
            + ".",
        ]
    if "import" in results:
        rows = []
        for name, r in results["import"].items():
            rows.append(
                [
                    name,
                    f"{r['rows']:,}",
                    f"{r['wall_s']:.1f}",
                    f"{r['rows_per_s']:,.0f}",
                    f"{r['command_rows_per_s']:,}",
                    load_note(r["meter"]),
                ]
            )
        parts += [
            "",
            "**3. Postcode import** (`manage.py geo_import_postcodes`, generated "
            "ONSPD-sized file, into a database holding the bundled data)",
            "",
            _md_table(
                ["database", "rows", "seconds", "rows/s", "rows/s (command's own)", "machine load"],
                rows,
            ),
        ]
    return "\n".join(parts) + "\n"


def record(text: str) -> None:
    doc = DOC.read_text()
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOC} has no {START} ... {END} section to replace")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{text}{END}{tail}")
    print(f"\nRecorded in {DOC.relative_to(ROOT)}")


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--only", default=",".join(FIGURES), help="figures: point,http,import")
    p.add_argument("--backends", default="all", help="spatialite, postgis or all (default)")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    p.add_argument("--record", action="store_true", help="write the figures to docs/benchmarks.md")
    p.add_argument("--postgis-url", default=DEFAULT_POSTGIS_URL, help="benchmark PostGIS database")
    args = p.parse_args()
    only = [f.strip() for f in args.only.split(",") if f.strip()]
    for f in only:
        if f not in FIGURES:
            raise SystemExit(f"unknown figure {f!r}; choose from {', '.join(FIGURES)}")
    if args.quick and args.record:
        raise SystemExit("--quick figures are not comparable with the aims; not recording them")
    backends = parse_backends(args.backends)
    common = [f"--backends={','.join(backends)}", f"--postgis-url={args.postgis_url}"]

    started = time.monotonic()
    info = machine_info(args.postgis_url)
    print("joinedup benchmarks")
    print_machine(info)
    results: dict = {}
    if "point" in only:
        print("\n== 1. In-process point → areas")
        points = 2_000 if args.quick else 10_000
        results["point"] = point_lookup.run(backends, points, 2025, points, args.postgis_url, 2)
        point_lookup.report(results["point"])
    if "http" in only:
        print("\n== 2. HTTP GET /mapit/point under gunicorn, against /healthz")
        extra = ["--duration=3", "--rounds=1", "--warmup=1", "--retries=0"] if args.quick else []
        results["http"] = http_point.run(http_point.parser().parse_args(common + extra))
        http_point.report(results["http"])
    if "import" in only:
        print("\n== 3. Postcode import rate")
        extra = ["--rows=100000", "--retries=0"] if args.quick else []
        results["import"] = postcode_import.run(postcode_import.parser().parse_args(common + extra))
        postcode_import.report(results["import"])

    print("\n== Against the aims")
    print_table(["figure", "database", "measured", "aim", ""], summary(results))
    if args.record:
        command = " ".join(["bench/run_all.py", *sys.argv[1:]])
        record(markdown(info, results, time.monotonic() - started, command))


if __name__ == "__main__":
    main()

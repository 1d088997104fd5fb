#!/usr/bin/env python
"""In-process point → areas: time per lookup over random points from the bundled NSPL
samples, on the hot path (`areas_at_point`, the in-memory STRtree index) and on the
database path (`area_ids_at_point_from_database`), and how often the two agree.

Aim (issue 2): hot-path median ≤ 50 µs.

    .venv/bin/python bench/point_lookup.py [--points 10000] [--backends all]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_POSTGIS_URL,
    CpuMeter,
    backend,
    child_json,
    load_note,
    machine_info,
    parse_backends,
    percentile,
    print_machine,
    print_table,
    random_points,
)

AIM_MEDIAN_US = 50.0


def _timings_us(fn, points) -> list[float]:
    clock = time.perf_counter_ns
    out = []
    for lon, lat in points:
        started = clock()
        fn(lon=lon, lat=lat)
        out.append((clock() - started) / 1000)
    out.sort()
    return out


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "median_us": percentile(timings, 0.5),
        "p99_us": percentile(timings, 0.99),
        "mean_us": sum(timings) / len(timings),
        "max_us": timings[-1],
    }


def child(points_count: int, seed: int, db_points: int) -> dict:
    """Runs inside Django on one backend."""
    import django

    django.setup()
    from django.db import connection

    from joinedup.geo.index import get_index
    from joinedup.geo.selectors import area_ids_at_point_from_database, areas_at_point

    points = random_points(points_count, seed)
    started = time.perf_counter()
    get_index()
    build_s = time.perf_counter() - started

    # Warm up (caches, branch predictors, lazily made objects), then measure.
    for lon, lat in points[:1000]:
        areas_at_point(lon=lon, lat=lat)
    gc.collect()
    database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
    with CpuMeter(database) as hot_meter:
        hot = _timings_us(areas_at_point, points)

    db_sample = points[:db_points]
    for lon, lat in db_sample[:100]:
        area_ids_at_point_from_database(lon=lon, lat=lat)
    with CpuMeter(database) as db_meter:
        db = _timings_us(area_ids_at_point_from_database, db_sample)

    # Do the two paths name the same areas for the same point?
    disagreements = []
    for lon, lat in db_sample:
        from_index = sorted(int(k) for k in areas_at_point(lon=lon, lat=lat))
        from_db = area_ids_at_point_from_database(lon=lon, lat=lat)
        if from_index != from_db:
            disagreements.append({"lon": lon, "lat": lat, "index": from_index, "db": from_db})
    index = get_index()
    return {
        "vendor": connection.vendor,
        "points": len(points),
        "db_points": len(db_sample),
        "index_parts": len(index.part_area_ids),
        "index_areas": len(index.areas),
        "index_build_s": build_s,
        "hot": _summary(hot),
        "db": _summary(db),
        "agree": len(db_sample) - len(disagreements),
        "disagreements": disagreements[:5],
        "hot_meter": hot_meter.summary(),
        "db_meter": db_meter.summary(),
    }


def _other(result: dict) -> float:
    return max(result["hot_meter"]["other_cores"], result["db_meter"]["other_cores"])


def run(
    backends: list[str], points: int, seed: int, db_points: int, postgis_url: str, retries: int
) -> dict:
    """Measure on each backend; when other work was busy, measure again (up to
    `retries` times) and keep the quietest run."""
    results = {}
    for name in backends:
        with backend(name, postgis_url) as db:
            runs = []
            for _ in range(1 + retries):
                runs.append(
                    child_json(
                        db,
                        Path(__file__),
                        f"--points={points}",
                        f"--seed={seed}",
                        f"--db-points={db_points}",
                    )
                )
                if not (runs[-1]["hot_meter"]["busy"] or runs[-1]["db_meter"]["busy"]):
                    break
            best = min(runs, key=_other)
            best["attempts"] = len(runs)
            results[name] = best
    return results


def report(results: dict) -> list[list[str]]:
    rows = []
    for name, r in results.items():
        hot, db = r["hot"], r["db"]
        rows.append(
            [
                name,
                "in-memory index",
                f"{r['points']:,}",
                f"{hot['median_us']:.1f}",
                f"{hot['p99_us']:.1f}",
                f"{hot['mean_us']:.1f}",
                "met" if hot["median_us"] <= AIM_MEDIAN_US else "NOT met",
                load_note(r["hot_meter"]),
            ]
        )
        rows.append(
            [
                name,
                "database",
                f"{r['db_points']:,}",
                f"{db['median_us']:.1f}",
                f"{db['p99_us']:.1f}",
                f"{db['mean_us']:.1f}",
                f"agree {r['agree']:,}/{r['db_points']:,} "
                f"({100 * r['agree'] / r['db_points']:.2f}%)",
                load_note(r["db_meter"]),
            ]
        )
    print_table(
        [
            "backend",
            "path",
            "points",
            "median µs",
            "p99 µs",
            "mean µs",
            "aim ≤50µs / agree",
            "machine load",
        ],
        rows,
    )
    for name, r in results.items():
        print(
            f"  {name}: index of {r['index_parts']:,} polygon parts of {r['index_areas']:,} "
            f"current areas, built in {r['index_build_s']:.2f}s; {r['attempts']} attempt(s)"
        )
        for d in r["disagreements"]:
            print(
                f"  {name} disagreement at {d['lon']},{d['lat']}: index {d['index']} db {d['db']}"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=10_000, help="random points (default 10000)")
    parser.add_argument(
        "--db-points",
        type=int,
        default=None,
        help="points for the database path and the agreement check (default: all of them)",
    )
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--backends", default="all", help="spatialite, postgis or all (default)")
    parser.add_argument(
        "--postgis-url", default=DEFAULT_POSTGIS_URL, help="benchmark PostGIS database"
    )
    parser.add_argument(
        "--retries", type=int, default=2, help="re-runs when the machine was busy (default 2)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db_points = args.db_points or args.points
    if args.child:
        print(json.dumps(child(args.points, args.seed, db_points)))
        return
    print("Point → areas, in process")
    print_machine(machine_info(args.postgis_url))
    results = run(
        parse_backends(args.backends),
        args.points,
        args.seed,
        db_points,
        args.postgis_url,
        args.retries,
    )
    print()
    report(results)


if __name__ == "__main__":
    main()

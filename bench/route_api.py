#!/usr/bin/env python
"""Benchmark GET /api/v1/route under the production server (gunicorn, 2 sync workers)
with wrk on the same machine, and the need-matching accuracy on the labelled set.

    .venv/bin/python bench/route_api.py                      # SQLite + SpatiaLite
    DATABASE_URL=postgis://postgres@127.0.0.1:5432/joinedup_bench .venv/bin/python bench/route_api.py

It builds a fresh database in a temporary folder (SQLite) or uses the given PostGIS
database (created, migrated and loaded with the bundled data if needed), starts gunicorn on
127.0.0.1:$BENCH_PORT (default 8231), warms up, runs wrk for $BENCH_SECONDS (default
20) over a mix of real sample postcodes and resident phrasings, then stops the server.
Prints a Markdown table; the raw figures go to bench/results/route_api.json.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8231"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = 2

PHRASES = [
    "my bins weren't emptied",
    "huge hole in the road",
    "car dumped outside for weeks",
    "street light not working",
    "pay my council tax",
    "someone dumped rubbish in the alley",
    "noisy neighbours",
    "apply for a blue badge",
]

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        args, env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def sample_paths(count: int = 2000) -> list[str]:
    rows = []
    for path in sorted((ROOT / "data" / "postcodes").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows.extend(r["pcds"] for r in csv.DictReader(handle) if r["laua"])
    rng = random.Random(3)
    return [
        "/api/v1/route?"
        + urllib.parse.urlencode({"q": rng.choice(PHRASES), "postcode": rng.choice(rows)})
        for _ in range(count)
    ]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"server did not answer {url}")


def wrk(url_base: str, paths: list[str], workdir: Path, seconds: int) -> dict[str, float]:
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "mix.lua"
    script.write_text(WRK_SCRIPT % {"paths": paths_file})
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url_base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, status_errors, socket_errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "req_per_s": round(requests / (duration_us / 1e6), 1),
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
        "non_2xx": status_errors,
        "socket_errors": socket_errors,
    }


def main() -> None:
    import argparse

    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()  # no options (settings come from the environment); --help prints the above
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="joinedup-bench-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "JOINEDUP_VAR_DIR": str(workdir),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    database = (
        "PostgreSQL + PostGIS"
        if env.get("DATABASE_URL", "").startswith("postgis")
        else "SQLite + SpatiaLite"
    )
    if database.startswith("PostgreSQL"):
        sys.path.insert(0, str(ROOT / "bench"))
        from _common import ensure_postgis_database

        ensure_postgis_database(env["DATABASE_URL"])
    for command in (
        ["migrate", "-v0"],
        ["geo_load_bundled"],
        ["catalogue_load"],
        ["demo_load"],
        ["catalogue_load_demo"],
    ):
        run([PY, "manage.py", *command], env)
    accuracy = run([PY, "manage.py", "catalogue_evaluate"], env).strip().splitlines()
    load_before = os.getloadavg()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_for(base + "/healthz")
        paths = sample_paths()
        wrk(base, paths[:200], workdir, 3)  # warm both workers' indexes
        floor = wrk(base, ["/healthz"], workdir, max(SECONDS // 2, 5))
        route = wrk(base, paths, workdir, SECONDS)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()
    result = {
        "machine": machine(),
        "database": database,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "route": route,
        "healthz_floor": floor,
        "accuracy": accuracy,
    }
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    name = "route_api_postgis.json" if "PostGIS" in database else "route_api_sqlite.json"
    (results / name).write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)
    m = result["machine"]
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}, Python {m['python']}"
    )
    print(
        f"Database: {database}; gunicorn {WORKERS} sync workers; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s"
    )
    print(
        f"Load average before {result['load_average_before']}, after {result['load_average_after']}"
    )
    print()
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|")
    for label, r in (
        ("GET /api/v1/route (mixed postcodes and phrasings)", route),
        ("GET /healthz (floor)", floor),
    ):
        print(
            f"| {label} | {r['req_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['non_2xx']} |"
        )
    print()
    for line in accuracy:
        print(line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

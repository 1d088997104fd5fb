"""What the Open311 benchmarks share: Django set up for the helpers that make a
throwaway database and a gunicorn server (joinedup.integrations.open311.testing), the
machine's description, and running wrk with a Lua script that reports JSON."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("BENCH_POSTGIS_URL", "postgis://postgres@127.0.0.1:5432/joinedup_requests")

import django  # noqa: E402

django.setup()

from joinedup.integrations.open311 import testing  # noqa: E402

__all__ = ["load", "lua_string", "machine", "testing", "wrk"]


REPORT_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "mean_us": %.1f, "max_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.mean, latency.max, e.connect,
    e.read, e.write, e.status, e.timeout))
end
"""


def machine() -> dict[str, str]:
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    pg = "unknown"
    with contextlib.suppress(Exception):
        import psycopg

        url = (
            "postgresql://"
            + os.environ["BENCH_POSTGIS_URL"].split("://", 1)[1].rsplit("/", 1)[0]
            + "/postgres"
        )
        with psycopg.connect(url, connect_timeout=5) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            postgis = conn.execute(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"
            ).fetchone()
            pg = f"PostgreSQL {version[0] if version else '?'}, PostGIS {postgis[0] if postgis else '?'}"
    wrk = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return {
        "CPU": fields.get("model name", platform.processor() or "unknown"),
        "Cores": str(os.cpu_count()),
        "RAM": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Database": pg,
        "wrk": wrk[0] if wrk else "missing",
    }


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def wrk(url: str, lua: str, *, seconds: int, connections: int, threads: int = 2) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + REPORT_DONE)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        os.unlink(script.name)
    for line in result.stdout.splitlines():
        if line.startswith("JSON "):
            data = json.loads(line[5:])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError(f"wrk failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

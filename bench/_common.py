"""What the benchmarks share: the machine they ran on, scratch databases for both
backends, the random sample points, and percentiles.

Each benchmark runs Django in child processes (one per database backend), so that
settings are read afresh from the environment the child is given.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import platform
import random
import resource
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
POSTCODES = ROOT / "data" / "postcodes"
BACKENDS = ("spatialite", "postgis")
DEFAULT_POSTGIS_URL = os.environ.get(
    "BENCH_POSTGIS_URL", "postgis://postgres@127.0.0.1:5432/joinedup_bench_data"
)
# A figure is flagged as taken on a busy machine (and run_all.py measures it again) when
# other work took more than this much CPU, in cores, while it ran. The load average is
# reported too, but it counts the benchmark's own earlier work, so it is not the test.
BUSY_OTHER_CORES = 0.15

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- The machine ----------------------------------------------------------------------


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def _cpu_model() -> str:
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    name = fields.get("model name") or platform.processor() or "unknown"
    if "cpu family" in fields:
        name += f" (family {fields['cpu family']}, model {fields.get('model', '?')})"
    if "hypervisor" in fields.get("flags", "").split():
        name += ", virtual machine"
    return name


def _memory_gib() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    return 0.0


def _os_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    return f"{platform.system()} {platform.release()}"


def _postgres_versions(url: str) -> str:
    """The server's and PostGIS's versions; asked of the server's `postgres` database when
    the benchmark's own database has not been made yet (a first run)."""
    try:
        import psycopg

        try:
            conn = psycopg.connect(_libpq_url(url), connect_timeout=5)
        except psycopg.OperationalError:
            conn = psycopg.connect(_libpq_url(url), dbname="postgres", connect_timeout=5)
        with conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
            row = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
            ).fetchone()
            if row:
                geos = conn.execute("SELECT postgis_geos_version()").fetchone()[0]
                return f"PostgreSQL {pg}, PostGIS {row[0]} (GEOS {geos})"
            row = conn.execute(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"
            ).fetchone()
            return f"PostgreSQL {pg}, PostGIS {row[0] if row else 'not installed'}"
    except Exception as exc:  # a missing server is reported, not fatal
        return f"PostgreSQL unavailable ({exc.__class__.__name__})"


def _spatialite_version() -> str:
    try:
        conn = sqlite3.connect(":memory:")
        conn.enable_load_extension(True)
        conn.load_extension(os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"))
        version = conn.execute("SELECT spatialite_version()").fetchone()[0]
        geos = conn.execute("SELECT geos_version()").fetchone()[0]
        return f"SQLite {sqlite3.sqlite_version}, SpatiaLite {version} (GEOS {geos})"
    except Exception as exc:  # an extension that will not load is reported
        return f"SQLite {sqlite3.sqlite_version}, SpatiaLite unavailable ({exc})"


def machine_info(postgis_url: str = DEFAULT_POSTGIS_URL) -> dict[str, str]:
    """What a reader needs to judge the figures: the hardware, the software, the load."""
    import django
    import shapely

    load = load_average()
    return {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "RAM": f"{_memory_gib():.0f} GiB",
        "OS": _os_name(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Django": django.get_version(),
        "Shapely": f"{shapely.__version__} (GEOS {shapely.geos_version_string})",
        "PostgreSQL": _postgres_versions(postgis_url),
        "SpatiaLite": _spatialite_version(),
        "Load average": f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (1, 5, 15 min)",
    }


def print_machine(info: dict[str, str]) -> None:
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"  {key:<{width}}  {value}")


_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_jiffies() -> tuple[int, int]:
    """(busy, steal) CPU jiffies of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal


def _process_table() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, CPU jiffies used, command line) of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rest = stat.rsplit(")", 1)[1].split()
        # Fields after the command name: state ppid ... utime(12) stime(13).
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), cmdline)
    return table


class CpuMeter:
    """How much CPU other work on this shared machine took while a figure was measured.

    Other = the machine's busy CPU time minus that of this benchmark's own processes
    (this process and its descendants, children that have exited, and PostgreSQL
    backends serving the benchmark's database), over the measured wall time, in cores.
    """

    def __init__(self, database_name: str | None = None) -> None:
        self.database_name = database_name

    def _ours(self, table: dict[int, tuple[int, int, str]]) -> dict[int, int]:
        me = os.getpid()
        ours: dict[int, int] = {}
        for pid, (_ppid, jiffies, cmdline) in table.items():
            chain, p = set(), pid
            while p > 1 and p not in chain:
                chain.add(p)
                if p == me:
                    break
                p = table.get(p, (0, 0, ""))[0]
            db = self.database_name
            if p == me or (db and cmdline.startswith("postgres:") and f" {db} " in cmdline):
                ours[pid] = jiffies
        return ours

    @staticmethod
    def _children_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def __enter__(self) -> CpuMeter:
        self.load_before = load_average()[0]
        self._busy, self._steal = _machine_jiffies()
        self._ours_before = self._ours(_process_table())
        self._children = self._children_seconds()
        self._wall = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.monotonic() - self._wall
        busy, steal = _machine_jiffies()
        ours_after = self._ours(_process_table())
        ours = sum(j - self._ours_before.get(pid, 0) for pid, j in ours_after.items())
        ours_s = ours / _TICKS + self._children_seconds() - self._children
        self.wall = wall
        self.ours_cores = ours_s / wall
        self.other_cores = max(0.0, (busy - self._busy) / _TICKS - ours_s) / wall
        self.steal_cores = (steal - self._steal) / _TICKS / wall
        self.load_after = load_average()[0]

    @property
    def busy(self) -> bool:
        return self.other_cores > BUSY_OTHER_CORES

    def summary(self) -> dict[str, float | bool]:
        return {
            "load_before": self.load_before,
            "other_cores": self.other_cores,
            "ours_cores": self.ours_cores,
            "steal_cores": self.steal_cores,
            "busy": self.busy,
        }


def load_note(meter: dict) -> str:
    """The machine's load around a figure: the 1-minute load average before it started,
    and the CPU (in cores) that other work took while it ran; flagged when busy."""
    flag = " BUSY" if meter["busy"] else ""
    return f"load {meter['load_before']:.2f}, others {meter['other_cores']:.2f} cores{flag}"


# --- Statistics -----------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of values already sorted ascending."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --- Sample points --------------------------------------------------------------------


def live_postcode_points() -> list[tuple[float, float]]:
    """(lon, lat) of every live postcode with a location in the bundled NSPL samples."""
    points = []
    for path in sorted(POSTCODES.glob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if row["doterm"].strip() or not row["lat"] or not row["long"]:
                    continue
                lat, lon = float(row["lat"]), float(row["long"])
                if -90 <= lat <= 90:  # ONS writes 99.999999 for "no grid reference"
                    points.append((lon, lat))
    return points


def random_points(count: int, seed: int) -> list[tuple[float, float]]:
    """`count` points drawn at random (with replacement) from the live sample postcodes."""
    population = live_postcode_points()
    rng = random.Random(seed)
    return [rng.choice(population) for _ in range(count)]


# --- Databases ------------------------------------------------------------------------


def _libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def ensure_postgis_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database with PostGIS if it is not there yet."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    maintenance = _libpq_url(url).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(_libpq_url(url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


@dataclass
class Backend:
    """A database set up for a benchmark, and the environment a child process needs."""

    name: str
    env: dict[str, str]
    var_dir: Path
    _owned: list[Path] = field(default_factory=list)

    def run(
        self, *args: str | os.PathLike, check: bool = True, capture: bool = False
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PYTHON), *map(str, args)],
            cwd=ROOT,
            env=self.env,
            check=check,
            text=True,
            stdout=subprocess.PIPE if capture else None,
        )

    def manage(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        return self.run(ROOT / "manage.py", *args, capture=capture)


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of a production deployment on loopback, with a throwaway key."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        JOINEDUP_VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


@contextlib.contextmanager
def backend(
    name: str, postgis_url: str = DEFAULT_POSTGIS_URL, quiet: bool = True
) -> Iterator[Backend]:
    """A database of the given kind holding the bundled real data (migrate +
    geo_load_bundled): SpatiaLite in a fresh temporary directory, PostGIS in the
    benchmark's own database (created if missing; loading skips files already loaded)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    var_dir = Path(tempfile.mkdtemp(prefix=f"joinedup-bench-{name}-"))
    env = production_env(var_dir)
    if name == "postgis":
        ensure_postgis_database(postgis_url)
        env["DATABASE_URL"] = postgis_url
    db = Backend(name=name, env=env, var_dir=var_dir)
    try:
        started = time.perf_counter()
        db.manage("migrate", "-v0", capture=quiet)
        db.manage("geo_load_bundled", capture=quiet)
        if not quiet:
            print(f"  {name}: database ready in {time.perf_counter() - started:.1f}s")
        yield db
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def child_json(db: Backend, script: Path, *args: str) -> dict:
    """Run a benchmark script as a child on `db` and return the JSON it prints last."""
    out = db.run(script, "--child", *args, capture=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def parse_backends(value: str) -> list[str]:
    names = list(BACKENDS) if value == "all" else [v.strip() for v in value.split(",")]
    for n in names:
        if n not in BACKENDS:
            raise SystemExit(f"unknown backend {n!r}; choose all or {', '.join(BACKENDS)}")
    return names


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(f"{c!s:<{w}}" for c, w in zip(row, widths, strict=True)))

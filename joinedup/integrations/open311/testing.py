"""A real server on a database of its own, for the tests that kill it and for the
benchmarks: never the pytest test database, which the server's processes cannot see.

    with throwaway_database("postgis" or "spatialite", workdir) as db:
        prepare_database(db)                # migrate + the bundled data + a demo partnership
        key = issue_key(db)
        with GunicornServer(db, port=8501, workers=2) as server:
            ...

Only loopback addresses are used, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYTHON = sys.executable


@dataclass(frozen=True)
class ThrowawayDatabase:
    url: str
    workdir: Path
    backend: str  # "postgis" or "spatialite"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a production-mode process on this database."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.base",
            DATABASE_URL=self.url,
            SECRET_KEY="throwaway-" + secrets.token_urlsafe(40),
            DEBUG="0",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            SECURE_HSTS_SECONDS="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            JOINEDUP_VAR_DIR=str(self.workdir / "var"),
            MEDIA_ROOT=str(self.workdir / "media"),
            JOBS_RUN_ON_COMMIT="0",
            LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env

    def connect(self):
        """A DB-API connection straight to the database (no Django), for checks."""
        if self.backend == "postgis":
            import psycopg

            return psycopg.connect(_libpq(self.url), autocommit=True)
        import sqlite3

        return sqlite3.connect(self.url.removeprefix("spatialite:///"))


def _libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def _admin_url(url: str) -> str:
    return _libpq(url).rsplit("/", 1)[0] + "/postgres"


@contextlib.contextmanager
def throwaway_database(
    backend: str, workdir: Path, *, name: str | None = None, keep: bool = False
) -> Iterator[ThrowawayDatabase]:
    """A fresh database, dropped afterwards (unless `keep`): PostGIS on the server
    DATABASE_URL (or BENCH_POSTGIS_URL) points at, or a SpatiaLite file in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    if backend == "spatialite":
        path = workdir / "throwaway.sqlite3"
        path.unlink(missing_ok=True)
        yield ThrowawayDatabase(url=f"spatialite:///{path}", workdir=workdir, backend=backend)
        return
    import psycopg

    base = (
        os.environ.get("BENCH_POSTGIS_URL")
        or os.environ.get("DATABASE_URL")
        or ("postgis://postgres@127.0.0.1:5432/joinedup_requests")
    )
    db_name = name or f"joinedup_requests_throwaway_{os.getpid()}_{secrets.token_hex(3)}"
    url = base.rsplit("/", 1)[0] + "/" + db_name
    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    try:
        yield ThrowawayDatabase(url=url, workdir=workdir, backend=backend)
    finally:
        if not keep:
            with psycopg.connect(_admin_url(base), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def manage(db: ThrowawayDatabase, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=db.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare_database(db: ThrowawayDatabase) -> None:
    """What `make setup` does: the schema, the bundled geography and catalogue, the demo
    partnership and its provisions, and the request types."""
    for command in (
        ["migrate", "-v0"],
        ["geo_load_bundled"],
        ["catalogue_load"],
        ["demo_load"],
        ["catalogue_load_demo"],
        ["service_requests_load"],
    ):
        manage(db, *command)


def issue_key(db: ThrowawayDatabase, organisation: str = "sutton", name: str = "load test") -> str:
    return manage(db, "open311_issue_key", "--organisation", organisation, "--name", name).strip()


def free_port(ports: range = range(8500, 8600)) -> int:
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


class GunicornServer:
    """gunicorn with sync workers in a process group of its own, so that `kill()` takes
    down the master and every worker at once, as a crash would."""

    def __init__(
        self, db: ThrowawayDatabase, *, port: int, workers: int = 2, access_log: bool = False
    ) -> None:
        self.db = db
        self.port = port
        self.workers = workers
        self.access_log = access_log
        self.process: subprocess.Popen | None = None
        self.log = db.workdir / f"gunicorn-{port}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> GunicornServer:
        args = [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ]
        if self.access_log:
            args += ["--access-logfile", "-"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
                args, cwd=ROOT, env=self.db.env(), stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:  # noqa: S310 (http on the loopback address)
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("gunicorn did not start in time")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no graceful shutdown, requests cut off."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

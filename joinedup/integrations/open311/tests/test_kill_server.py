"""An acknowledged request is never lost: a real gunicorn server, on a database of its
own, is killed (SIGKILL to the master and both workers) in the middle of a burst of
POSTs; every service_request_id a client was given must then be in the database, whole
(its history entry, audit record and the job that sends its acknowledgement), and the
server must come back up on the same data."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from joinedup.integrations.open311.testing import (
    GunicornServer,
    free_port,
    issue_key,
    prepare_database,
    throwaway_database,
)

THREADS = 8
KILL_AFTER_ACKS = 40
BURST_SECONDS = 60  # upper bound; the burst ends soon after the kill
SUTTON_POINT = {"lat": "51.359722", "long": "-0.193121"}


def _backend() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgis" if engine.endswith("postgis") else "spatialite"


def _post(base: str, key: str, tag: str) -> str | None:
    body = urllib.parse.urlencode(
        {
            "api_key": key,
            "service_code": "potholes",
            **SUTTON_POINT,
            "attribute[depth]": "deep",
            "description": tag,
            "email": "burst@example.org",
        }
    ).encode()
    request = urllib.request.Request(f"{base}/open311/v2/requests.json", data=body, method="POST")  # noqa: S310 (http on the loopback address)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http on the loopback address)
        if response.status != 200:
            return None
        return json.loads(response.read())[0]["service_request_id"]


@pytest.mark.slow
def test_every_acknowledged_request_survives_a_killed_server(tmp_path):
    backend = _backend()
    with throwaway_database(backend, tmp_path / "kill") as db:
        prepare_database(db)
        key = issue_key(db)
        server = GunicornServer(db, port=free_port(), workers=2).start()
        acknowledged: dict[str, str] = {}
        failures: list[str] = []
        cut_off: list[str] = []
        lock = threading.Lock()
        killed = threading.Event()
        deadline = time.monotonic() + BURST_SECONDS

        def client(thread: int) -> None:
            n = 0
            errors_after_kill = 0
            while time.monotonic() < deadline and errors_after_kill < 3:
                tag = f"burst-{thread}-{n}"
                n += 1
                try:
                    sr_id = _post(server.base, key, tag)
                except urllib.error.HTTPError as exc:
                    # A status from the server is an answer, not a crash: record it.
                    with lock:
                        failures.append(f"{tag}: HTTP {exc.code} {exc.read()[:200]!r}")
                    continue
                except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                    if killed.is_set():
                        errors_after_kill += 1
                        with lock:
                            cut_off.append(tag)
                    continue
                if sr_id is not None:
                    with lock:
                        acknowledged[sr_id] = tag

        try:
            with ThreadPoolExecutor(max_workers=THREADS) as pool:
                futures = [pool.submit(client, t) for t in range(THREADS)]
                while time.monotonic() < deadline and len(acknowledged) < KILL_AFTER_ACKS:
                    time.sleep(0.01)
                server.kill()
                killed.set()
                for future in futures:
                    future.result(timeout=BURST_SECONDS)
        finally:
            server.kill()

        assert failures == [], failures[:5]
        assert len(acknowledged) >= KILL_AFTER_ACKS
        assert cut_off, "the server was not killed during the burst"

        with db.connect() as conn:
            cursor = conn.cursor()
            ids = [int(i) for i in acknowledged]
            marks = ",".join(["%s" if backend == "postgis" else "?"] * len(ids))
            cursor.execute(
                f"SELECT id, description FROM service_requests_servicerequest WHERE id IN ({marks})",  # noqa: S608 (placeholders only; the ids are bound)
                ids,
            )
            stored = {str(row[0]): row[1] for row in cursor.fetchall()}
            assert stored == acknowledged, "an acknowledged request is missing or changed"
            # Nothing half-written: every request the API took (acknowledged or not) has
            # its history entry, its audit record and its acknowledgement job. (The demo
            # data holds a resident's earlier requests made on the website.)
            cursor.execute(
                "SELECT COUNT(*) FROM service_requests_servicerequest WHERE channel = 'open311'"
            )
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT COUNT(DISTINCT e.request_id) FROM service_requests_requestevent e "
                "JOIN service_requests_servicerequest r ON r.id = e.request_id "
                "WHERE e.kind = 'created' AND r.channel = 'open311'"
            )
            assert cursor.fetchone()[0] == total
            cursor.execute(
                "SELECT COUNT(*) FROM core_auditevent a "
                "JOIN service_requests_servicerequest r ON a.object_id = CAST(r.id AS TEXT) "
                "WHERE a.action = 'service_request.create' "
                "AND a.object_type = 'service_requests.servicerequest' AND r.channel = 'open311'"
            )
            assert cursor.fetchone()[0] == total
            cursor.execute(
                "SELECT COUNT(*) FROM jobs_job WHERE task_name = 'service_requests.acknowledge'"
            )
            assert cursor.fetchone()[0] == total
            assert total >= len(acknowledged)

        # The server comes back on the same data and serves what it acknowledged.
        with GunicornServer(db, port=free_port(), workers=2) as again:
            some = sorted(acknowledged, key=int)[:5]
            with urllib.request.urlopen(  # noqa: S310 (http on the loopback address)
                f"{again.base}/open311/v2/requests.json?service_request_id={','.join(some)}",
                timeout=10,
            ) as response:
                rows = json.loads(response.read())
            assert sorted(r["service_request_id"] for r in rows) == sorted(some)

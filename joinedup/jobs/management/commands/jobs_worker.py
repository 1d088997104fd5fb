import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from joinedup.jobs.services import jobs_run_pending, periodic_enqueue_due, worker_id


class Command(BaseCommand):
    help = "Run background jobs until stopped (or once with --once). Safe to run several."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is ready, then exit")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls")

    def handle(self, *args, once: bool, interval: float, **opts):
        me = worker_id()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True  # finish the current job, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"jobs worker {me} started")
        while not stopping:
            if not once:
                # A long-lived process: drop connections the database has closed.
                close_old_connections()
            periodic_enqueue_due()
            for outcome in jobs_run_pending(limit=50, worker=me):
                self.stdout.write(
                    f"job {outcome.job_id}: {outcome.status} {outcome.error}".rstrip()
                )
                if stopping:
                    break
            if once:
                break
            time.sleep(interval)
        self.stdout.write(f"jobs worker {me} stopped")

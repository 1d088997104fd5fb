"""Enqueue, claim and run background jobs. Works the same on PostgreSQL and SQLite:
a job is claimed with a conditional UPDATE (only one worker's UPDATE matches), and on
PostgreSQL candidates are first picked with SKIP LOCKED so workers do not queue up on
the same row."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import socket
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from joinedup.core.audit import audit_context
from joinedup.jobs.models import Job, JobStatus, PeriodicSchedule
from joinedup.jobs.registry import get_task, periodic_tasks

logger = logging.getLogger(__name__)

# How long a worker may hold a job before another worker may assume it died.
DEFAULT_LEASE_SECONDS = 5 * 60


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def job_enqueue(*, task_name: str, kwargs: dict, run_after=None) -> Job:
    """Record a job in the current transaction. It becomes visible to workers when the
    transaction commits and disappears with it if it rolls back, so a side effect can
    never escape a change that did not happen, and no committed change loses its job
    (a plain `on_commit` hook would be lost if the process died just after COMMIT)."""
    task = get_task(task_name)  # fail fast on a typo, in the caller's transaction
    job = Job.objects.create(
        task_name=task_name,
        kwargs=kwargs,
        max_attempts=task.max_attempts,
        run_after=run_after or timezone.now(),
    )
    if getattr(settings, "JOBS_RUN_ON_COMMIT", False):
        # Small deployments without a worker: run it straight after COMMIT, in this
        # process. A failure leaves it pending for a worker or the next request to retry.
        transaction.on_commit(lambda: job_run(job_id=job.pk))
    return job


def _ready_filter(now) -> Q:
    return Q(status=JobStatus.PENDING, run_after__lte=now) | Q(
        status=JobStatus.RUNNING, locked_until__lt=now
    )


def job_claim(*, worker: str, lease_seconds: int = DEFAULT_LEASE_SECONDS) -> Job | None:
    """Take the next ready job (or one whose worker's lease ran out)."""
    now = timezone.now()
    for _ in range(5):  # another worker may win a race for a candidate: try the next
        try:
            job = _claim_once(worker, now, lease_seconds)
        except OperationalError:
            # SQLite refuses a write whose read was overtaken by another writer
            # ("database is locked"): that worker won; look again.
            continue
        if job is not None:
            return job if job.pk else None
    return None


def _claim_once(worker: str, now, lease_seconds: int) -> Job | None:
    """One attempt: the job claimed, an unsaved Job() if nothing is ready, or None if
    another worker took the candidate first."""
    with transaction.atomic():
        candidates = Job.objects.filter(_ready_filter(now)).order_by("run_after", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        job = candidates.first()
        if job is None:
            return Job()
        claimed = Job.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
            status=JobStatus.RUNNING,
            attempts=job.attempts + 1,
            locked_by=worker,
            locked_until=now + dt.timedelta(seconds=lease_seconds),
        )
    if not claimed:
        return None
    job.refresh_from_db()
    return job


@dataclass
class JobOutcome:
    job_id: int
    status: str
    error: str = ""


def job_run(*, job_id: int, worker: str | None = None) -> JobOutcome:
    """Claim one particular job (if it is ready) and run it."""
    worker = worker or worker_id()
    now = timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(_ready_filter(now))
        .update(
            status=JobStatus.RUNNING,
            locked_by=worker,
            locked_until=now + dt.timedelta(seconds=DEFAULT_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        job = Job.objects.filter(pk=job_id).first()
        return JobOutcome(job_id, job.status if job else "missing")
    return _execute(Job.objects.get(pk=job_id), worker)


def _execute(job: Job, worker: str) -> JobOutcome:
    try:
        task = get_task(job.task_name)
    except KeyError:
        Job.objects.filter(pk=job.pk, locked_by=worker).update(
            status=JobStatus.FAILED,
            last_error=f"Unknown task {job.task_name!r}",
            finished_at=timezone.now(),
            locked_until=None,
        )
        return JobOutcome(job.pk, JobStatus.FAILED, "unknown task")
    try:
        with audit_context(f"job:{job.task_name}"):
            task.func(**job.kwargs)
    except Exception as exc:
        error = "".join(traceback.format_exception(exc))[-4000:]
        if job.attempts >= job.max_attempts:
            status = JobStatus.FAILED
            run_after = job.run_after
            logger.error("job %s %s failed for good: %s", job.pk, job.task_name, exc)
        else:
            status = JobStatus.PENDING
            delay = task.backoff(job.attempts)
            # Jitter spreads retries so a recovering service is not hit all at once.
            delay *= random.uniform(0.8, 1.2)
            run_after = timezone.now() + dt.timedelta(seconds=delay)
            logger.warning(
                "job %s %s failed (attempt %s): %s", job.pk, job.task_name, job.attempts, exc
            )
        Job.objects.filter(pk=job.pk, locked_by=worker).update(
            status=status,
            last_error=error,
            run_after=run_after,
            locked_until=None,
            finished_at=timezone.now() if status == JobStatus.FAILED else None,
        )
        return JobOutcome(job.pk, status, str(exc))
    Job.objects.filter(pk=job.pk, locked_by=worker).update(
        status=JobStatus.DONE, finished_at=timezone.now(), locked_until=None, last_error=""
    )
    return JobOutcome(job.pk, JobStatus.DONE)


def job_run_next(*, worker: str | None = None) -> JobOutcome | None:
    worker = worker or worker_id()
    job = job_claim(worker=worker)
    if job is None:
        return None
    return _execute(job, worker)


def jobs_run_pending(*, limit: int = 1000, worker: str | None = None) -> list[JobOutcome]:
    """Run ready jobs until none is left (or `limit`): what one worker pass does, and
    what tests call to play the worker."""
    outcomes = []
    for _ in range(limit):
        outcome = job_run_next(worker=worker)
        if outcome is None:
            break
        outcomes.append(outcome)
    return outcomes


def periodic_enqueue_due() -> list[str]:
    """Enqueue every periodic task that is due, once however many workers ask."""
    now = timezone.now()
    enqueued = []
    for task in periodic_tasks():
        assert task.every is not None
        schedule, _created = PeriodicSchedule.objects.get_or_create(
            task_name=task.name, defaults={"next_run_at": now}
        )
        with transaction.atomic():
            moved = PeriodicSchedule.objects.filter(
                pk=schedule.pk, next_run_at=schedule.next_run_at, next_run_at__lte=now
            ).update(next_run_at=now + task.every)
            if moved:
                job_enqueue(task_name=task.name, kwargs={})
                enqueued.append(task.name)
    return enqueued


def jobs_retry(*, job_ids: list[int]) -> int:
    """Put failed jobs back in the queue (an operator's decision after a fix)."""
    return Job.objects.filter(pk__in=job_ids, status=JobStatus.FAILED).update(
        status=JobStatus.PENDING,
        run_after=timezone.now(),
        max_attempts=F("attempts") + 1,
        finished_at=None,
    )

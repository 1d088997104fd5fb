import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from joinedup.jobs.models import Job, JobStatus, PeriodicSchedule
from joinedup.jobs.registry import task
from joinedup.jobs.services import (
    job_claim,
    jobs_retry,
    jobs_run_pending,
    periodic_enqueue_due,
)

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []
FAILURES_LEFT = {"n": 0}


@task("jobs_test.record", max_attempts=3, backoff_base=10)
def record(*, value: int) -> None:
    CALLS.append({"value": value})


@task("jobs_test.flaky", max_attempts=3, backoff_base=10)
def flaky(*, value: int) -> None:
    if FAILURES_LEFT["n"] > 0:
        FAILURES_LEFT["n"] -= 1
        raise ConnectionError("provider down")
    CALLS.append({"value": value})


@task("jobs_test.tick", every=dt.timedelta(minutes=15))
def tick() -> None:
    CALLS.append({"tick": True})


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    FAILURES_LEFT["n"] = 0
    # Only this file's periodic task should be scheduled in these tests.
    yield


def test_a_job_is_stored_and_run_once():
    job = record.enqueue(value=7)
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING
    outcomes = jobs_run_pending()
    assert [(o.job_id, o.status) for o in outcomes] == [(job.pk, JobStatus.DONE)]
    assert CALLS == [{"value": 7}]
    assert jobs_run_pending() == []  # nothing runs twice
    assert CALLS == [{"value": 7}]


def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists():
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue(value=1)
        raise RuntimeError("the change failed")
    assert Job.objects.count() == 0
    assert jobs_run_pending() == []
    assert CALLS == []


def test_failures_are_retried_with_exponential_backoff_then_given_up():
    FAILURES_LEFT["n"] = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        job = flaky.enqueue(value=3)
        outcome = jobs_run_pending()[0]
        assert outcome.status == JobStatus.PENDING
        job.refresh_from_db()
        assert job.attempts == 1
        # first retry after 10 s ± 20 % jitter
        assert 8 <= (job.run_after - start).total_seconds() <= 12
        assert jobs_run_pending() == []  # not before it is due
        clock.shift(13)
        assert jobs_run_pending()[0].status == JobStatus.PENDING
        job.refresh_from_db()
        assert job.attempts == 2
        assert 16 <= (job.run_after - timezone.now()).total_seconds() <= 24  # 20 s ± 20 %
        clock.shift(25)
        assert jobs_run_pending()[0].status == JobStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert "provider down" in job.last_error
    assert CALLS == []


def test_a_job_succeeds_when_the_outside_service_recovers():
    FAILURES_LEFT["n"] = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        flaky.enqueue(value=5)
        jobs_run_pending()
        clock.shift(60)
        assert [o.status for o in jobs_run_pending()] == [JobStatus.DONE]
    assert CALLS == [{"value": 5}]


def test_a_job_whose_worker_died_is_taken_over_when_its_lease_runs_out():
    with time_machine.travel(timezone.now(), tick=False) as clock:
        job = record.enqueue(value=9)
        claimed = job_claim(worker="worker-that-dies", lease_seconds=300)
        assert claimed.pk == job.pk
        # The worker dies without finishing: nobody else may take it yet…
        assert job_claim(worker="other") is None
        clock.shift(301)
        # …but once its lease runs out, another worker runs it.
        outcomes = jobs_run_pending(worker="other")
    assert [(o.job_id, o.status) for o in outcomes] == [(job.pk, JobStatus.DONE)]
    job.refresh_from_db()
    assert (job.attempts, job.locked_by) == (2, "other")
    assert CALLS == [{"value": 9}]


def test_a_claimed_job_cannot_be_claimed_twice():
    record.enqueue(value=1)
    first = job_claim(worker="a")
    second = job_claim(worker="b")
    assert first is not None
    assert second is None


def test_periodic_tasks_are_enqueued_once_per_interval():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert "jobs_test.tick" in periodic_enqueue_due()
        assert "jobs_test.tick" not in periodic_enqueue_due()  # a second worker: nothing
        assert Job.objects.filter(task_name="jobs_test.tick").count() == 1
        clock.shift(15 * 60 + 1)
        assert "jobs_test.tick" in periodic_enqueue_due()
    assert Job.objects.filter(task_name="jobs_test.tick").count() == 2
    schedule = PeriodicSchedule.objects.get(task_name="jobs_test.tick")
    assert schedule.next_run_at == start + dt.timedelta(seconds=15 * 60 + 1 + 15 * 60)


def test_unknown_task_names_are_refused_at_enqueue():
    from joinedup.jobs.services import job_enqueue

    with pytest.raises(KeyError):
        job_enqueue(task_name="no.such.task", kwargs={})
    assert Job.objects.count() == 0


def test_failed_jobs_can_be_retried_by_an_operator():
    FAILURES_LEFT["n"] = 3
    with time_machine.travel(timezone.now(), tick=False) as clock:
        job = flaky.enqueue(value=2)
        for _ in range(3):
            jobs_run_pending()
            clock.shift(3600)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert jobs_retry(job_ids=[job.pk]) == 1
        assert [o.status for o in jobs_run_pending()] == [JobStatus.DONE]
    assert CALLS == [{"value": 2}]


def test_worker_command_runs_ready_jobs_once(capsys):
    job = record.enqueue(value=4)
    call_command("jobs_worker", "--once")
    assert f"job {job.pk}: done" in capsys.readouterr().out
    # the pass also enqueues and runs periodic tasks that are due (jobs_test.tick)
    assert [c for c in CALLS if "value" in c] == [{"value": 4}]


def test_run_on_commit_setting_runs_the_job_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RUN_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        job = record.enqueue(value=11)
        assert CALLS == []  # nothing before COMMIT
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert CALLS == [{"value": 11}]

"""The persistent queue: one row per piece of background work."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed (no more retries)"


class Job(models.Model):
    """Work to do outside the request: written in the same transaction as the change
    that caused it, so it exists exactly when that change does, and kept until done.
    A worker leases a job; if the worker dies the lease runs out and another takes it."""

    task_name = models.CharField(max_length=100, db_index=True)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    run_after = models.DateTimeField(default=timezone.now, db_index=True)
    locked_by = models.CharField(max_length=64, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_after", "id"]
        indexes = [models.Index(fields=["status", "run_after"], name="job_ready_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk} ({self.status})"


class PeriodicSchedule(models.Model):
    """When a periodic task is next due. Workers move `next_run_at` on with a
    conditional UPDATE, so however many workers run, each due run is enqueued once."""

    task_name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_name} next at {self.next_run_at:%Y-%m-%d %H:%M}"

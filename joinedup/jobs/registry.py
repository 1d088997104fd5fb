"""Background tasks: a function decorated with `@task(...)` can be enqueued by name.

    @task("govuk_notify.deliver", max_attempts=10)
    def deliver(*, message_id: int) -> None: ...

    deliver.enqueue(message_id=message.pk)

Arguments are keyword-only and must be JSON-serialisable, because they are stored.
Tasks run at least once (a worker may die after the work but before marking it done),
so every task must be safe to run twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_REGISTRY: dict[str, Task] = {}


@dataclass
class Task:
    name: str
    func: Callable[..., Any]
    max_attempts: int = 8
    # Seconds before retry n is exponential: base * 2**(n-1), capped.
    backoff_base: float = 30.0
    backoff_cap: float = 6 * 60 * 60
    every: dt.timedelta | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __call__(self, **kwargs: Any) -> Any:
        return self.func(**kwargs)

    def enqueue(self, *, run_after: dt.datetime | None = None, **kwargs: Any):
        from joinedup.jobs.services import job_enqueue

        return job_enqueue(task_name=self.name, kwargs=kwargs, run_after=run_after)

    def backoff(self, attempts: int) -> float:
        return min(self.backoff_base * (2 ** max(attempts - 1, 0)), self.backoff_cap)


def task(
    name: str,
    *,
    max_attempts: int = 8,
    backoff_base: float = 30.0,
    backoff_cap: float = 6 * 60 * 60,
    every: dt.timedelta | None = None,
) -> Callable[[Callable[..., Any]], Task]:
    """Register a background task. `every` makes it periodic: workers enqueue it once
    per interval (see `jobs.services.periodic_enqueue_due`)."""

    def register(func: Callable[..., Any]) -> Task:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"Task name {name!r} is already registered")
        registered = Task(
            name=name,
            func=func,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            every=every,
        )
        _REGISTRY[name] = registered
        return registered

    return register


def get_task(name: str) -> Task:
    return _REGISTRY[name]


def periodic_tasks() -> list[Task]:
    return [t for t in _REGISTRY.values() if t.every is not None]

"""Background work of service requests, run by the persistent job queue."""

from joinedup.jobs.registry import task
from joinedup.service_requests.services import (
    service_request_acknowledge,
    service_request_event_notify,
)


@task("service_requests.acknowledge", max_attempts=10)
def acknowledge(*, request_id: int) -> None:
    service_request_acknowledge(request_id=request_id)


@task("service_requests.notify_event", max_attempts=10)
def notify_event(*, event_id: int) -> None:
    service_request_event_notify(event_id=event_id)

"""The demonstration reports `make setup` loads: real routing, real history, once."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.core.models import AuditEvent
from joinedup.service_requests.demo import CHANNEL_REF, demo_requests_load
from joinedup.service_requests.models import OPEN_STATUSES, ServiceRequest, Status

pytestmark = pytest.mark.django_db


def test_demo_reports_are_routed_worked_on_and_dated_back(partners):
    now = timezone.now()
    result = demo_requests_load(now=now)
    demo = ServiceRequest.objects.filter(channel_ref=CHANNEL_REF).select_related("organisation")
    assert result.created == demo.count() >= 60
    # Every partner taking reports has some, each routed to the body the front door names.
    assert set(result.by_organisation) == {
        "London Borough of Sutton",
        "London Borough of Merton",
        "Reigate and Banstead Borough Council",
        "Epsom and Ewell Borough Council",
        "Surrey County Council",
    }
    assert all(
        r.organisation.gss_code != "E10000030"
        or r.service.code
        in {
            "potholes",
            "street-lights",
            "pavement-problems",
            "road-flooding",
            "gritting",
            "traffic-lights",
        }
        for r in demo
    )
    statuses = {r.status for r in demo}
    assert Status.OPEN in statuses and Status.FIXED in statuses
    assert statuses & (set(OPEN_STATUSES) - {Status.OPEN})
    for request in demo:
        assert now - dt.timedelta(days=41) < request.requested_at < now
        assert request.due_at > request.requested_at
        assert request.is_open == (request.status in OPEN_STATUSES)
        assert (request.closed_at is None) == request.is_open
        times = [e.created_at for e in request.events.all()]
        assert times == sorted(times) and times[0] == request.requested_at
        assert request.email == "" or request.email.endswith(".invalid")
    assert AuditEvent.objects.filter(action="service_request.create").count() >= result.created
    assert result.updates == AuditEvent.objects.filter(action="service_request.respond").count()


def test_demo_reports_load_once(partners):
    first = demo_requests_load()
    again = demo_requests_load()
    assert again.skipped and again.created == 0
    assert ServiceRequest.objects.filter(channel_ref=CHANNEL_REF).count() == first.created

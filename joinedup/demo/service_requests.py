"""The demo resident's service requests at Sutton: one fixed a few weeks ago, one still
being looked at, both linked to her record as her own signed-in reports are. Under
DSA-SM-001 Merton's officers see them on her record (not her council tax); she sees
them in "Your account"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.catalogue.models import Service
from joinedup.core.audit import audit_record
from joinedup.core.models import Organisation, User
from joinedup.crm.models import Person
from joinedup.geo.models import COUNCIL_AREA_TYPES, WARD_AREA_TYPES
from joinedup.routing.places import Place, PlaceError, PlaceNotFound, place_from_postcode
from joinedup.service_requests.models import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    RequestEvent,
    ServiceRequest,
    Status,
)

CHANNEL_REF = "demo"
POSTCODE = "SM1 1AA"


@dataclass(frozen=True)
class DemoRequest:
    ref: str
    service: str
    description: str
    location: str
    reported_days_ago: int
    status: str
    update: str
    updated_days_ago: int


DEMO_REQUESTS = [
    DemoRequest(
        "demo-resident-1",
        "missed-bin",
        "The green recycling box was not emptied on collection day.",
        "24 Cheam Road",
        40,
        Status.FIXED,
        "Collected on the return visit. Sorry for the wait.",
        38,
    ),
    DemoRequest(
        "demo-resident-2",
        "street-lights",
        "The street light outside number 30 flickers and goes off after dark.",
        "Outside 30 Cheam Road",
        3,
        Status.INVESTIGATING,
        "An engineer will check the light this week.",
        2,
    ),
]


def _place() -> Place | None:
    try:
        return place_from_postcode(POSTCODE)
    except (PlaceError, PlaceNotFound):
        return None


def demo_resident_requests_load(
    *, person: Person, user: User, organisation: Organisation, officer: User
) -> list[ServiceRequest]:
    """Create (once) the resident's requests. Needs the catalogue's services
    (catalogue_load) and the bundled postcodes (geo_load_bundled), which `make setup`
    loads before demo_load; without them nothing is made."""
    place = _place()
    if place is None or place.lat is None or place.lon is None:
        return []
    ward = next((a.id for a in place.areas if a.type in WARD_AREA_TYPES), None)
    district = next((a.id for a in place.areas if a.type in COUNCIL_AREA_TYPES), None)
    now = timezone.now()
    made = []
    for demo in DEMO_REQUESTS:
        existing = ServiceRequest.objects.filter(
            channel_ref=CHANNEL_REF, external_ref=demo.ref
        ).first()
        if existing is not None:
            made.append(existing)
            continue
        service = Service.objects.filter(code=demo.service).first()
        if service is None:
            continue
        reported = now - dt.timedelta(days=demo.reported_days_ago)
        updated = now - dt.timedelta(days=demo.updated_days_ago)
        is_open = demo.status in OPEN_STATUSES
        request = ServiceRequest.objects.create(
            organisation=organisation,
            service=service,
            status=demo.status,
            is_open=is_open,
            description=demo.description,
            lat=place.lat,
            lon=place.lon,
            location_text=demo.location,
            postcode=POSTCODE,
            ward_id=ward,
            district_id=district,
            name=person.full_name,
            email=user.email,
            reporter=user,
            person=person,
            channel=Channel.WEB,
            channel_ref=CHANNEL_REF,
            external_ref=demo.ref,
            requested_at=reported,
            updated_at=updated,
            due_at=reported + dt.timedelta(days=7),
            closed_at=None if is_open else updated,
            status_notes=demo.update,
            acknowledged_at=reported,
        )
        RequestEvent.objects.create(
            request=request,
            kind=EventKind.CREATED,
            public=True,
            status_before=Status.OPEN,
            status_after=Status.OPEN,
            actor=user,
            actor_label=user.get_username(),
            organisation=organisation,
            created_at=reported,
        )
        RequestEvent.objects.create(
            request=request,
            kind=EventKind.PUBLIC_UPDATE,
            public=True,
            text=demo.update,
            status_before=Status.OPEN,
            status_after=demo.status,
            actor=officer,
            actor_label=officer.get_username(),
            organisation=organisation,
            created_at=updated,
            notified_at=updated,
        )
        audit_record(
            actor=None,
            action="service_request.create",
            obj=request,
            organisation=organisation,
            after={"service": service.code, "channel": Channel.WEB, "status": request.status},
        )
        made.append(request)
    return made

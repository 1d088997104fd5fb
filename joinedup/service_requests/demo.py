"""Demonstration reports, so the back office, the map and the Open311 lists have work in
them on a new machine: residents' reports at real sample postcodes of the demo partners,
taken through the same service a resident's report goes through (routing, due dates,
history, audit), then worked on by the body's demo officer — acknowledged, updated,
fixed or closed — and dated back over the last weeks. The random choices come from a
fixed seed, so every machine gets the same demo. Run by `manage.py
service_requests_demo_load` after `demo_load` and `catalogue_load_demo`.

Contact details are left out (reports are anonymous where the request type allows, or
give an address at `.invalid`, which no mail server accepts) so the demo sends nobody
anything real."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.core.models import Membership, Role, User
from joinedup.geo.models import Postcode
from joinedup.routing.places import PlaceError, PlaceNotFound, place_from_postcode
from joinedup.service_requests.calendar import due_at
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import Channel, RequestEvent, ServiceRequest, Status
from joinedup.service_requests.services import (
    ReportInput,
    service_request_create,
    service_request_respond,
)

CHANNEL_REF = "demo-reports"  # the demo resident's own two (joinedup/demo) are "demo"
SEED = 2026

# Councils (GSS) whose sample postcodes get reports, and how many to try in each.
COUNCILS = {"E09000029": 70, "E09000024": 30, "E07000211": 30, "E07000208": 10}

# What residents write, per service: plain descriptions of the kind real reports hold.
DESCRIPTIONS: dict[str, list[str]] = {
    "missed-bin": [
        "Bin was out from 6am but the lorry went past without emptying it.",
        "Whole street was done except ours.",
        "Second week running our recycling has been missed.",
    ],
    "fly-tipping": [
        "Mattress and black bags dumped by the garages.",
        "Someone has left an old sofa on the pavement outside the shops.",
        "Building rubble tipped in the alleyway behind the houses.",
    ],
    "abandoned-vehicles": [
        "Silver hatchback with flat tyres, not moved for about six weeks.",
        "Van with no number plates parked across two bays since last month.",
    ],
    "noise": [
        "Loud music from the flat above most nights until 3am.",
        "Dog barking all day while the owners are out.",
    ],
    "potholes": [
        "Deep pothole in the nearside lane, cars swerving round it.",
        "Large hole at the junction, about a foot across.",
        "Road surface breaking up by the bus stop.",
    ],
    "street-lights": [
        "Street light outside number 12 has been out for a week.",
        "Lamp post flickering on and off all night.",
    ],
    "graffiti": [
        "Graffiti sprayed on the underpass wall.",
        "Tags all over the bus shelter.",
    ],
    "dog-fouling": ["Dog mess all along the path to the school."],
    "street-cleaning": [
        "Broken glass across the pavement.",
        "Leaves piled up and blocking the gutter.",
    ],
    "pavement-problems": [
        "Raised paving slab, my neighbour tripped on it.",
        "Tree roots lifting the pavement.",
    ],
    "blocked-drains": ["Drain blocked, big puddle across the road when it rains."],
    "dead-animals": ["Dead fox at the side of the road."],
    "needles": ["Two needles in the play area by the swings."],
    "road-flooding": ["Road flooded under the railway bridge after the rain."],
    "traffic-lights": ["Pedestrian crossing lights stuck on red."],
    "gritting": ["Hill not gritted, cars sliding this morning."],
}

# How each report's story ends: (weight, public updates with their statuses).
STORIES: list[tuple[int, list[tuple[str, str]]]] = [
    (30, []),
    (15, [(Status.INVESTIGATING, "Thank you, we are looking into this.")]),
    (
        10,
        [
            (Status.ACTION_SCHEDULED, "A crew is booked to deal with this."),
        ],
    ),
    (
        30,
        [
            (Status.IN_PROGRESS, "We have passed this to our crew."),
            (Status.FIXED, "This has been dealt with. Thank you for telling us."),
        ],
    ),
    (
        8,
        [
            (
                Status.NOT_COUNCILS_RESPONSIBILITY,
                "This land is privately owned; we have told the owner.",
            )
        ],
    ),
    (7, [(Status.CLOSED, "We inspected this and found nothing that needs doing.")]),
]


@dataclass
class DemoRequestsResult:
    created: int = 0
    updates: int = 0
    skipped: bool = False
    by_organisation: dict[str, int] = field(default_factory=dict)


def _officer(organisation_id: int) -> User | None:
    membership = (
        Membership.objects.filter(organisation_id=organisation_id, role=Role.OFFICER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _answers(rng: random.Random, service_code: str) -> dict[str, Any]:
    request_type = get_request_types().by_code.get(service_code)
    answers: dict[str, Any] = {}
    if request_type is None:
        return answers
    for question in request_type.questions:
        if not question.required:
            continue
        keys = [value.key for value in question.values]
        if question.datatype == "singlevaluelist" and keys:
            answers[question.code] = rng.choice(keys)
        elif question.datatype == "multivaluelist" and keys:
            answers[question.code] = [rng.choice(keys)]
        elif question.datatype == "number":
            answers[question.code] = str(rng.randint(1, 5))
        elif question.datatype == "datetime":
            answers[question.code] = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
        else:
            answers[question.code] = "Seen on my way past."
    return answers


def _backdate(request: ServiceRequest, started: dt.datetime, step: dt.timedelta) -> None:
    """Move a report and its history back to `started`, each entry `step` after the last."""
    request.requested_at = started
    days = (
        get_request_types().by_code[request.service.code].working_days_for(request.organisation_id)
    )
    request.due_at = due_at(started, days, get_request_types().holidays)
    when = last = started
    events = list(request.events.order_by("id"))
    for event in events:
        RequestEvent.objects.filter(pk=event.pk).update(created_at=when, notified_at=when)
        last = when
        when = when + step
    request.updated_at = last
    fields = ["requested_at", "due_at", "updated_at"]
    if not request.is_open:
        request.closed_at = last
        fields.append("closed_at")
    if request.status != Status.OPEN:
        request.acknowledged_at = started + step / 2
        fields.append("acknowledged_at")
    request.save(update_fields=fields)


@transaction.atomic
def demo_requests_load(*, now: dt.datetime | None = None) -> DemoRequestsResult:
    """Make the demo reports once; a second run changes nothing."""
    result = DemoRequestsResult()
    if ServiceRequest.objects.filter(channel_ref=CHANNEL_REF).exists():
        result.skipped = True
        return result
    now = now or timezone.now()
    rng = random.Random(SEED)
    weights = [w for w, _story in STORIES]
    types = get_request_types().by_code
    for council, tries in COUNCILS.items():
        postcodes = list(
            Postcode.objects.filter(council=council, terminated="", point__isnull=False)
            .order_by("postcode")
            .values_list("postcode", flat=True)
        )
        if not postcodes:
            continue
        for _ in range(tries):
            service_code = rng.choice(sorted(DESCRIPTIONS))
            if service_code not in types:
                continue
            try:
                place = place_from_postcode(rng.choice(postcodes))
            except (PlaceError, PlaceNotFound):
                continue
            anonymous = types[service_code].anonymous_allowed
            report = ReportInput(
                service_code=service_code,
                place=place,
                description=rng.choice(DESCRIPTIONS[service_code]),
                answers=_answers(rng, service_code),
                location_text=f"Near {place.postcode}",
                email="" if anonymous else f"resident{rng.randint(100, 999)}@example.invalid",
                channel=Channel.WEB,
                channel_ref=CHANNEL_REF,
            )
            try:
                request = service_request_create(actor=None, report=report)
            except ValidationError:
                continue  # nobody in the partnership takes this service here
            result.created += 1
            name = request.organisation.name
            result.by_organisation[name] = result.by_organisation.get(name, 0) + 1
            story = rng.choices(STORIES, weights=weights)[0][1]
            officer = _officer(request.organisation_id)
            if officer is not None:
                for status, text in story:
                    service_request_respond(
                        actor=officer, request=request, text=text, status=status
                    )
                    result.updates += 1
            request.refresh_from_db()
            started = now - dt.timedelta(days=rng.uniform(0.2, 40))
            _backdate(request, started, dt.timedelta(hours=rng.uniform(2, 72)))
    return result

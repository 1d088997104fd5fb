"""Service requests in the shared citizen record: the `service_requests` category's
provider (see crm.registry and docs/crm.md). A request belongs to a person through its
`person` link, set when a signed-in resident reports or by an officer; only requests of
the organisations the CRM passes in are included.

The category's erasure rule is `anonymise`: the reporter's name, contact details and
own words go, the request (service, place, dates, status) stays for service
statistics. `expire` does the same, supporters included, for requests closed longer ago
than the retention period (six years)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.crm.registry import ErasureOutcome, LinkedRecord, OrganisationIds, organisation_filter
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import (
    Datatype,
    EventKind,
    Photo,
    RequestEvent,
    ServiceRequest,
    Status,
    Supporter,
)
from joinedup.service_requests.routes import service_name

CATEGORY = "service_requests"
ERASED = "(erased)"
REPORTER = "the person who reported it"
# Answers that are choices, numbers or dates say nothing about who reported; free text might.
KEPT_ANSWER_TYPES = frozenset({Datatype.SINGLE, Datatype.MULTI, Datatype.NUMBER, Datatype.DATETIME})
# History entries whose words are the resident's own.
RESIDENT_WORDS = (EventKind.RESIDENT_UPDATE, EventKind.REOPENED)


def _place(request: ServiceRequest) -> str:
    return ", ".join(p for p in (request.location_text, request.postcode) if p)


class ServiceRequestProvider:
    category = CATEGORY

    def _requests(
        self, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> QuerySet[ServiceRequest]:
        return (
            ServiceRequest.objects.filter(
                organisation_filter(organisation_ids), person_id__in=person_ids
            )
            .select_related("service", "organisation")
            .order_by("requested_at", "id")
        )

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        result: list[LinkedRecord] = []
        for sr in self._requests(person_ids, organisation_ids):
            name = service_name(code=sr.service.code)
            result.append(
                LinkedRecord(
                    category=self.category,
                    organisation_id=sr.organisation_id,
                    kind=_("Service request"),
                    reference=sr.reference,
                    title=f"{sr.reference}: {name}" + (f", {_place(sr)}" if _place(sr) else ""),
                    status=str(Status(sr.status).label),
                    occurred_at=sr.requested_at,
                    url=reverse("service_requests:case", args=[sr.pk]),
                    details={
                        # "Your account" links the resident to the public page of their
                        # request, not to the officers' case page.
                        "resident_url": reverse("service_requests:track", args=[sr.pk]),
                        "open": sr.is_open,
                        "closed_at": sr.closed_at,
                    },
                )
            )
        return result

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        requests = self._requests(person_ids, organisation_ids).prefetch_related("photos")
        for sr in requests:
            updates = sr.events.filter(public=True).order_by("created_at", "id")
            rows.append(
                {
                    "organisation": sr.organisation_id,
                    "reference": sr.reference,
                    "service": sr.service.code,
                    "service_name": service_name(code=sr.service.code),
                    "status": sr.status,
                    "requested_at": sr.requested_at.isoformat(),
                    "due_at": sr.due_at.isoformat() if sr.due_at else None,
                    "closed_at": sr.closed_at.isoformat() if sr.closed_at else None,
                    "description": sr.description,
                    "answers": sr.answers,
                    "location": {
                        "address": sr.location_text,
                        "postcode": sr.postcode,
                        "lat": sr.lat,
                        "lon": sr.lon,
                    },
                    "name": sr.name,
                    "email": sr.email,
                    "phone": sr.phone,
                    "channel": sr.channel,
                    "photos": len(sr.photos.all()),
                    "updates": [
                        {
                            "at": e.created_at.isoformat(),
                            "kind": e.kind,
                            "status": e.status_after,
                            "text": e.text,
                        }
                        for e in updates
                    ],
                }
            )
        return rows

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        ids = list(self._requests(person_ids, organisation_ids).values_list("pk", flat=True))
        count = anonymise_requests(ids, supporters=False)
        return ErasureOutcome(
            category=self.category,
            anonymised=count,
            notes=[
                "The reporter's name, email, phone, description and own words are erased; "
                "the service, place, dates and status are kept for service statistics"
            ],
        )

    def expire(self, *, before: dt.datetime) -> int:
        """Requests closed before `before` (the category's retention: six years)."""
        ids = list(
            ServiceRequest.objects.filter(is_open=False, anonymised_at__isnull=True)
            .filter(Q(closed_at__lt=before) | Q(closed_at__isnull=True, updated_at__lt=before))
            .values_list("pk", flat=True)
        )
        return anonymise_requests(ids, supporters=True)


def _kept_answers(request: ServiceRequest) -> dict[str, Any]:
    request_type = get_request_types().by_code.get(request.service.code)
    if request_type is None:
        return {}
    kept = {q.code for q in request_type.questions if q.datatype in KEPT_ANSWER_TYPES}
    return {code: value for code, value in request.answers.items() if code in kept}


def anonymise_requests(request_ids: Iterable[int], *, supporters: bool) -> int:
    """Erase who reported each request and what they wrote; with `supporters`, the people
    who added themselves too. The request itself stays. Returns how many requests."""
    ids = list(request_ids)
    if not ids:
        return 0
    now = timezone.now()
    requests = ServiceRequest.objects.filter(pk__in=ids).select_related("service")
    for sr in requests:
        # Officers' history entries made by the reporter's own sign-in lose the name.
        if sr.reporter_id is not None:
            RequestEvent.objects.filter(request=sr, actor_id=sr.reporter_id).update(
                actor=None, actor_label=REPORTER
            )
        sr.answers = _kept_answers(sr)
        sr.save(update_fields=["answers"])
    ServiceRequest.objects.filter(pk__in=ids).update(
        name="",
        email="",
        phone="",
        description="",
        reporter=None,
        person=None,
        anonymised_at=now,
    )
    for event in RequestEvent.objects.filter(request_id__in=ids).filter(
        Q(kind__in=RESIDENT_WORDS) | Q(data__has_key="contact") | Q(data__has_key="reason")
    ):
        if event.kind in RESIDENT_WORDS and event.text:
            event.text = ERASED
        event.data = {k: v for k, v in event.data.items() if k not in ("contact", "reason")}
        event.save(update_fields=["text", "data"])
    if supporters:
        Supporter.objects.filter(request_id__in=ids).update(name="", email="", phone="")
        RequestEvent.objects.filter(
            request_id__in=ids, kind=EventKind.SUPPORTER_ADDED, actor__isnull=False
        ).update(actor=None, actor_label="someone else who reported it")
    _originals_replace(ids)
    return len(ids)


def _originals_replace(request_ids: list[int]) -> None:
    """Photos' originals may carry where and with what they were taken (EXIF); the
    published copy, re-encoded without it, takes their place."""
    for photo in Photo.objects.filter(request_id__in=request_ids).exclude(original=F("published")):
        old_name, storage = photo.original.name, photo.original.storage
        photo.original.name = photo.published.name
        photo.original_type = "image/jpeg"
        photo.save(update_fields=["original", "original_type"])
        transaction.on_commit(partial(storage.delete, old_name))

"""Reads of service requests. Officers' reads take the actor and return only requests of
the organisations they work for, or shared with them: any other request is the same
404 as a missing one. Public reads (the tracking page, Open311) return only what is
published about a request: never the reporter's name or contact details, internal
notes, or the original photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from joinedup.core.audit import audit_read, audit_record
from joinedup.core.models import Membership, Organisation
from joinedup.core.permissions import READ_ROLES, WRITE_ROLES, organisation_ids_for
from joinedup.crm import selectors as crm_selectors
from joinedup.crm.models import Person
from joinedup.geo.models import Area
from joinedup.service_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    EventKind,
    Photo,
    RequestEvent,
    ServiceRequest,
    Status,
    Team,
)
from joinedup.service_requests.querysets import PERSONAL_SEARCH_FIELDS, distance_m
from joinedup.service_requests.routes import platform_body_ids

# --- Officers ----------------------------------------------------------------------------


def organisations_for_queue(*, actor) -> QuerySet[Organisation]:
    """The organisations whose queues the actor may open."""
    return Organisation.objects.filter(pk__in=organisation_ids_for(actor, READ_ROLES)).order_by(
        "name"
    )


def queue_organisation_get(*, actor, slug: str | None) -> Organisation:
    """The organisation whose queue to show: the one named, or the actor's only (or
    first) organisation. 404 for an organisation the actor does not work for."""
    organisations = organisations_for_queue(actor=actor)
    organisation = organisations.filter(slug=slug).first() if slug else organisations.first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


@dataclass(frozen=True)
class QueueFilters:
    service: str = ""
    status: str = ""  # "open", "closed", or a status value
    area: int | None = None
    overdue: bool = False
    q: str = ""
    assigned: str = ""  # "", "me", "unassigned", or "team:<id>"


def service_request_queue(
    *, actor, organisation: Organisation, filters: QueueFilters
) -> QuerySet[ServiceRequest]:
    """An organisation's queue: its own requests and those shared with it, filtered,
    oldest due first."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    qs = ServiceRequest.objects.visible_to_organisations([organisation.pk])
    if filters.service:
        qs = qs.filter(service__code=filters.service)
    if filters.status == "open":
        qs = qs.filter(is_open=True)
    elif filters.status == "closed":
        qs = qs.filter(is_open=False)
    elif filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    if filters.area is not None:
        qs = qs.in_area(filters.area)
    if filters.overdue:
        qs = qs.overdue()
    if filters.assigned == "me":
        qs = qs.filter(assigned_to=actor)
    elif filters.assigned == "unassigned":
        qs = qs.filter(assigned_to__isnull=True, assigned_team__isnull=True)
    elif filters.assigned.startswith("team:") and (
        filters.assigned[5:].isascii() and filters.assigned[5:].isdigit()
    ):
        qs = qs.filter(assigned_team_id=int(filters.assigned[5:]))
    qs = qs.search(filters.q)
    return qs.select_related(
        "service", "ward", "district", "assigned_team", "assigned_to", "organisation"
    ).order_by("-is_open", "due_at", "-requested_at", "-id")


def service_request_search_read(
    *,
    actor,
    organisation: Organisation,
    queue: QuerySet[ServiceRequest],
    query: str,
    shown: Collection[int],
    purpose: str,
) -> list[int]:
    """A queue search also matches reporters' names, which the queue does not show, so
    finding requests by them discloses who made them. Record the requests among those
    `shown` (ids) that `query` found by the reporter's details, in the shape of the CRM's
    people search (`personal_data.search`: the query and what it found). Nothing is
    recorded when it found none that way (a reference, or words only in the reports)."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    found_qs = queue.found_by_personal_details(query)  # type: ignore[attr-defined]
    if len(shown) <= 1000:  # a page or a map: ask only about those
        found_qs = found_qs.filter(pk__in=list(shown))
    wanted = set(shown)
    found = sorted(pk for pk in found_qs.values_list("pk", flat=True) if pk in wanted)
    if found:
        audit_record(
            actor=actor,
            action="personal_data.search",
            object_type="service_requests.search",
            object_id="",
            organisation=organisation,
            after={
                "purpose": purpose,
                "query": query.strip(),
                "fields": list(PERSONAL_SEARCH_FIELDS),
                "requests": found,
            },
        )
    return found


def queue_area_choices(*, actor, organisation: Organisation) -> list[Area]:
    """The wards and districts the organisation's requests lie in, for the area filter."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    requests = ServiceRequest.objects.visible_to_organisations([organisation.pk])
    ids = set(requests.exclude(ward=None).values_list("ward_id", flat=True).distinct())
    ids |= set(requests.exclude(district=None).values_list("district_id", flat=True).distinct())
    return list(Area.objects.filter(pk__in=ids).order_by("type", "name"))


def service_request_get(*, actor, pk: int) -> ServiceRequest:
    """One request with its history, for an officer who may see it."""
    org_ids = organisation_ids_for(actor, READ_ROLES)
    request = (
        ServiceRequest.objects.visible_to_organisations(org_ids)
        .select_related(
            "service",
            "organisation",
            "ward",
            "district",
            "assigned_team",
            "assigned_to",
            "duplicate_of",
            "person",
        )
        .prefetch_related(
            Prefetch(
                "events", queryset=RequestEvent.objects.select_related("actor", "organisation")
            ),
            "photos",
            "supporters",
            "shares__organisation",
            "duplicates",
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such request")
    return request


def linked_person_get(*, actor, request: ServiceRequest) -> Person | None:
    """The person the request is linked to in the shared citizen record, if the actor
    may see them there (an officer of an organisation the request is only shared with
    may not)."""
    if request.person is None:
        return None
    person = request.person.survivor()
    return person if crm_selectors.person_list(actor=actor).filter(pk=person.pk).exists() else None


def _reader_organisation(actor, request: ServiceRequest) -> Organisation | None:
    org_ids = organisation_ids_for(actor, READ_ROLES)
    if request.organisation_id in org_ids:
        return request.organisation
    shared = request.shares.filter(organisation_id__in=org_ids).select_related("organisation")
    share = shared.order_by("organisation_id").first()
    return share.organisation if share is not None else None


def service_request_contact_read(
    *,
    actor,
    request: ServiceRequest,
    person: Person | None = None,
    purpose: str = "Viewing a service request's case page",
) -> None:
    """Record that the actor is shown who reported the request (name, email, phone) and
    the person it is linked to. A linked request's read goes in that person's access log
    (`crm.person`); otherwise it is recorded against the request."""
    fields = [f for f in ("name", "email", "phone") if getattr(request, f)]
    if not fields and person is None:
        return
    organisation = _reader_organisation(actor, request)
    shown: dict[str, Any] = {
        "category": "service_requests",
        "organisation": request.organisation_id,
        "agreement": None,
        "request": request.pk,
        "fields": fields,
        "basis": "own" if organisation and organisation.pk == request.organisation_id else "shared",
    }
    if person is not None:
        shown["person"] = str(person.public_id)
    subject: Person | ServiceRequest = request
    if request.person_id is not None and request.person is not None:
        subject = request.person
    audit_read(
        actor=actor,
        obj=subject,
        organisation=organisation,
        purpose=purpose,
        shown=[shown],
    )


def can_work_on(*, actor, request: ServiceRequest) -> bool:
    return request.organisation_id in organisation_ids_for(actor, WRITE_ROLES)


def teams_for(*, actor, organisation: Organisation) -> QuerySet[Team]:
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    return Team.objects.filter(organisation=organisation)


def officers_for(*, actor, organisation: Organisation) -> list:
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role__in=WRITE_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ]


def transfer_choices(*, actor, request: ServiceRequest) -> QuerySet[Organisation]:
    """Partners that take this kind of report in the platform, other than its own."""
    if not can_work_on(actor=actor, request=request):
        return Organisation.objects.none()
    ids = platform_body_ids(service_code=request.service.code) - {request.organisation_id}
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def share_choices(*, actor, request: ServiceRequest) -> QuerySet[Organisation]:
    if not can_work_on(actor=actor, request=request):
        return Organisation.objects.none()
    return Organisation.objects.partners().exclude(pk=request.organisation_id).order_by("name")


def original_photo_get(*, actor, request_pk: int, photo_pk: int) -> Photo:
    request = service_request_get(actor=actor, pk=request_pk)
    photo = request.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("No such photo")
    return photo


# --- The public --------------------------------------------------------------------------


def public_request_get(*, pk: int) -> ServiceRequest:
    request = (
        ServiceRequest.objects.select_related("service", "organisation", "duplicate_of")
        .annotate(supporter_count=Count("supporters"))
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such request")
    return request


def public_events(*, request: ServiceRequest) -> list[RequestEvent]:
    return list(request.events.filter(public=True).select_related("organisation"))


def public_photos(*, request: ServiceRequest) -> list[Photo]:
    return list(request.photos.filter(hidden=False))


def public_photo_get(*, request_pk: int, photo_pk: int) -> Photo:
    photo = Photo.objects.filter(pk=photo_pk, request_id=request_pk, hidden=False).first()
    if photo is None:
        raise Http404("No such photo")
    return photo


def nearby_open_requests(
    *, service_code: str, lat: float, lon: float, radius_m: float, limit: int = 5
) -> list[tuple[ServiceRequest, float]]:
    """Open reports of the same service near the point, nearest first, with distances:
    what the resident is asked about before making a new one."""
    if radius_m <= 0:
        return []
    candidates = (
        ServiceRequest.objects.filter(service__code=service_code, is_open=True)
        .near(lat, lon, radius_m)
        .select_related("service")
        .order_by("-requested_at")[:200]
    )
    found = [(r, distance_m(lat, lon, r.lat, r.lon)) for r in candidates]
    found = [(r, d) for r, d in found if d <= radius_m]
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


# --- Open311 -----------------------------------------------------------------------------

# Ids, not joined names: callers name services and bodies from the in-memory indexes,
# which keeps the query on one table and its indexes.
PUBLIC_FIELDS = (
    "id",
    "status",
    "status_notes",
    "service_id",
    "description",
    "organisation_id",
    "requested_at",
    "updated_at",
    "due_at",
    "location_text",
    "address_id",
    "postcode",
    "lat",
    "lon",
    "media_url",
)


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] | None = None  # None: any service
    statuses: tuple[str, ...] = ()  # "open", "closed" or extended status values
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    organisation_id: int | None = None
    limit: int = 1000


def _public_queryset(query: RequestQuery) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.all()
    if query.ids:
        qs = qs.filter(pk__in=query.ids)
    else:
        if query.service_ids is not None:
            qs = qs.filter(service_id__in=query.service_ids)
        wanted: set[str] = set()
        for status in query.statuses:
            if status == "open":
                wanted |= set(OPEN_STATUSES)
            elif status == "closed":
                wanted |= set(CLOSED_STATUSES)
            else:
                wanted.add(status)
        if wanted == set(OPEN_STATUSES):
            qs = qs.filter(is_open=True)
        elif wanted == set(CLOSED_STATUSES):
            qs = qs.filter(is_open=False)
        elif wanted:
            qs = qs.filter(status__in=sorted(wanted))
        if query.organisation_id is not None:
            qs = qs.filter(organisation_id=query.organisation_id)
        qs = qs.requested_between(query.start, query.end)
    return qs.order_by("-requested_at", "-id")


def public_request_rows(*, query: RequestQuery) -> list[dict[str, Any]]:
    """Published fields of the requests matching an Open311 query, newest first. With
    ids, only those (the other filters are ignored, GeoReport v2 GET Service Requests)."""
    return list(_public_queryset(query).values(*PUBLIC_FIELDS)[: query.limit])


def _w3c_sql(column: str) -> str:
    """SQL writing a timestamp as GeoReport v2 does (W3C, local time with its offset),
    the same text as `w3c()` in Python; %s is the time zone's name."""
    local = f"({column} AT TIME ZONE %s)"
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"COALESCE(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN {local} >= {utc} THEN '+' ELSE '-' END || "
        f"to_char(abs(extract(epoch FROM {local} - {utc})) * interval '1 second', 'HH24:MI'), '')"
    )


def public_request_json(*, query: RequestQuery, time_zone: str) -> str | None:
    """The English JSON of GET Service Requests built by PostgreSQL in one query, for
    large answers (up to 1,000 requests) without a Python object per field; exactly the
    text the Python path writes, field for field. None where the database cannot (SQLite),
    and the caller builds it in Python."""
    if connection.vendor != "postgresql":
        return None
    if query.service_ids == () and not query.ids:
        return "[]"  # only unknown services asked for
    try:
        inner, inner_params = (
            _public_queryset(query).values("id")[: query.limit].query.sql_with_params()
        )
    except EmptyResultSet:  # a filter no row can match (Django proves it before asking)
        return "[]"
    dates = [_w3c_sql(f"r.{c}") for c in ("requested_at", "updated_at", "due_at")]
    # Only fixed SQL and column names are joined here; every value is a bound parameter.
    sql = (
        "SELECT COALESCE(json_agg(json_build_object("  # noqa: S608
        "'service_request_id', r.id::text, "
        "'status', CASE WHEN r.is_open THEN 'open' ELSE 'closed' END, "
        "'status_notes', r.status_notes, "
        "'service_name', s.name, "
        "'service_code', s.code, "
        "'description', r.description, "
        "'agency_responsible', o.name, "
        "'service_notice', '', "
        f"'requested_datetime', {dates[0]}, "
        f"'updated_datetime', {dates[1]}, "
        f"'expected_datetime', {dates[2]}, "
        "'address', r.location_text, "
        "'address_id', r.address_id, "
        "'zipcode', r.postcode, "
        "'lat', round(r.lat::numeric, 6)::float8, "
        "'long', round(r.lon::numeric, 6)::float8, "
        "'media_url', r.media_url"
        ") ORDER BY r.requested_at DESC, r.id DESC), '[]'::json)::text "
        "FROM service_requests_servicerequest r "
        "JOIN catalogue_service s ON s.id = r.service_id "
        "JOIN core_organisation o ON o.id = r.organisation_id "
    )
    params = [time_zone] * sql.count("%s") + list(inner_params)
    sql += f"WHERE r.id IN ({inner})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def public_request_by_token(*, token: str) -> ServiceRequest:
    request = ServiceRequest.objects.filter(token=token).only("id", "token").first()
    if request is None:
        raise Http404("No such token")
    return request


# Updates that go out to Open311 clients; resident comments that came in are not sent
# back out.
FEED_KINDS = (
    EventKind.STATUS,
    EventKind.PUBLIC_UPDATE,
    EventKind.TRANSFERRED,
    EventKind.MERGED,
    EventKind.REOPENED,
)


def public_update_rows(
    *, start: dt.datetime, end: dt.datetime, organisation_id: int | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Public updates made between start and end (mySociety GET servicerequestupdates)."""
    qs = RequestEvent.objects.filter(
        public=True, kind__in=FEED_KINDS, created_at__gte=start, created_at__lte=end
    )
    if organisation_id is not None:
        qs = qs.filter(
            Q(request__organisation_id=organisation_id) | Q(organisation_id=organisation_id)
        )
    rows = qs.order_by("created_at", "id").values(
        "id", "request_id", "status_after", "text", "created_at", "request__media_url"
    )[:limit]
    return [dict(row) for row in rows]

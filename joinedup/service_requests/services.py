"""Writes to service requests. Each is atomic and audited, and takes the actor: a
resident (or nobody) for reports and reopening, an officer for case work, or an
Open311 client for what arrives through the API. Messages to residents are queued in
the same transaction (the persistent job queue), so a report that is acknowledged is
committed with everything it still has to do."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from joinedup.core.audit import audit_record, current_context
from joinedup.core.models import Membership, Organisation, User
from joinedup.core.permissions import READ_ROLES, WRITE_ROLES, has_role, organisation_ids_for
from joinedup.geo.models import COUNCIL_AREA_TYPES, WARD_AREA_TYPES, Area, Postcode
from joinedup.routing.places import Place
from joinedup.service_requests.calendar import due_at
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Photo,
    RequestEvent,
    RequestShare,
    ServiceRequest,
    Status,
    Supporter,
    Team,
)
from joinedup.service_requests.photos import MAX_PHOTOS, PreparedPhoto
from joinedup.service_requests.questions import TEXT_MAX, clean_answers, has_control_characters
from joinedup.service_requests.routes import (
    NotTakenHere,
    platform_body_ids,
    request_route,
    request_type_get,
)

DESCRIPTION_MAX = 4000  # Open311 GeoReport v2: description "may not exceed 4,000 characters"
PHONE = re.compile(r"^\+?[0-9]{7,15}$")
LOWER_COUNCIL_ORDER = ("DIS", "UTA", "MTD", "LBO", "COI", "LGD", "CTY")
# Events that change what a resident sees, so the reporter and supporters are told.
NOTIFIED_KINDS = frozenset(
    {
        EventKind.STATUS,
        EventKind.PUBLIC_UPDATE,
        EventKind.TRANSFERRED,
        EventKind.MERGED,
        EventKind.REOPENED,
    }
)


@dataclass
class ReportInput:
    """A new report as a form or an Open311 client gives it; `place` is already resolved
    to a point with its areas."""

    service_code: str
    place: Place
    description: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    location_text: str = ""
    address_id: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "en"
    channel: str = Channel.WEB
    channel_ref: str = ""
    external_ref: str = ""
    media_url: str = ""
    photos: list[PreparedPhoto] = field(default_factory=list)


@dataclass(frozen=True)
class ClientRef:
    """An Open311 client application acting through its key."""

    channel_ref: str
    organisation_id: int
    name: str


# --- Checks --------------------------------------------------------------------------


def _text(value: str, field_name: str, limit: int, *, required_message: str = "") -> str:
    value = (value or "").strip()
    if not value and required_message:
        raise ValidationError({field_name: [required_message]})
    if len(value) > limit:
        raise ValidationError(
            {field_name: [_("Use %(limit)s characters or fewer.") % {"limit": limit}]}
        )
    if has_control_characters(value):
        raise ValidationError({field_name: [_("This contains characters we cannot accept.")]})
    return value


def clean_contact(*, name: str, email: str, phone: str) -> tuple[str, str, str]:
    name = _text(name, "name", 200)
    email = _text(email, "email", 254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError(
                {"email": [_("Enter an email address like name@example.com.")]}
            ) from None
    phone = _text(phone, "phone", 32)
    if phone:
        compact = re.sub(r"[\s\-()]", "", phone)
        if not PHONE.match(compact):
            raise ValidationError({"phone": [_("Enter a phone number, like 07700 900 982.")]})
        phone = compact
    return name, email, phone


def _areas(place: Place) -> tuple[int | None, int | None]:
    ward = next((a.id for a in place.areas if a.type in WARD_AREA_TYPES), None)
    if ward is None and place.postcode:
        # The front door's places leave wards out; the postcode directory names the ward.
        ward_code = Postcode.objects.filter(postcode=place.postcode).values("ward")[:1]
        ward = (
            Area.objects.filter(gss=Subquery(ward_code), type__in=WARD_AREA_TYPES)
            .values_list("id", flat=True)
            .first()
        )
    councils = [a for a in place.areas if a.type in COUNCIL_AREA_TYPES]
    councils.sort(key=lambda a: LOWER_COUNCIL_ORDER.index(a.type))
    return ward, councils[0].id if councils else None


def _can_read(actor, request: ServiceRequest) -> bool:
    org_ids = organisation_ids_for(actor, READ_ROLES)
    if request.organisation_id in org_ids:
        return True
    return RequestShare.objects.filter(request=request, organisation_id__in=org_ids).exists()


def _lock_for_officer(actor, request: ServiceRequest) -> ServiceRequest:
    """The request, locked, if the actor may work on it: an officer or administrator of
    the organisation that has it. Someone who may only read it is refused; anyone else
    gets the same 404 as for a request that does not exist."""
    if not has_role(actor, request.organisation_id, WRITE_ROLES):
        if _can_read(actor, request):
            raise PermissionDenied(_("You can read this request but not change it."))
        raise Http404("No such request")
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


def _label(actor, fallback: str = "") -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()[:150]
    return (fallback or current_context().source or "system")[:150]


def _record(
    request: ServiceRequest,
    kind: str,
    *,
    actor,
    public: bool,
    text: str = "",
    status_before: str = "",
    organisation: Organisation | int | None = None,
    data: dict | None = None,
    label: str = "",
    channel_ref: str = "",
    external_id: str = "",
    at=None,
) -> RequestEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = RequestEvent.objects.create(
        request=request,
        kind=kind,
        public=public,
        text=text,
        status_before=status_before or request.status,
        status_after=request.status,
        actor=actor if is_user else None,
        actor_label=_label(actor, label),
        organisation_id=organisation.pk if isinstance(organisation, Organisation) else organisation,
        data=data or {},
        channel_ref=channel_ref,
        external_id=external_id,
        created_at=at or timezone.now(),
    )
    if public and kind in NOTIFIED_KINDS:
        from joinedup.service_requests.tasks import notify_event

        notify_event.enqueue(event_id=event.pk)
    return event


def _due(request: ServiceRequest, start) -> Any:
    info = get_request_types()
    request_type = info.by_code.get(request.service.code)
    days = request_type.working_days_for(request.organisation_id) if request_type else 5
    return due_at(start, days, info.holidays)


def _set_status(request: ServiceRequest, status: str, now) -> list[str]:
    """Change the status and what follows from it; returns the fields changed."""
    was_open = request.is_open
    request.status = status
    request.is_open = status in OPEN_STATUSES
    request.updated_at = now
    fields = ["status", "is_open", "updated_at"]
    if request.is_open and not was_open:
        request.closed_at = None
        request.due_at = _due(request, now)
        fields += ["closed_at", "due_at"]
    elif was_open and not request.is_open:
        request.closed_at = now
        fields.append("closed_at")
    return fields


# --- Reports -------------------------------------------------------------------------


@transaction.atomic
def service_request_create(*, actor, report: ReportInput) -> ServiceRequest:
    """Take a report: check it, route it to the body responsible for the service at the
    place (the front door's resolver), set its due date from that body's target, and
    queue the acknowledgement."""
    service, request_type = request_type_get(service_code=report.service_code)
    answers = clean_answers(request_type, report.answers or {})
    description = _text(report.description, "description", DESCRIPTION_MAX)
    location_text = _text(report.location_text, "address_string", 255)
    address_id = _text(report.address_id, "address_id", 100)
    name, email, phone = clean_contact(name=report.name, email=report.email, phone=report.phone)
    if not request_type.anonymous_allowed and not (email or phone):
        raise ValidationError(
            {
                "email": [
                    _("Give an email address or a phone number, so we can tell you what happens.")
                ]
            }
        )
    media_url = _text(report.media_url, "media_url", 1000)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError(
                {"media_url": [_("Give a web address starting https://.")]}
            ) from None
    if len(report.photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add up to %(n)s photos.") % {"n": MAX_PHOTOS}]})
    if report.place.lat is None or report.place.lon is None:
        raise ValidationError({"lat": [_("Say where the problem is.")]})
    try:
        route = request_route(service_code=service.code, place=report.place)
    except NotTakenHere as exc:
        raise ValidationError({"lat": [str(exc)]}) from None
    assert route.body is not None
    now = timezone.now()
    ward_id, district_id = _areas(report.place)
    days = request_type.working_days_for(route.body.id)
    request = ServiceRequest(
        organisation_id=route.body.id,
        service_id=service.id,
        description=description,
        answers=answers,
        lat=report.place.lat,
        lon=report.place.lon,
        location_text=location_text,
        postcode=(report.place.postcode or "")[:8],
        address_id=address_id,
        ward_id=ward_id,
        district_id=district_id,
        name=name,
        email=email,
        phone=phone,
        language="cy" if report.language.startswith("cy") else "en",
        reporter=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        channel=report.channel,
        channel_ref=report.channel_ref[:64],
        external_ref=_text(report.external_ref, "account_id", 100),
        requested_at=now,
        updated_at=now,
        due_at=due_at(now, days, get_request_types().holidays),
        media_url=media_url,
    )
    request.save()
    for prepared in report.photos:
        _photo_add(request, prepared)
    if report.photos and not media_url:
        request.media_url = _photo_path(request.photos.order_by("id").first())  # type: ignore[arg-type]
        request.save(update_fields=["media_url"])
    _record(request, EventKind.CREATED, actor=actor, public=True, organisation=route.body.id)
    audit_record(
        actor=actor,
        action="service_request.create",
        obj=request,
        organisation=Organisation(pk=route.body.id),
        after={"service": service.code, "channel": report.channel, "status": request.status},
    )
    if request.has_contact:
        from joinedup.service_requests.tasks import acknowledge

        acknowledge.enqueue(request_id=request.pk)
    return request


def _photo_add(request: ServiceRequest, prepared: PreparedPhoto) -> Photo:
    photo = Photo(
        request=request,
        original_type=prepared.original_type,
        width=prepared.width,
        height=prepared.height,
    )
    photo.original.save(
        f"original.{prepared.original_extension}", ContentFile(prepared.original), save=False
    )
    photo.published.save("published.jpg", ContentFile(prepared.published), save=False)
    photo.save()
    return photo


def _photo_path(photo: Photo) -> str:
    from django.conf import settings
    from django.urls import reverse

    path = reverse("service_requests:photo", args=[photo.request_id, photo.pk])
    return f"{getattr(settings, 'JOINEDUP_PUBLIC_URL', '')}{path}"


@transaction.atomic
def service_request_support(
    *, actor, request: ServiceRequest, name: str, email: str, phone: str, language: str = "en"
) -> Supporter:
    """Add someone to an open report ("it is happening to me too") instead of a new one;
    they get its updates."""
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError({"request": [_("This report is closed. Report the problem again.")]})
    name, email, phone = clean_contact(name=name, email=email, phone=phone)
    if not (email or phone):
        raise ValidationError(
            {
                "email": [
                    _("Give an email address or a phone number, so we can tell you what happens.")
                ]
            }
        )
    existing = Supporter.objects.filter(request=request, email=email).first() if email else None
    if existing is not None:
        return existing
    supporter = Supporter.objects.create(
        request=request,
        name=name,
        email=email,
        phone=phone,
        language="cy" if language.startswith("cy") else "en",
    )
    _record(request, EventKind.SUPPORTER_ADDED, actor=actor, public=False)
    audit_record(
        actor=actor,
        action="service_request.support",
        obj=request,
        organisation=request.organisation,
        after={"supporter": supporter.pk},
    )
    return supporter


@transaction.atomic
def service_request_reopen(
    *, actor, request: ServiceRequest, secret: str, reason: str
) -> ServiceRequest:
    """The person who reported it says it is not fixed. They prove it with the secret
    from their confirmation message or page."""
    if not hmac.compare_digest((secret or "").encode(), request.secret.encode()):
        raise PermissionDenied(_("This link is not valid for this report."))
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    reason = _text(reason, "reason", 2000, required_message=_("Tell us what is still wrong."))
    if request.is_open:
        raise ValidationError({"reason": [_("This report is still open.")]})
    if request.status == Status.DUPLICATE:
        raise ValidationError(
            {"reason": [_("This report was merged into another one. Reopen that one instead.")]}
        )
    before = request.status
    fields = _set_status(request, Status.REOPENED, timezone.now())
    request.save(update_fields=fields)
    _record(
        request,
        EventKind.REOPENED,
        actor=actor,
        public=True,
        status_before=before,
        data={"reason": reason},
        label=_("the person who reported it"),
    )
    audit_record(
        actor=actor,
        action="service_request.reopen",
        obj=request,
        organisation=request.organisation,
        before={"status": before},
        after={"status": request.status},
    )
    return request


# --- Case work -----------------------------------------------------------------------


@transaction.atomic
def service_request_respond(
    *, actor, request: ServiceRequest, text: str = "", status: str | None = None
) -> RequestEvent:
    """A public update: words the resident sees, a new status, or both."""
    request = _lock_for_officer(actor, request)
    text = _text(text, "text", TEXT_MAX)
    if status is not None and status not in Status.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    if status == Status.DUPLICATE:
        raise ValidationError({"status": [_("Merge it into the other report instead.")]})
    changing = status is not None and status != request.status
    if not text and not changing:
        raise ValidationError({"text": [_("Write an update or choose a new status.")]})
    before = request.status
    now = timezone.now()
    fields = _set_status(request, status, now) if changing and status else ["updated_at"]
    request.updated_at = now
    if text:
        request.status_notes = text
        fields.append("status_notes")
    request.save(update_fields=list(dict.fromkeys(fields)))
    event = _record(
        request,
        EventKind.PUBLIC_UPDATE if text else EventKind.STATUS,
        actor=actor,
        public=True,
        text=text,
        status_before=before,
        organisation=request.organisation_id,
    )
    audit_record(
        actor=actor,
        action="service_request.respond",
        obj=request,
        organisation=request.organisation,
        before={"status": before},
        after={"status": request.status, "event": event.pk},
    )
    return event


@transaction.atomic
def service_request_note_add(*, actor, request: ServiceRequest, text: str) -> RequestEvent:
    """An internal note: officers who can see the request read it; residents never do."""
    request = _lock_for_officer(actor, request)
    text = _text(text, "text", TEXT_MAX, required_message=_("Write the note."))
    event = _record(
        request,
        EventKind.NOTE,
        actor=actor,
        public=False,
        text=text,
        organisation=request.organisation_id,
    )
    audit_record(
        actor=actor,
        action="service_request.note",
        obj=request,
        organisation=request.organisation,
        after={"event": event.pk},
    )
    return event


@transaction.atomic
def service_request_assign(
    *, actor, request: ServiceRequest, team: Team | None, officer: User | None
) -> ServiceRequest:
    """Give the request to a team and/or an officer of the organisation that has it."""
    request = _lock_for_officer(actor, request)
    if team is not None and team.organisation_id != request.organisation_id:
        raise ValidationError({"team": [_("Choose one of your organisation's teams.")]})
    if (
        officer is not None
        and not Membership.objects.filter(
            user=officer, organisation_id=request.organisation_id, role__in=WRITE_ROLES
        ).exists()
    ):
        raise ValidationError({"officer": [_("Choose an officer of your organisation.")]})
    before = {"team": request.assigned_team_id, "officer": request.assigned_to_id}
    request.assigned_team = team
    request.assigned_to = officer
    request.save(update_fields=["assigned_team", "assigned_to"])
    after = {"team": request.assigned_team_id, "officer": request.assigned_to_id}
    _record(
        request,
        EventKind.ASSIGNED,
        actor=actor,
        public=False,
        text=", ".join(
            x for x in (team.name if team else "", officer.get_username() if officer else "") if x
        ),
        organisation=request.organisation_id,
        data=after,
    )
    audit_record(
        actor=actor,
        action="service_request.assign",
        obj=request,
        organisation=request.organisation,
        before=before,
        after=after,
    )
    return request


@transaction.atomic
def service_request_merge(
    *, actor, request: ServiceRequest, into: ServiceRequest
) -> ServiceRequest:
    """Close `request` as a duplicate of `into`: its reporter and supporters follow
    `into` from now on, and its tracking page points there."""
    if request.pk == into.pk:
        raise ValidationError({"into": [_("A report cannot be merged into itself.")]})
    request = _lock_for_officer(actor, request)
    into = _lock_for_officer(actor, into)
    if into.status == Status.DUPLICATE:
        raise ValidationError(
            {
                "into": [
                    _(
                        "Report %(ref)s is itself a duplicate. Merge into the report it was merged into."
                    )
                    % {"ref": into.reference}
                ]
            }
        )
    if request.status == Status.DUPLICATE:
        raise ValidationError({"into": [_("This report has already been merged.")]})
    before = request.status
    now = timezone.now()
    fields = _set_status(request, Status.DUPLICATE, now)
    request.duplicate_of = into
    message = _("This problem had already been reported: see report %(ref)s.") % {
        "ref": into.reference
    }
    request.status_notes = message
    request.save(update_fields=[*fields, "duplicate_of", "status_notes"])
    followers = (
        [(request.name, request.email, request.phone, request.language)]
        if request.has_contact
        else []
    )
    followers += [(s.name, s.email, s.phone, s.language) for s in request.supporters.all()]
    known = set(into.supporters.exclude(email="").values_list("email", flat=True)) | {into.email}
    for name, email, phone, language in followers:
        if email and email in known:
            continue
        Supporter.objects.create(
            request=into, name=name, email=email, phone=phone, language=language
        )
        known.add(email)
    _record(
        request,
        EventKind.MERGED,
        actor=actor,
        public=True,
        text=message,
        status_before=before,
        organisation=request.organisation_id,
        data={"into": into.pk},
    )
    _record(
        into,
        EventKind.DUPLICATE_ADDED,
        actor=actor,
        public=False,
        organisation=into.organisation_id,
        data={"duplicate": request.pk, "followers": len(followers)},
    )
    audit_record(
        actor=actor,
        action="service_request.merge",
        obj=request,
        organisation=request.organisation,
        before={"status": before},
        after={"status": request.status, "into": into.pk},
    )
    return request


@transaction.atomic
def service_request_transfer(
    *, actor, request: ServiceRequest, organisation: Organisation, reason: str
) -> ServiceRequest:
    """Send a misrouted request to the body that deals with it, with a reason the
    resident sees. It starts again as open there, with that body's target time."""
    request = _lock_for_officer(actor, request)
    reason = _text(
        reason,
        "reason",
        1000,
        required_message=_("Say why it is going to them; the resident will see this."),
    )
    if organisation.pk == request.organisation_id:
        raise ValidationError({"organisation": [_("It is already with this organisation.")]})
    if organisation.pk not in platform_body_ids(service_code=request.service.code):
        raise ValidationError(
            {
                "organisation": [
                    _("%(org)s does not take these reports through this service.")
                    % {"org": organisation.name}
                ]
            }
        )
    before: dict[str, Any] = {"organisation": request.organisation_id, "status": request.status}
    now = timezone.now()
    previous = request.organisation_id
    request.organisation = organisation
    request.assigned_team = None
    request.assigned_to = None
    request.status = Status.OPEN
    request.is_open = True
    request.closed_at = None
    request.updated_at = now
    request.status_notes = reason
    request.due_at = _due(request, now)
    request.save(
        update_fields=[
            "organisation",
            "assigned_team",
            "assigned_to",
            "status",
            "is_open",
            "closed_at",
            "updated_at",
            "status_notes",
            "due_at",
        ]
    )
    _record(
        request,
        EventKind.TRANSFERRED,
        actor=actor,
        public=True,
        text=reason,
        status_before=before["status"],
        organisation=previous,
        data={"from": previous, "to": organisation.pk},
    )
    audit_record(
        actor=actor,
        action="service_request.transfer",
        obj=request,
        organisation=Organisation(pk=previous),
        before=before,
        after={"organisation": organisation.pk, "status": request.status},
    )
    return request


@transaction.atomic
def service_request_share(
    *, actor, request: ServiceRequest, organisation: Organisation
) -> RequestShare:
    """Let another partner see the request (to read, not to work on it)."""
    request = _lock_for_officer(actor, request)
    if organisation.pk == request.organisation_id:
        raise ValidationError({"organisation": [_("It is already with this organisation.")]})
    if not Organisation.objects.partners().filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": [_("Choose a partner organisation.")]})
    share, created = RequestShare.objects.get_or_create(
        request=request, organisation=organisation, defaults={"shared_by": actor}
    )
    if created:
        _record(
            request,
            EventKind.SHARED,
            actor=actor,
            public=False,
            text=organisation.name,
            organisation=request.organisation_id,
            data={"with": organisation.pk},
        )
        audit_record(
            actor=actor,
            action="service_request.share",
            obj=request,
            organisation=request.organisation,
            after={"with": organisation.pk},
        )
    return share


def service_requests_export_record(*, actor, organisation: Organisation, query: str) -> None:
    """Record that an officer downloaded a queue as CSV (it holds residents' reports)."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    audit_record(
        actor=actor,
        action="service_request.export",
        object_type="service_requests.servicerequest",
        object_id="queue",
        organisation=organisation,
        after={"filters": query[:500]},
    )


# --- Updates from Open311 clients (mySociety's servicerequestupdates) ----------------


@transaction.atomic
def service_request_update_from_client(
    *,
    client: ClientRef,
    request_id: int,
    update_id: str,
    status: str,
    description: str,
    updated_datetime=None,
    name: str = "",
    email: str = "",
    phone: str = "",
) -> RequestEvent:
    """An update posted by an Open311 client. The organisation's own back-office client
    may change the status like an officer; a client that only sent the report (a
    resident's app) may comment, and reopen it ("not fixed"). A repeated update_id
    returns the update already recorded, so a client may safely retry."""
    update_id = _text(update_id, "update_id", 100, required_message=_("update_id is required."))
    existing = RequestEvent.objects.filter(
        channel_ref=client.channel_ref, external_id=update_id
    ).first()
    if existing is not None:
        return existing
    request = ServiceRequest.objects.select_for_update().filter(pk=request_id).first()
    owner = request is not None and request.organisation_id == client.organisation_id
    sender = request is not None and request.channel_ref == client.channel_ref
    if request is None or not (owner or sender):
        raise Http404("No such service request")
    description = _text(description, "description", DESCRIPTION_MAX)
    name, email, phone = clean_contact(name=name, email=email, phone=phone)
    status = (status or "").strip().lower()
    if status not in {*Status.values, "unchanged"}:
        raise ValidationError({"status": [_("status is not one of the statuses we know.")]})
    label = f"Open311 client {client.name}"[:150]
    data = {"updated_datetime": updated_datetime.isoformat() if updated_datetime else None}
    if name or email or phone:
        data["contact"] = {"name": name, "email": email, "phone": phone}
    before = request.status
    now = timezone.now()
    if owner and status not in ("unchanged", request.status):
        if status == Status.DUPLICATE:
            raise ValidationError(
                {"status": [_("Mark duplicates by merging them in the back office.")]}
            )
        fields = _set_status(request, status, now)
        if description:
            request.status_notes = description
            fields.append("status_notes")
        request.save(update_fields=fields)
        kind = EventKind.PUBLIC_UPDATE if description else EventKind.STATUS
    elif status == Status.REOPENED:
        if request.is_open:
            kind = EventKind.RESIDENT_UPDATE
        elif request.status == Status.DUPLICATE:
            raise ValidationError({"status": [_("This request was merged into another one.")]})
        else:
            request.save(update_fields=_set_status(request, Status.REOPENED, now))
            kind = EventKind.REOPENED
            data["reason"] = description
    elif status in ("unchanged", request.status, Status.OPEN) or (
        status == "closed" and not request.is_open
    ):
        if not description:
            raise ValidationError({"description": [_("description is required.")]})
        kind = EventKind.PUBLIC_UPDATE if owner else EventKind.RESIDENT_UPDATE
        if owner:
            request.status_notes = description
            request.updated_at = now
            request.save(update_fields=["status_notes", "updated_at"])
    else:
        raise ValidationError(
            {
                "status": [
                    _("Only the organisation dealing with this request can change its status.")
                ]
            }
        )
    event = _record(
        request,
        kind,
        actor=None,
        public=True,
        text=description if kind != EventKind.REOPENED else "",
        status_before=before,
        organisation=client.organisation_id,
        data=data,
        label=label,
        channel_ref=client.channel_ref,
        external_id=update_id,
    )
    audit_record(
        actor=None,
        action="service_request.client_update",
        obj=request,
        organisation=request.organisation,
        before={"status": before},
        after={"status": request.status, "event": event.pk, "client": client.channel_ref},
    )
    return event


# --- Messages (run by background jobs) ------------------------------------------------


def _message_values(request: ServiceRequest, language: str, status: str = "") -> dict[str, str]:
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        service = request.service.localised_name
        due = date_format(timezone.localtime(request.due_at), "j F Y") if request.due_at else "-"
        status_label = str(Status(status or request.status).label)
    where = request.location_text or request.postcode or f"{request.lat:.5f}, {request.lon:.5f}"
    return {
        "service": service,
        "organisation": request.organisation.name,
        "reference": request.reference,
        "location": where,
        "due": due,
        "status": status_label,
        "tracking_url": f"{getattr(settings, 'JOINEDUP_PUBLIC_URL', '')}"
        f"{reverse('service_requests:track', args=[request.pk])}",
    }


def _send(
    *,
    to_email: str,
    to_phone: str,
    language: str,
    email_template: str,
    sms_template: str,
    values: dict,
    request: ServiceRequest,
) -> None:
    from joinedup.integrations.govuk_notify.services import notify_send_email, notify_send_sms

    reference = f"service-request-{request.pk}"
    if to_email:
        notify_send_email(
            to=to_email,
            template=email_template,
            personalisation=values,
            language=language,
            reference=reference,
            organisation=request.organisation,
        )
    elif to_phone:
        notify_send_sms(
            to=to_phone,
            template=sms_template,
            personalisation=values,
            language=language,
            reference=reference,
            organisation=request.organisation,
        )


@transaction.atomic
def service_request_acknowledge(*, request_id: int) -> bool:
    """Send the confirmation with the reference, once (a job may run twice)."""
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "service")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.acknowledged_at is not None or not request.has_contact:
        return False
    values = _message_values(request, request.language)
    _send(
        to_email=request.email,
        to_phone=request.phone,
        language=request.language,
        email_template="service_request_received",
        sms_template="service_request_received_sms",
        values=values,
        request=request,
    )
    request.acknowledged_at = timezone.now()
    request.save(update_fields=["acknowledged_at"])
    return True


@transaction.atomic
def service_request_event_notify(*, event_id: int) -> int:
    """Tell the reporter and everyone following the request about a public update,
    once. Returns how many messages were queued."""
    event = (
        RequestEvent.objects.select_for_update(of=("self",))
        .select_related("request", "request__organisation", "request__service")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.notified_at is not None:
        return 0
    request = event.request
    recipients = []
    if request.has_contact:
        recipients.append((request.email, request.phone, request.language))
    recipients += [(s.email, s.phone, s.language) for s in request.supporters.all()]
    seen = set()
    sent = 0
    for email, phone, language in recipients:
        key = email or phone
        if not key or key in seen:
            continue
        seen.add(key)
        values = _message_values(request, language, event.status_after)
        values["update"] = event.text or values["status"]
        _send(
            to_email=email,
            to_phone=phone,
            language=language,
            email_template="service_request_updated",
            sms_template="service_request_updated_sms",
            values=values,
            request=request,
        )
        sent += 1
    event.notified_at = timezone.now()
    event.save(update_fields=["notified_at"])
    return sent

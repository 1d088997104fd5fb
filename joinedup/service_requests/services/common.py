"""What the service-request services share: the input shapes, checks of what people
type, the permission check for case work, and recording a history entry (which queues
the messages it causes)."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db.models import Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.core.audit import current_context
from joinedup.core.models import Organisation
from joinedup.core.permissions import READ_ROLES, WRITE_ROLES, has_role, organisation_ids_for
from joinedup.geo.models import COUNCIL_AREA_TYPES, WARD_AREA_TYPES, Area, Postcode
from joinedup.routing.places import Place
from joinedup.service_requests.calendar import due_at
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    RequestEvent,
    RequestShare,
    ServiceRequest,
)
from joinedup.service_requests.photos import PreparedPhoto
from joinedup.service_requests.questions import has_control_characters

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

"""Updates posted by Open311 clients (mySociety's POST servicerequestupdates)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.core.audit import audit_record
from joinedup.service_requests.models import (
    EventKind,
    RequestEvent,
    ServiceRequest,
    Status,
)
from joinedup.service_requests.services.common import (
    DESCRIPTION_MAX,
    ClientRef,
    _record,
    _set_status,
    _text,
    clean_contact,
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

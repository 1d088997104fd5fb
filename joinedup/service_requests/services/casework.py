"""Officers' case work: public updates and statuses, internal notes, assignment,
merging duplicates, transfers to the right body, sharing, and CSV downloads."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.core.audit import audit_record
from joinedup.core.models import Membership, Organisation, User
from joinedup.core.permissions import READ_ROLES, WRITE_ROLES, organisation_ids_for
from joinedup.crm.services import person_holding_ensure
from joinedup.service_requests.models import (
    EventKind,
    RequestEvent,
    RequestShare,
    ServiceRequest,
    Status,
    Supporter,
    Team,
)
from joinedup.service_requests.questions import TEXT_MAX
from joinedup.service_requests.routes import (
    platform_body_ids,
)
from joinedup.service_requests.services.common import (
    _due,
    _lock_for_officer,
    _record,
    _set_status,
    _text,
)

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
    if request.person is not None:
        # The request's reporter goes with it: the new body holds them in the shared
        # citizen record, so its officers see the request on their record.
        person_holding_ensure(actor=actor, person=request.person, organisation=organisation)
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


def service_requests_export_record(
    *,
    actor,
    organisation: Organisation,
    query: str,
    requests: list[int],
    columns: list[str],
) -> None:
    """Record that an officer downloaded a queue as CSV (it holds residents' reports), and
    what the file held: the filters, the columns and every request in it."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    audit_record(
        actor=actor,
        action="service_request.export",
        object_type="service_requests.servicerequest",
        object_id="queue",
        organisation=organisation,
        after={
            "filters": query[:500],
            "columns": columns,
            "count": len(requests),
            "requests": requests,
        },
    )

"""Reports from residents and Open311 clients: taking one, adding yourself to one,
and reopening one ("not fixed")."""

import hmac

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.core.audit import audit_record
from joinedup.core.models import Organisation
from joinedup.crm.models import Person
from joinedup.crm.services import person_holding_ensure
from joinedup.service_requests.calendar import due_at
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import (
    EventKind,
    Photo,
    ServiceRequest,
    Status,
    Supporter,
)
from joinedup.service_requests.photos import (
    MAX_PHOTOS,
    PreparedPhoto,
    SavedFiles,
    atomic_with_files,
)
from joinedup.service_requests.questions import clean_answers
from joinedup.service_requests.routes import (
    NotTakenHere,
    request_route,
    request_type_get,
)
from joinedup.service_requests.services.common import (
    DESCRIPTION_MAX,
    ReportInput,
    _areas,
    _record,
    _set_status,
    _text,
    clean_contact,
)

# --- Reports -------------------------------------------------------------------------


def service_request_create(*, actor, report: ReportInput) -> ServiceRequest:
    """Take a report: check it, route it to the body responsible for the service at the
    place (the front door's resolver), set its due date from that body's target, and
    queue the acknowledgement. One transaction; the photos' files are written inside it
    and deleted again if it fails, so a report that was not stored leaves none behind."""
    with atomic_with_files() as saved:
        return _request_create(actor=actor, report=report, saved=saved)


def _request_create(*, actor, report: ReportInput, saved: SavedFiles) -> ServiceRequest:
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
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    # A signed-in resident's report is theirs in the shared citizen record (officers
    # signed in to report something have no person record of their own).
    person = Person.objects.filter(user=actor).first() if signed_in else None
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
        reporter=actor if signed_in else None,
        person=person.survivor() if person is not None else None,
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
        _photo_add(request, prepared, saved)
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
    if request.person is not None:
        # The body now holds the resident, so its officers find the request on their record.
        person_holding_ensure(
            actor=actor, person=request.person, organisation=Organisation(pk=route.body.id)
        )
    if request.has_contact:
        from joinedup.service_requests.tasks import acknowledge

        acknowledge.enqueue(request_id=request.pk)
    return request


def _photo_add(request: ServiceRequest, prepared: PreparedPhoto, saved: SavedFiles) -> Photo:
    photo = Photo(
        request=request,
        original_type=prepared.original_type,
        width=prepared.width,
        height=prepared.height,
    )
    photo.original.save(
        f"original.{prepared.original_extension}", ContentFile(prepared.original), save=False
    )
    saved.add(photo.original.storage, photo.original.name)
    photo.published.save("published.jpg", ContentFile(prepared.published), save=False)
    saved.add(photo.published.storage, photo.published.name)
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

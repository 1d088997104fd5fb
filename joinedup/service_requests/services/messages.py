"""The messages to residents, run by background jobs: the acknowledgement with the
reference, and news of public updates to the reporter and everyone following."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from joinedup.service_requests.models import (
    RequestEvent,
    ServiceRequest,
    Status,
)
from joinedup.service_requests.routes import service_name

# --- Messages (run by background jobs) ------------------------------------------------


def _message_values(request: ServiceRequest, language: str, status: str = "") -> dict[str, str]:
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        service = service_name(code=request.service.code, language=language)
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

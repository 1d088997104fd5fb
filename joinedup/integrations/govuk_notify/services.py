"""Send an email or text message: recorded in the outbox in the caller's transaction,
delivered by a background job after it commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from joinedup.core.models import Organisation
from joinedup.integrations.govuk_notify.models import (
    MessageKind,
    MessageStatus,
    NotifyMessage,
    recipient_key,
)
from joinedup.integrations.govuk_notify.providers import PermanentSendError, get_provider
from joinedup.integrations.govuk_notify.templates_registry import get_template


def _queue(
    *,
    kind: str,
    to: str,
    template: str,
    personalisation: dict,
    language: str,
    reference: str,
    organisation: Organisation | None,
) -> NotifyMessage:
    from joinedup.integrations.govuk_notify.tasks import deliver

    tmpl = get_template(template)
    if tmpl.kind != kind:
        raise ValueError(f"Template {template} is for {tmpl.kind}, not {kind}")
    language = language if language in tmpl.body else "en"
    subject, body = tmpl.render(language, personalisation)
    message = NotifyMessage.objects.create(
        organisation=organisation,
        kind=kind,
        recipient=to.strip(),
        recipient_key=recipient_key(kind, to),
        template_name=template,
        language=language,
        template_id=tmpl.template_id(language),
        personalisation=personalisation,
        reference=reference,
        subject=subject,
        body=body,
    )
    deliver.enqueue(message_id=str(message.pk))
    return message


def notify_send_email(
    *,
    to: str,
    template: str,
    personalisation: dict,
    language: str = "en",
    reference: str = "",
    organisation: Organisation | None = None,
) -> NotifyMessage:
    return _queue(
        kind=MessageKind.EMAIL,
        to=to,
        template=template,
        personalisation=personalisation,
        language=language,
        reference=reference,
        organisation=organisation,
    )


def notify_send_sms(
    *,
    to: str,
    template: str,
    personalisation: dict,
    language: str = "en",
    reference: str = "",
    organisation: Organisation | None = None,
) -> NotifyMessage:
    return _queue(
        kind=MessageKind.SMS,
        to=to,
        template=template,
        personalisation=personalisation,
        language=language,
        reference=reference,
        organisation=organisation,
    )


def notify_message_deliver(*, message_id: str) -> NotifyMessage | None:
    """Hand one message to the provider. Runs at least once: a message already handed
    over is left alone; one left `sending` by a worker that died is sent again (a
    duplicate receipt is better than none)."""
    with transaction.atomic():
        message = NotifyMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status not in (MessageStatus.QUEUED, MessageStatus.SENDING):
            return message
        if message.provider_id:
            return message
        message.status = MessageStatus.SENDING
        message.save(update_fields=["status"])
    provider = get_provider()
    try:
        result = provider.send(message)
    except PermanentSendError as exc:
        NotifyMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.PERMANENT_FAILURE, provider=provider.name, error=str(exc)
        )
        message.refresh_from_db()
        return message
    NotifyMessage.objects.filter(pk=message.pk).update(
        status=result.status,
        provider=provider.name,
        provider_id=result.provider_id,
        sent_at=timezone.now(),
        error="",
    )
    message.refresh_from_db()
    return message

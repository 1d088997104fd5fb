"""Who actually delivers a message: GOV.UK Notify when `NOTIFY_API_KEY` is set, else a
sandbox that delivers nothing and records the message as Notify's test keys would."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from joinedup.integrations.govuk_notify.models import MessageStatus, NotifyMessage


class PermanentSendError(Exception):
    """The provider refused the message; sending it again would fail the same way."""


@dataclass
class SendResult:
    provider_id: str
    status: str


class NotifyProvider(Protocol):
    name: str

    def send(self, message: NotifyMessage) -> SendResult: ...


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")

# The addresses and numbers Notify's test keys answer with a failure
# (notifications-tech-docs, "Testing": temporary and permanent failure simulation).
SIMULATED_FAILURES = {
    "temp-fail@simulator.notify": MessageStatus.TEMPORARY_FAILURE,
    "perm-fail@simulator.notify": MessageStatus.PERMANENT_FAILURE,
    "07700900003": MessageStatus.TEMPORARY_FAILURE,
    "07700900002": MessageStatus.PERMANENT_FAILURE,
}


class SandboxNotifyProvider:
    name = "sandbox"

    def send(self, message: NotifyMessage) -> SendResult:
        recipient = message.recipient.replace(" ", "")
        valid = EMAIL.match(recipient) if message.kind == "email" else UK_MOBILE.match(recipient)
        if not valid:
            raise PermanentSendError(f"Not a valid {message.kind} recipient")
        status = SIMULATED_FAILURES.get(recipient, MessageStatus.DELIVERED)
        return SendResult(provider_id=str(uuid.uuid4()), status=status)


class GovukNotifyProvider:
    name = "govuk-notify"

    def __init__(self, api_key: str, base_url: str | None = None) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        kwargs = {"base_url": base_url} if base_url else {}
        self.client = NotificationsAPIClient(api_key, **kwargs)

    def send(self, message: NotifyMessage) -> SendResult:
        from notifications_python_client.errors import HTTPError

        if not message.template_id:
            raise PermanentSendError(f"No Notify template id for {message.template_name}")
        try:
            if message.kind == "email":
                response = self.client.send_email_notification(
                    email_address=message.recipient,
                    template_id=message.template_id,
                    personalisation=message.personalisation,
                    reference=message.reference or None,
                )
            else:
                response = self.client.send_sms_notification(
                    phone_number=message.recipient,
                    template_id=message.template_id,
                    personalisation=message.personalisation,
                    reference=message.reference or None,
                )
        except HTTPError as exc:
            # 400/403 will not get better by retrying; 429 and 5xx will (the job retries).
            if exc.status_code in (400, 403):
                raise PermanentSendError(str(exc.message)) from exc
            raise
        return SendResult(provider_id=response["id"], status=MessageStatus.SENDING)


def get_provider() -> NotifyProvider:
    api_key = getattr(settings, "NOTIFY_API_KEY", "")
    if api_key:
        return GovukNotifyProvider(api_key, getattr(settings, "NOTIFY_BASE_URL", "") or None)
    return SandboxNotifyProvider()

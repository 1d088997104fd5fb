"""Posting the sandbox's signed webhook messages to the service's callback URL."""

from __future__ import annotations

import json

from django.utils import timezone

from joinedup.integrations.govuk_pay.client import RequestsTransport, webhook_signature
from joinedup.integrations.govuk_pay.inprocess import InProcessTransport
from joinedup.integrations.govuk_pay.sandbox.models import SandboxWebhookMessage


class WebhookRefused(Exception):
    pass


def webhook_message_deliver(*, message_id: int) -> None:
    message = SandboxWebhookMessage.objects.select_related("account").get(pk=message_id)
    body = json.dumps(message.body).encode()
    url = message.account.webhook_url
    transport = InProcessTransport() if url.startswith("/") else RequestsTransport()
    status, _ = transport(
        "POST",
        url,
        {
            "Content-Type": "application/json",
            "Pay-Signature": webhook_signature(body, message.account.webhook_signing_secret),
        },
        body,
        10.0,
    )
    SandboxWebhookMessage.objects.filter(pk=message.pk).update(
        last_status=status, delivered_at=timezone.now() if 200 <= status < 300 else None
    )
    if not 200 <= status < 300:
        raise WebhookRefused(f"{url} answered {status}")

"""Every email and text message the platform sends, kept as an outbox."""

from __future__ import annotations

import re
import uuid

from django.db import models
from django.utils import timezone


class MessageKind(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    # Our own states before handing over, then GOV.UK Notify's status names
    # (notifications-tech-docs, "Status - email and text message").
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"


def recipient_key(kind: str, value: str) -> str:
    """The recipient in one comparable form, so a person's messages can be found by
    their email address or phone number however it was typed: an email address trimmed
    and in lower case; a phone number as its digits, with +44 (or 0044, or 44, or
    +44 (0)) as 0."""
    if kind == MessageKind.EMAIL:
        return (value or "").strip().lower()
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("44"):
        digits = digits[2:]
        return digits if digits.startswith("0") else "0" + digits
    return digits


class NotifyMessage(models.Model):
    """One message: who it is for, the template and personalisation, the text as
    rendered, and what the provider said. The sandbox provider only records; the GOV.UK
    Notify provider also sends. Officers and tests read the outbox either way."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    recipient = models.CharField(max_length=320)
    # `recipient_key(kind, recipient)`: how the shared citizen record finds the messages
    # sent to a person (see person_data.py). Blank once the message is anonymised.
    recipient_key = models.CharField(max_length=320, blank=True, db_index=True)
    template_name = models.CharField(max_length=100)
    language = models.CharField(max_length=2, default="en")
    template_id = models.CharField(max_length=64, blank=True)
    personalisation = models.JSONField(default=dict)
    reference = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    provider = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.template_name} ({self.status})"

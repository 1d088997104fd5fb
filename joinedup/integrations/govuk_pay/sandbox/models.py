"""The sandbox provider's own records: a stand-in for GOV.UK Pay's services, kept apart
from the platform's payments and ledger (which know it only through the public API)."""

from __future__ import annotations

import secrets
import string

from django.db import models
from django.utils import timezone

ID_ALPHABET = string.ascii_lowercase + string.digits


def pay_id() -> str:
    """26 lower-case letters and digits, the shape of GOV.UK Pay's payment and refund ids."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(26))


class SandboxAccount(models.Model):
    """A service account on the sandbox: its API key (kept only as a hash), where its
    webhooks go and the secret they are signed with."""

    name = models.CharField(max_length=100)
    api_key_hash = models.CharField(max_length=64, unique=True)
    api_key_hint = models.CharField(max_length=20, help_text="the key's first characters")
    webhook_url = models.CharField(max_length=2000, blank=True)
    webhook_signing_secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.api_key_hint}…)"


class SandboxStatus(models.TextChoices):
    # GOV.UK Pay's payment states (API reference, "Payment status lifecycle").
    CREATED = "created"
    STARTED = "started"
    SUBMITTED = "submitted"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"


FINISHED = {
    SandboxStatus.SUCCESS,
    SandboxStatus.FAILED,
    SandboxStatus.CANCELLED,
    SandboxStatus.ERROR,
}


class SandboxPayment(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="payments")
    payment_id = models.CharField(max_length=26, unique=True, default=pay_id)
    amount = models.PositiveIntegerField()
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    return_url = models.CharField(max_length=2000)
    language = models.CharField(max_length=2, default="en")
    email = models.CharField(max_length=254, blank=True)
    metadata = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SandboxStatus.choices, default=SandboxStatus.CREATED
    )
    code = models.CharField(max_length=8, blank=True)
    message = models.CharField(max_length=200, blank=True)
    card_details = models.JSONField(null=True, blank=True)
    page_token = models.CharField(max_length=64, unique=True)
    provider_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    idempotency_hash = models.CharField(max_length=64, blank=True)
    created_date = models.DateTimeField(default=timezone.now, db_index=True)
    captured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="sandbox_payment_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.amount}p {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def amount_display(self) -> str:
        return f"£{self.amount / 100:,.2f}"


class SandboxEvent(models.Model):
    payment = models.ForeignKey(SandboxPayment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10)
    code = models.CharField(max_length=8, blank=True)
    message = models.CharField(max_length=200, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.status} at {self.updated:%Y-%m-%d %H:%M}"


class SandboxRefund(models.Model):
    payment = models.ForeignKey(SandboxPayment, on_delete=models.CASCADE, related_name="refunds")
    refund_id = models.CharField(max_length=26, unique=True, default=pay_id)
    amount = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default="success")
    created_date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_date", "id"]

    def __str__(self) -> str:
        return f"refund {self.refund_id} {self.amount}p {self.status}"


class SandboxWebhookMessage(models.Model):
    """One webhook message, delivered at least once (as GOV.UK Pay does)."""

    webhook_message_id = models.CharField(max_length=26, unique=True, default=pay_id)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=40)
    body = models.JSONField()
    created_date = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_message_id}"

"""Money: a double-entry ledger per organisation, the card payments residents make
through GOV.UK Pay (or the sandbox), refunds, and reconciliation with the provider.

Amounts are integer pence. In ledger entries a debit is positive and a credit negative,
so every transaction's entries add up to zero and an account's balance is the sum of
its entries; nothing stores a balance."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.payments.querysets import ImmutableQuerySet, LedgerEntryQuerySet


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"  # what is owed to the organisation, money in transit
    LIABILITY = "liability", "Liability"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"


class LedgerAccount(models.Model):
    """An account in an organisation's ledger: one per council tax account (what that
    household owes), plus shared ones such as income and GOV.UK Pay clearing."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)

    class Meta:
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="ledger_account_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TransactionKind(models.TextChoices):
    CHARGE = "charge", "Charge"
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
    ADJUSTMENT = "adjustment", "Adjustment"


class LedgerTransaction(models.Model):
    """One movement of money, written once, made of entries that sum to zero. A
    provider's payment or refund can be recorded once only: the database refuses a
    second row with the same provider id (constraints below), whoever tries."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    kind = models.CharField(max_length=12, choices=TransactionKind.choices)
    description = models.CharField(max_length=255)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.CharField(max_length=150)
    provider = models.CharField(max_length=20, blank=True)
    provider_payment_id = models.CharField(max_length=64, blank=True, db_index=True)
    provider_refund_id = models.CharField(max_length=64, blank=True)
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=Q(kind="payment"),
                name="ledger_provider_payment_once",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_refund_id"],
                condition=Q(kind="refund"),
                name="ledger_provider_refund_once",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payment") | ~Q(provider_payment_id=""),
                name="ledger_payment_has_provider_id",
            ),
            models.CheckConstraint(
                condition=~Q(kind="refund") | ~Q(provider_refund_id=""),
                name="ledger_refund_has_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}: {self.description}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("ledger rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ledger rows are immutable")


class LedgerEntry(models.Model):
    """One side of a transaction: a debit (positive) or credit (negative) to an account."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount_pence = models.BigIntegerField()

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["transaction_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="ledger_entry_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_pence:+d}p"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("ledger rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ledger rows are immutable")


class PaymentStatus(models.TextChoices):
    NEW = "new", "Not yet at the provider"
    # GOV.UK Pay's states
    CREATED = "created", "Created"
    STARTED = "started", "Started"
    SUBMITTED = "submitted", "Submitted"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    ERROR = "error", "Error"


FINISHED_STATUSES = {
    PaymentStatus.SUCCESS,
    PaymentStatus.FAILED,
    PaymentStatus.CANCELLED,
    PaymentStatus.ERROR,
}


class Payment(models.Model):
    """A card payment a resident started: what it is for, and what the provider says
    about it. Only the provider's word (GET or a signed webhook) changes its status; the
    resident's return to the site proves nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="payments"
    )
    ledger_account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(max_length=40)
    reference = models.CharField(max_length=255)
    description = models.CharField(max_length=255)
    amount_pence = models.PositiveIntegerField()
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=2, default="en")
    provider = models.CharField(max_length=20, default="govuk_pay")
    provider_payment_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    return_token = models.CharField(max_length=64, unique=True)
    next_url = models.CharField(max_length=2000, blank=True)
    continue_url = models.CharField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.NEW
    )
    provider_code = models.CharField(max_length=10, blank=True)
    provider_message = models.CharField(max_length=255, blank=True)
    card_summary = models.CharField(max_length=60, blank=True)
    refund_amount_available = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount_pence}p {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == PaymentStatus.SUCCESS


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the provider"
    SUBMITTED = "submitted", "Submitted"
    SUCCESS = "success", "Refunded"
    ERROR = "error", "Failed"


class Refund(models.Model):
    """Money given back on a payment. Recorded before the provider is asked, so two
    officers cannot both spend the same refundable amount."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    provider_refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"refund {self.amount_pence}p of {self.payment_id} ({self.status})"


class WebhookReceipt(models.Model):
    """A webhook message already handled; its unique id makes a replay a no-op."""

    provider = models.CharField(max_length=20, default="govuk_pay")
    message_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "message_id"], name="webhook_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"


class ReconciliationReport(models.Model):
    """One day's comparison of what the provider says was paid and refunded with what
    the ledger holds, for one organisation."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="reconciliation_reports"
    )
    day = models.DateField()
    generated_at = models.DateTimeField(default=timezone.now)
    provider_payments_count = models.PositiveIntegerField(default=0)
    provider_payments_pence = models.BigIntegerField(default=0)
    ledger_payments_count = models.PositiveIntegerField(default=0)
    ledger_payments_pence = models.BigIntegerField(default=0)
    provider_refunds_pence = models.BigIntegerField(default=0)
    ledger_refunds_pence = models.BigIntegerField(default=0)
    discrepancies = models.JSONField(default=list)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="reconciliation_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.day}"

    @property
    def agrees(self) -> bool:
        return not self.discrepancies

"""Taking card payments through GOV.UK Pay (or the sandbox) and recording them in the
ledger exactly once, whichever of these arrives first or twice: the resident's return,
a webhook, the reconciliation task.

Calls to the provider are made outside database transactions (a slow provider must not
hold locks); what the provider said is then applied in a short transaction that locks
the payment row. The last line of defence against double-recording is the database's
unique constraint on the provider's payment id in the ledger."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone

from joinedup.core.audit import audit_record
from joinedup.core.permissions import WRITE_ROLES, has_role
from joinedup.integrations.govuk_notify.services import notify_send_email
from joinedup.integrations.govuk_pay.client import (
    PayError,
    PayPayment,
    PayRefund,
    PayUnavailable,
    RefundAmountMismatch,
    verify_webhook_signature,
)
from joinedup.integrations.govuk_pay.provider import get_pay_client, pay_webhook_secret
from joinedup.payments.ledger import AlreadyRecorded, clearing_account, ledger_post
from joinedup.payments.models import (
    FINISHED_STATUSES,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    TransactionKind,
    WebhookReceipt,
)
from joinedup.payments.selectors import refundable_pence

logger = logging.getLogger(__name__)

PROVIDER = "govuk_pay"
MAX_PENCE = 10_000_000  # GOV.UK Pay's limit for one payment (£100,000)


class PaymentUnavailable(Exception):
    """The provider could not be reached; nothing was charged that we know of."""


class RefundConflict(Exception):
    """The refundable amount changed since the officer looked (someone else refunded)."""


# -- starting a payment ----------------------------------------------------------------
def payment_start(
    *,
    ledger_account: LedgerAccount,
    amount_pence: int,
    reference: str,
    description: str,
    purpose: str,
    return_url_for,
    continue_url: str = "",
    email: str = "",
    language: str = "en",
    actor=None,
) -> Payment:
    """Create a payment at the provider and return it with `next_url` to send the payer
    to. `return_url_for(token)` builds the absolute URL the provider sends them back to.

    Our row is committed first, with the Idempotency-Key we send: if the provider's
    answer is lost, the reconciliation task can still find the payment (by reference and
    our id in its metadata) and asking again with the same key cannot make a second one."""
    if not 1 <= amount_pence <= MAX_PENCE:
        raise ValidationError("Enter an amount between £0.01 and £100,000.")
    organisation = ledger_account.organisation
    with transaction.atomic():
        payment = Payment.objects.create(
            organisation=organisation,
            ledger_account=ledger_account,
            purpose=purpose,
            reference=reference,
            description=description,
            amount_pence=amount_pence,
            email=email,
            language=language if language in ("en", "cy") else "en",
            idempotency_key=uuid.uuid4().hex,
            return_token=secrets.token_urlsafe(32),
            continue_url=continue_url,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="payment.start",
            obj=payment,
            organisation=organisation,
            after={"reference": reference, "amount_pence": amount_pence, "purpose": purpose},
        )
    client = get_pay_client()
    arguments = {
        "amount": amount_pence,
        "reference": reference,
        "description": description,
        "return_url": return_url_for(payment.return_token),
        "language": payment.language,
        "metadata": {
            "joinedup_payment": str(payment.pk),
            "organisation": organisation.slug[:100],
            "purpose": purpose,
        },
        "email": email or None,
        "idempotency_key": payment.idempotency_key,
    }
    try:
        try:
            created = client.create_payment(**arguments)
        except PayUnavailable:
            # Safe to ask once more: the same key returns the same payment.
            created = client.create_payment(**arguments)
    except PayUnavailable as exc:
        logger.warning("payment %s: provider unavailable: %s", payment.pk, exc)
        raise PaymentUnavailable(str(exc)) from exc
    return _apply(payment.pk, created)


# -- learning the outcome ------------------------------------------------------------
def payment_sync(*, payment: Payment) -> Payment:
    """Ask the provider what happened to the payment and record it."""
    if not payment.provider_payment_id:
        return payment
    provider_payment = get_pay_client().get_payment(payment.provider_payment_id)
    return _apply(payment.pk, provider_payment)


def _apply(payment_pk, pay: PayPayment) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_pk)
        if payment.provider_payment_id not in (None, pay.payment_id):
            raise ValidationError("The provider's payment does not belong to this payment.")
        if pay.amount != payment.amount_pence:
            # Never seen in practice; if it happens a person must look.
            logger.error("payment %s: provider amount %s differs", payment.pk, pay.amount)
            raise ValidationError("The provider's amount differs from ours.")
        payment.provider_payment_id = pay.payment_id
        if pay.next_url:
            payment.next_url = pay.next_url
        # Finished states are final: a late or replayed message cannot undo them.
        if payment.status not in FINISHED_STATUSES and pay.status:
            payment.status = pay.status
            payment.provider_code = pay.code
            payment.provider_message = pay.message[:255]
        if pay.last_digits_card_number:
            payment.card_summary = f"{pay.card_brand} •••• {pay.last_digits_card_number}"[:60]
        payment.refund_amount_available = pay.refund_amount_available
        payment.last_checked_at = timezone.now()
        payment.save()
        if payment.status == PaymentStatus.SUCCESS:
            _record_payment(payment)
    return payment


def _record_payment(payment: Payment) -> None:
    """Dr clearing / Cr the payer's account, once; then the receipt."""
    organisation = payment.organisation
    try:
        ledger_post(
            organisation=organisation,
            kind=TransactionKind.PAYMENT,
            description=f"Card payment {payment.reference}",
            lines=[
                (clearing_account(organisation), payment.amount_pence),
                (payment.ledger_account, -payment.amount_pence),
            ],
            recorded_by="payments",
            provider=PROVIDER,
            provider_payment_id=payment.provider_payment_id or "",
            payment=payment,
        )
    except AlreadyRecorded:
        return
    audit_record(
        actor=None,
        action="payment.recorded",
        obj=payment,
        organisation=organisation,
        after={
            "provider_payment_id": payment.provider_payment_id,
            "amount_pence": payment.amount_pence,
        },
    )
    if payment.email:
        notify_send_email(
            to=payment.email,
            template="payment_receipt",
            language=payment.language,
            organisation=organisation,
            reference=f"payment-{payment.pk}",
            personalisation={
                "organisation": organisation.name,
                "amount": f"£{payment.amount_pence / 100:,.2f}",
                "description": payment.description,
                "reference": payment.reference,
                "payment_id": payment.provider_payment_id,
                "date": formats.date_format(timezone.localtime(), "j F Y"),
            },
        )


# -- webhooks ------------------------------------------------------------------------
class WebhookRejected(Exception):
    pass


def payment_webhook_receive(*, body: bytes, signature: str) -> str:
    """Handle one GOV.UK Pay webhook message. Pay delivers at least once, so a message
    seen before is acknowledged and ignored. The signed `resource` is the payment as Pay
    saw it when it sent the message, so it is applied like the answer to a GET."""
    if not verify_webhook_signature(body, signature, pay_webhook_secret()):
        raise WebhookRejected("bad signature")
    try:
        message = json.loads(body)
        message_id = str(message["webhook_message_id"])
        event_type = str(message.get("event_type", ""))
        resource = message.get("resource") or {}
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookRejected("not a GOV.UK Pay webhook message") from exc
    with transaction.atomic():
        receipt, created = WebhookReceipt.objects.get_or_create(
            provider=PROVIDER,
            message_id=message_id,
            defaults={"event_type": event_type, "resource_id": str(message.get("resource_id", ""))},
        )
        if not created:
            return "duplicate"
        if message.get("resource_type") != "payment" or "payment_id" not in resource:
            receipt.outcome = "ignored"
            receipt.save(update_fields=["outcome"])
            return "ignored"
        payment = Payment.objects.filter(
            provider=PROVIDER, provider_payment_id=resource["payment_id"]
        ).first()
        if payment is None:
            # Not ours, or the create answer has not been stored yet: reconciliation
            # will catch up; acknowledging stops Pay retrying forever.
            receipt.outcome = "unknown payment"
            receipt.save(update_fields=["outcome"])
            return "unknown payment"
        _apply(payment.pk, PayPayment.from_json(resource))
        if event_type == "card_payment_refunded":
            transaction.on_commit(lambda: _refunds_sync_quietly(payment.pk))
        receipt.outcome = "applied"
        receipt.save(update_fields=["outcome"])
    return "applied"


def _refunds_sync_quietly(payment_pk) -> None:
    try:
        payment_refunds_sync(payment=Payment.objects.get(pk=payment_pk))
    except PayError as exc:  # the reconciliation task will try again
        logger.warning("refund sync for %s failed: %s", payment_pk, exc)


# -- refunds -------------------------------------------------------------------------
def refund_issue(
    *, actor, payment: Payment, amount_pence: int, expected_available_pence: int, reason: str
) -> Refund:
    """Refund part or all of a payment. `expected_available_pence` is the refundable
    amount the officer saw: if it changed meanwhile the refund is refused (GOV.UK Pay's
    `refund_amount_available` rule, applied by us first and by the provider again)."""
    if not has_role(actor, payment.organisation, WRITE_ROLES):
        raise Http404("No such payment")
    if amount_pence < 1:
        raise ValidationError("Enter an amount to refund.")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        available = refundable_pence(locked)
        if available != expected_available_pence:
            raise RefundConflict(
                "This payment changed since you opened the page. Check the refunds already made."
            )
        if amount_pence > available:
            raise ValidationError(f"You can refund at most £{available / 100:,.2f}.")
        refund = Refund.objects.create(
            payment=locked, amount_pence=amount_pence, reason=reason[:255], created_by=actor
        )
        audit_record(
            actor=actor,
            action="payment.refund",
            obj=refund,
            organisation=locked.organisation,
            after={"payment": str(locked.pk), "amount_pence": amount_pence, "reason": reason},
        )
    try:
        made = get_pay_client().create_refund(
            locked.provider_payment_id or "",
            amount=amount_pence,
            refund_amount_available=available,
        )
    except RefundAmountMismatch as exc:
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.ERROR)
        raise RefundConflict(
            "The payment provider says this payment changed. Check the refunds already made."
        ) from exc
    except PayUnavailable:
        # Unknown whether the provider made it: the refund stays pending and the
        # reconciliation task matches it against the provider's list of refunds.
        logger.warning("refund %s: provider unavailable; left pending", refund.pk)
        return refund
    except PayError as exc:
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.ERROR)
        raise ValidationError(f"The payment provider refused the refund ({exc.code}).") from exc
    return _apply_refund(refund.pk, made)


def _apply_refund(refund_pk: int, made: PayRefund) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_pk)
        refund.provider_refund_id = made.refund_id
        if made.status in (RefundStatus.SUBMITTED, RefundStatus.SUCCESS, RefundStatus.ERROR):
            refund.status = made.status
        refund.save(update_fields=["provider_refund_id", "status"])
        payment = refund.payment
        Payment.objects.filter(pk=payment.pk).update(
            refund_amount_available=max(payment.refund_amount_available - refund.amount_pence, 0)
        )
        if refund.status in (RefundStatus.SUBMITTED, RefundStatus.SUCCESS):
            with contextlib.suppress(AlreadyRecorded):
                ledger_post(
                    organisation=payment.organisation,
                    kind=TransactionKind.REFUND,
                    description=f"Refund of card payment {payment.reference}",
                    lines=[
                        (payment.ledger_account, refund.amount_pence),
                        (clearing_account(payment.organisation), -refund.amount_pence),
                    ],
                    recorded_by="payments",
                    provider=PROVIDER,
                    provider_payment_id=payment.provider_payment_id or "",
                    provider_refund_id=made.refund_id,
                    payment=payment,
                    refund=refund,
                )
    return refund


def payment_refunds_sync(*, payment: Payment) -> list[Refund]:
    """Match the provider's refunds of a payment with ours: link pending ones, and record
    refunds made elsewhere (GOV.UK Pay's admin tool) so the ledger still agrees."""
    if not payment.provider_payment_id:
        return []
    provider_refunds = get_pay_client().get_refunds(payment.provider_payment_id)
    known = set(
        Refund.objects.filter(payment=payment, provider_refund_id__isnull=False).values_list(
            "provider_refund_id", flat=True
        )
    )
    applied = []
    for made in provider_refunds:
        if made.refund_id in known:
            continue
        with transaction.atomic():
            pending = (
                Refund.objects.select_for_update()
                .filter(
                    payment=payment,
                    provider_refund_id__isnull=True,
                    status=RefundStatus.PENDING,
                    amount_pence=made.amount,
                )
                .order_by("created_at")
                .first()
            )
            if pending is None:
                pending = Refund.objects.create(
                    payment=payment, amount_pence=made.amount, reason="Made at the payment provider"
                )
        applied.append(_apply_refund(pending.pk, made))
    return applied


def ledger_payment_transaction(payment: Payment) -> LedgerTransaction | None:
    return LedgerTransaction.objects.filter(
        kind=TransactionKind.PAYMENT,
        provider=PROVIDER,
        provider_payment_id=payment.provider_payment_id,
    ).first()

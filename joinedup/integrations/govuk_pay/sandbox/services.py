"""The sandbox provider's behaviour: GOV.UK Pay's public API rules and its test cards,
with no money and no network. Error codes and messages follow GOV.UK Pay's API
reference ("API error codes"); test cards follow "Testing GOV.UK Pay" (Stripe cards)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from joinedup.integrations.govuk_pay.sandbox.models import (
    SandboxAccount,
    SandboxEvent,
    SandboxPayment,
    SandboxRefund,
    SandboxStatus,
    SandboxWebhookMessage,
)

# A payment not finished within 90 minutes expires (GOV.UK Pay: state failed, P0020).
EXPIRY = dt.timedelta(minutes=90)
MAX_AMOUNT = 10_000_000
IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9-]{1,255}$")
# Idempotency keys are remembered for 24 hours (GOV.UK Pay, "Idempotency").
IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


@dataclass
class PayApiError(Exception):
    status: int
    code: str
    description: str
    field: str = ""
    header: str = ""

    def body(self) -> dict[str, str]:
        data = {"code": self.code, "description": self.description}
        if self.field:
            data["field"] = self.field
        if self.header:
            data["header"] = self.header
        return data


@dataclass(frozen=True)
class TestCard:
    outcome: str  # success | declined | expired | error
    brand: str
    card_type: str


# GOV.UK Pay's Stripe test cards (pay-tech-docs, "Testing GOV.UK Pay").
TEST_CARDS = {
    "4242424242424242": TestCard("success", "Visa", "credit"),
    "4000008260000000": TestCard("success", "Visa", "credit"),
    "4000058260000005": TestCard("success", "Visa", "debit"),
    "5555555555554444": TestCard("success", "Mastercard", "credit"),
    "4000000000000002": TestCard("declined", "Visa", "credit"),
    "4000000000000069": TestCard("expired", "Visa", "credit"),
    "4000000000000119": TestCard("error", "Visa", "credit"),
}


def luhn_valid(number: str) -> bool:
    if not (number.isascii() and number.isdigit()) or not 12 <= len(number) <= 19:
        return False
    total = 0
    for i, digit in enumerate(reversed(number)):
        n = int(digit)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# -- accounts -------------------------------------------------------------------------
def _hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def sandbox_account_create(
    *,
    name: str,
    webhook_url: str = "",
    api_key: str | None = None,
    webhook_signing_secret: str | None = None,
) -> tuple[SandboxAccount, str]:
    """A new sandbox service account and its API key (shown once, stored hashed).
    Keys look like GOV.UK Pay test keys: `api_test_…`."""
    api_key = api_key or f"api_test_{secrets.token_hex(24)}"
    account = SandboxAccount.objects.create(
        name=name,
        api_key_hash=_hash_key(api_key),
        api_key_hint=api_key[:13],
        webhook_url=webhook_url,
        webhook_signing_secret=webhook_signing_secret or f"webhook_test_{secrets.token_hex(24)}",
    )
    return account, api_key


def sandbox_account_for_key(api_key: str) -> SandboxAccount | None:
    if not api_key:
        return None
    return SandboxAccount.objects.filter(api_key_hash=_hash_key(api_key)).first()


# -- creating payments ---------------------------------------------------------------
def _require_str(data: dict, name: str, max_length: int, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise PayApiError(422, "P0101", f"Missing mandatory attribute: {name}", field=name)
        return ""
    if not isinstance(value, str):
        raise PayApiError(
            422, "P0102", f"Invalid attribute value: {name}. Must be a string", field=name
        )
    if required and not value.strip():
        raise PayApiError(422, "P0101", f"Missing mandatory attribute: {name}", field=name)
    if len(value) > max_length:
        raise PayApiError(
            422,
            "P0102",
            f"Invalid attribute value: {name}. Must be less than or equal to {max_length} characters length",
            field=name,
        )
    return value


def _validate_metadata(value: Any) -> dict | None:
    if value is None:
        return None
    problem = ""
    if not isinstance(value, dict):
        problem = "Must be an object of JSON key-value pairs"
    elif not 1 <= len(value) <= 15:
        problem = "Cannot have more than 15 key-value pairs" if value else "Must not be empty"
    else:
        for key, item in value.items():
            if not 1 <= len(key) <= 30:
                problem = "Keys must be between 1 and 30 characters long"
            elif isinstance(item, str) and len(item) > 100:
                problem = "Values must be no greater than 100 characters long"
            elif item is not None and not isinstance(item, str | int | float | bool):
                problem = "Values must be of type String, Boolean or Number"
            if problem:
                break
    if problem:
        raise PayApiError(
            422, "P0102", f"Invalid attribute value: metadata. {problem}", field="metadata"
        )
    return value


def _validate_create(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PayApiError(400, "P0197", "Unable to parse JSON")
    amount = data.get("amount")
    if amount is None:
        raise PayApiError(422, "P0101", "Missing mandatory attribute: amount", field="amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
        raise PayApiError(
            422,
            "P0102",
            f"Invalid attribute value: amount. Must be a whole number between 1 and {MAX_AMOUNT}",
            field="amount",
        )
    reference = _require_str(data, "reference", 255)
    description = _require_str(data, "description", 255)
    return_url = _require_str(data, "return_url", 2000)
    parts = urlsplit(return_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayApiError(
            422,
            "P0102",
            "Invalid attribute value: return_url. Must be a valid URL format",
            field="return_url",
        )
    language = data.get("language", "en")
    if language not in ("en", "cy"):
        raise PayApiError(
            422,
            "P0102",
            'Invalid attribute value: language. Must be "en" or "cy"',
            field="language",
        )
    email = _require_str(data, "email", 254, required=False)
    for flag, what in (("delayed_capture", "Delayed capture"), ("moto", "MOTO payments")):
        value = data.get(flag, False)
        if not isinstance(value, bool):
            raise PayApiError(
                422, "P0102", f"Invalid attribute value: {flag}. Must be true or false", field=flag
            )
        if value:
            raise PayApiError(422, "P0102", f"{what} are not available on the sandbox", field=flag)
    mode = data.get("authorisation_mode", "web")
    if mode != "web":
        raise PayApiError(
            422,
            "P0102",
            "Invalid attribute value: authorisation_mode. Only web is available on the sandbox",
            field="authorisation_mode",
        )
    for unsupported in ("agreement_id", "set_up_agreement", "agreement_payment_type"):
        if data.get(unsupported) is not None:
            raise PayApiError(
                422,
                "P0102",
                "Recurring payments are not available on the sandbox",
                field=unsupported,
            )
    prefilled = data.get("prefilled_cardholder_details")
    if prefilled is not None and not isinstance(prefilled, dict):
        raise PayApiError(
            422,
            "P0102",
            "Invalid attribute value: prefilled_cardholder_details. Must be an object",
            field="prefilled_cardholder_details",
        )
    return {
        "amount": amount,
        "reference": reference,
        "description": description,
        "return_url": return_url,
        "language": language,
        "email": email,
        "metadata": _validate_metadata(data.get("metadata")),
    }


def _record_event(payment: SandboxPayment) -> None:
    SandboxEvent.objects.create(
        payment=payment, status=payment.status, code=payment.code, message=payment.message
    )


@transaction.atomic
def sandbox_payment_create(
    *, account: SandboxAccount, data: Any, idempotency_key: str | None
) -> tuple[SandboxPayment, bool]:
    """Create a payment; returns (payment, created). The same Idempotency-Key and body
    within 24 hours returns the first payment; the same key with another body is a
    conflict."""
    if (
        idempotency_key is not None
        and idempotency_key != ""
        and not IDEMPOTENCY_KEY.match(idempotency_key)
    ):
        raise PayApiError(
            422,
            "P0102",
            "Invalid header value: Idempotency-Key. Must be 1 to 255 letters, numbers or hyphens",
            header="Idempotency-Key",
        )
    fields = _validate_create(data)
    body_hash = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    if idempotency_key:
        earlier = (
            SandboxPayment.objects.select_for_update()
            .filter(account=account, idempotency_key=idempotency_key)
            .first()
        )
        if earlier is not None:
            if timezone.now() - earlier.created_date > IDEMPOTENCY_WINDOW:
                earlier.idempotency_key = ""  # forgotten after 24 hours
                earlier.save(update_fields=["idempotency_key"])
            elif earlier.idempotency_hash != body_hash:
                raise PayApiError(
                    409,
                    "P0191",
                    "The Idempotency-Key has been used with a different request body",
                    header="Idempotency-Key",
                )
            else:
                return earlier, False
    payment = SandboxPayment.objects.create(
        account=account,
        page_token=secrets.token_urlsafe(24),
        idempotency_key=idempotency_key or "",
        idempotency_hash=body_hash if idempotency_key else "",
        **fields,
    )
    _record_event(payment)
    return payment, True


# -- the payment journey ------------------------------------------------------------
def _set_state(payment: SandboxPayment, status: str, code: str = "", message: str = "") -> None:
    payment.status = status
    payment.code = code
    payment.message = message
    payment.save(
        update_fields=["status", "code", "message", "card_details", "captured_at", "provider_id"]
    )
    _record_event(payment)


def sandbox_payment_refresh(payment: SandboxPayment) -> SandboxPayment:
    """Apply the 90-minute expiry to a payment still in progress."""
    if not payment.finished and timezone.now() - payment.created_date >= EXPIRY:
        with transaction.atomic():
            locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
            if not locked.finished:
                _set_state(locked, SandboxStatus.FAILED, "P0020", "Payment expired")
        payment.refresh_from_db()
    return payment


def sandbox_payment_get(*, account: SandboxAccount, payment_id: str) -> SandboxPayment:
    payment = SandboxPayment.objects.filter(account=account, payment_id=payment_id).first()
    if payment is None:
        raise PayApiError(404, "P0200", "Not found")
    return sandbox_payment_refresh(payment)


def sandbox_payment_by_token(token: str) -> SandboxPayment | None:
    payment = SandboxPayment.objects.filter(page_token=token).select_related("account").first()
    return sandbox_payment_refresh(payment) if payment else None


@transaction.atomic
def sandbox_payment_start(payment: SandboxPayment) -> SandboxPayment:
    locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == SandboxStatus.CREATED:
        _set_state(locked, SandboxStatus.STARTED)
    return locked


@dataclass
class CardEntry:
    number: str
    expiry_month: int
    expiry_year: int
    cardholder_name: str
    cvc: str


@transaction.atomic
def sandbox_card_submit(payment: SandboxPayment, card: CardEntry) -> SandboxPayment:
    """Card details entered: declined/expired/error cards finish the payment now; good
    cards wait for the payer to confirm."""
    locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.finished:
        return locked
    known = TEST_CARDS.get(card.number, TestCard("success", "Visa", "debit"))
    locked.card_details = {
        "card_brand": known.brand,
        "card_type": known.card_type,
        "cardholder_name": card.cardholder_name,
        "expiry_date": f"{card.expiry_month:02d}/{card.expiry_year % 100:02d}",
        "first_digits_card_number": card.number[:6],
        "last_digits_card_number": card.number[-4:],
    }
    if known.outcome in ("declined", "expired"):
        _set_state(locked, SandboxStatus.FAILED, "P0010", "Payment method rejected")
    elif known.outcome == "error":
        _set_state(locked, SandboxStatus.ERROR, "P0050", "Payment provider returned an error")
    else:
        _set_state(locked, SandboxStatus.SUBMITTED)
    return locked


@transaction.atomic
def sandbox_payment_confirm(payment: SandboxPayment) -> SandboxPayment:
    locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != SandboxStatus.SUBMITTED:
        return locked
    locked.captured_at = timezone.now()
    locked.provider_id = f"ch_{secrets.token_hex(12)}"
    _set_state(locked, SandboxStatus.SUCCESS)
    _webhook(locked, "card_payment_succeeded")
    _webhook(locked, "card_payment_captured")
    return locked


@transaction.atomic
def sandbox_payment_user_cancel(payment: SandboxPayment) -> SandboxPayment:
    locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
    if not locked.finished:
        _set_state(locked, SandboxStatus.FAILED, "P0030", "Payment was cancelled by the user")
    return locked


@transaction.atomic
def sandbox_payment_cancel(*, account: SandboxAccount, payment_id: str) -> None:
    """The service cancels a payment still in progress (state cancelled, P0040)."""
    payment = sandbox_payment_get(account=account, payment_id=payment_id)
    locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.finished:
        raise PayApiError(400, "P0501", "Cancellation of payment failed")
    _set_state(locked, SandboxStatus.CANCELLED, "P0040", "Payment was cancelled by the service")


# -- refunds ------------------------------------------------------------------------
def refund_summary(payment: SandboxPayment) -> dict[str, Any]:
    submitted = sum(r.amount for r in payment.refunds.all() if r.status != "error")
    available = payment.amount - submitted if payment.status == SandboxStatus.SUCCESS else 0
    if payment.status == SandboxStatus.SUCCESS:
        status = "full" if available <= 0 else "available"
    elif payment.finished:
        status = "unavailable"
    else:
        status = "pending"
    return {"status": status, "amount_available": max(available, 0), "amount_submitted": submitted}


def _positive_int(data: dict, name: str, *, required: bool) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise PayApiError(422, "P0601", f"Missing mandatory attribute: {name}", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        raise PayApiError(
            422,
            "P0602",
            f"Invalid attribute value: {name}. Must be a whole number between 1 and {MAX_AMOUNT}",
            field=name,
        )
    return value


def sandbox_refund_create(*, account: SandboxAccount, payment_id: str, data: Any) -> SandboxRefund:
    if not isinstance(data, dict):
        raise PayApiError(400, "P0697", "Unable to parse JSON")
    amount = _positive_int(data, "amount", required=True)
    assert amount is not None
    expected = _positive_int(data, "refund_amount_available", required=False)
    payment = sandbox_payment_get(account=account, payment_id=payment_id)
    with transaction.atomic():
        # The row lock serialises refunds of one payment, so two requests that both
        # saw the same amount available cannot both succeed.
        locked = SandboxPayment.objects.select_for_update().get(pk=payment.pk)
        summary = refund_summary(locked)
        if expected is not None and expected != summary["amount_available"]:
            raise PayApiError(412, "P0604", "Refund amount available mismatch.")
        if summary["status"] != "available" or amount > summary["amount_available"]:
            raise PayApiError(
                400,
                "P0603",
                f"The payment is not available for refund. Payment refund status: {summary['status']}",
            )
        refund = SandboxRefund.objects.create(payment=locked, amount=amount, status="success")
        _webhook(locked, "card_payment_refunded")
    return refund


def sandbox_refund_get(
    *, account: SandboxAccount, payment_id: str, refund_id: str
) -> SandboxRefund:
    payment = sandbox_payment_get(account=account, payment_id=payment_id)
    refund = payment.refunds.filter(refund_id=refund_id).first()
    if refund is None:
        raise PayApiError(404, "P0700", "Not found")
    return refund


# -- webhooks -----------------------------------------------------------------------
def _webhook(payment: SandboxPayment, event_type: str) -> None:
    from joinedup.integrations.govuk_pay.sandbox.representations import payment_json, public_base
    from joinedup.integrations.govuk_pay.sandbox.tasks import deliver_webhook

    account = payment.account
    if not account.webhook_url:
        return
    message = SandboxWebhookMessage(account=account, event_type=event_type, body={})
    message.body = {
        "webhook_message_id": message.webhook_message_id,
        "api_version": 1,
        "created_date": iso(message.created_date),
        "resource_id": payment.payment_id,
        "resource_type": "payment",
        "event_type": event_type,
        "resource": payment_json(payment, base=public_base()),
    }
    message.save()
    deliver_webhook.enqueue(message_id=message.pk)


def iso(moment: dt.datetime) -> str:
    """GOV.UK Pay's timestamp format: UTC, milliseconds, Z."""
    return (
        moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z"
    )

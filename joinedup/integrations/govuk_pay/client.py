"""A client for the GOV.UK Pay public API v1 (`data/standards/govuk-pay/publicapi_spec.json`).

It speaks the real API to whatever base URL it is given: GOV.UK Pay itself, or the
platform's built-in sandbox (`joinedup.integrations.govuk_pay.sandbox`), reached over
HTTP or in-process. The platform depends on this class and nothing else of Pay.

What the GOV.UK Pay documentation requires of a service, and where it is honoured:
- amounts are integer pence (`create_payment`);
- the redirect back to `return_url` says nothing about the outcome: a service must GET
  the payment (`get_payment`) - callers do;
- refunds carry `refund_amount_available`, so two officers cannot refund the same money
  twice (HTTP 412, error P0604: `RefundAmountMismatch`);
- webhooks are signed with HMAC-SHA256 of the raw body in `Pay-Signature`
  (`verify_webhook_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode


class PayError(Exception):
    """GOV.UK Pay answered with an error (`code` is its P-code, e.g. P0102)."""

    def __init__(self, status: int, code: str = "", description: str = "") -> None:
        super().__init__(f"GOV.UK Pay {status} {code}: {description}".strip())
        self.status = status
        self.code = code
        self.description = description


class PayUnavailable(PayError):
    """No answer, or one that says try later (timeout, connection error, 429, 5xx).
    Whether the request took effect is unknown: callers retry or reconcile later."""


class RefundAmountMismatch(PayError):
    """The payment's refundable amount changed since the caller last looked (P0604)."""


class Transport(Protocol):
    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float
    ) -> tuple[int, bytes]: ...


class RequestsTransport:
    """HTTP over the network with `requests` (one pooled session per transport)."""

    def __init__(self) -> None:
        import requests

        self._requests = requests
        self.session = requests.Session()

    def __call__(self, method, url, headers, body, timeout):
        try:
            response = self.session.request(
                method, url, headers=headers, data=body, timeout=timeout
            )
        except self._requests.RequestException as exc:
            raise PayUnavailable(0, "", f"{type(exc).__name__}: {exc}") from exc
        return response.status_code, response.content


@dataclass
class PayPayment:
    payment_id: str
    amount: int
    reference: str
    description: str
    status: str
    finished: bool
    code: str = ""
    message: str = ""
    next_url: str = ""
    return_url: str = ""
    language: str = "en"
    email: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    created_date: str = ""
    refund_status: str = ""
    refund_amount_available: int = 0
    refund_amount_submitted: int = 0
    card_brand: str = ""
    last_digits_card_number: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayPayment:
        state = data.get("state") or {}
        refunds = data.get("refund_summary") or {}
        links = data.get("_links") or {}
        card = data.get("card_details") or {}
        return cls(
            payment_id=data["payment_id"],
            amount=int(data["amount"]),
            reference=data.get("reference", ""),
            description=data.get("description", ""),
            status=state.get("status", ""),
            finished=bool(state.get("finished", False)),
            code=state.get("code", ""),
            message=state.get("message", ""),
            next_url=(links.get("next_url") or {}).get("href", ""),
            return_url=data.get("return_url", ""),
            language=data.get("language", "en"),
            email=data.get("email", ""),
            metadata=data.get("metadata") or {},
            created_date=data.get("created_date", ""),
            refund_status=refunds.get("status", ""),
            refund_amount_available=int(refunds.get("amount_available", 0)),
            refund_amount_submitted=int(refunds.get("amount_submitted", 0)),
            card_brand=card.get("card_brand", ""),
            last_digits_card_number=card.get("last_digits_card_number", ""),
            raw=data,
        )


@dataclass
class PayRefund:
    refund_id: str
    payment_id: str
    amount: int
    status: str
    created_date: str

    @classmethod
    def from_json(cls, data: dict[str, Any], payment_id: str = "") -> PayRefund:
        return cls(
            refund_id=data["refund_id"],
            payment_id=data.get("payment_id", payment_id),
            amount=int(data["amount"]),
            status=data.get("status", ""),
            created_date=data.get("created_date", ""),
        )


class GovukPayClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        transport: Transport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.transport = transport or RequestsTransport()
        self.timeout = timeout

    # -- plumbing ---------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        payload: dict | None = None,
        *,
        query: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        all_headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            **(headers or {}),
        }
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            all_headers["Content-Type"] = "application/json"
        status, content = self.transport(method, url, all_headers, body, self.timeout)
        data: Any = None
        if content:
            try:
                data = json.loads(content)
            except ValueError:
                data = None
        if status == 429 or status >= 500:
            raise PayUnavailable(status, *_error_fields(data))
        if status == 412:
            raise RefundAmountMismatch(status, *_error_fields(data, "P0604"))
        if status >= 400:
            raise PayError(status, *_error_fields(data))
        return status, data

    # -- payments ---------------------------------------------------------------------
    def create_payment(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        language: str = "en",
        metadata: dict[str, str | int | bool] | None = None,
        email: str | None = None,
        idempotency_key: str | None = None,
    ) -> PayPayment:
        """Create a card payment. With an `idempotency_key`, sending the same request
        again (after a timeout, say) returns the payment already made, not a second one."""
        payload: dict[str, Any] = {
            "amount": amount,
            "reference": reference,
            "description": description,
            "return_url": return_url,
            "language": language,
        }
        if metadata:
            payload["metadata"] = metadata
        if email:
            payload["email"] = email
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        _, data = self._call("POST", "/v1/payments", payload, headers=headers)
        return PayPayment.from_json(data)

    def get_payment(self, payment_id: str) -> PayPayment:
        _, data = self._call("GET", f"/v1/payments/{payment_id}")
        return PayPayment.from_json(data)

    def get_events(self, payment_id: str) -> list[dict[str, Any]]:
        _, data = self._call("GET", f"/v1/payments/{payment_id}/events")
        return list(data.get("events", []))

    def cancel_payment(self, payment_id: str) -> None:
        self._call("POST", f"/v1/payments/{payment_id}/cancel")

    def search_payments(
        self,
        *,
        from_date: str | None = None,
        to_date: str | None = None,
        state: str | None = None,
        reference: str | None = None,
        display_size: int = 500,
    ) -> Iterator[PayPayment]:
        """Every payment matching, following the pages. Pay's search is eventually
        consistent (its docs say so): reports use it, money movements never do."""
        query: dict[str, Any] = {"display_size": display_size}
        for key, value in (
            ("from_date", from_date),
            ("to_date", to_date),
            ("state", state),
            ("reference", reference),
        ):
            if value:
                query[key] = value
        page = 1
        while True:
            _, data = self._call("GET", "/v1/payments", query={**query, "page": page})
            for item in data.get("results", []):
                yield PayPayment.from_json(item)
            if not (data.get("_links") or {}).get("next_page"):
                return
            page += 1

    # -- refunds ----------------------------------------------------------------------
    def create_refund(
        self, payment_id: str, *, amount: int, refund_amount_available: int
    ) -> PayRefund:
        _, data = self._call(
            "POST",
            f"/v1/payments/{payment_id}/refunds",
            {"amount": amount, "refund_amount_available": refund_amount_available},
        )
        return PayRefund.from_json(data, payment_id)

    def get_refunds(self, payment_id: str) -> list[PayRefund]:
        _, data = self._call("GET", f"/v1/payments/{payment_id}/refunds")
        refunds = (data.get("_embedded") or {}).get("refunds", [])
        return [PayRefund.from_json(r, payment_id) for r in refunds]

    def get_refund(self, payment_id: str, refund_id: str) -> PayRefund:
        _, data = self._call("GET", f"/v1/payments/{payment_id}/refunds/{refund_id}")
        return PayRefund.from_json(data, payment_id)


def _error_fields(data: Any, default_code: str = "") -> tuple[str, str]:
    if isinstance(data, dict):
        return str(data.get("code", default_code)), str(data.get("description", ""))
    return default_code, ""


def webhook_signature(body: bytes, secret: str) -> str:
    """Pay-Signature: lower-case hex HMAC-SHA256 of the raw request body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_webhook_signature(body: bytes, signature: str, secret: str) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(webhook_signature(body, secret), signature.strip().lower())

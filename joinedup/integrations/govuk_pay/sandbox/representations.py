"""JSON shapes of GOV.UK Pay's public API (`PaymentWithAllLinks`, `Refund`,
`PaymentEvents`, `PaymentSearchResults` in publicapi_spec.json)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from joinedup.integrations.govuk_pay.sandbox.models import (
    SandboxPayment,
    SandboxRefund,
    SandboxStatus,
)
from joinedup.integrations.govuk_pay.sandbox.services import iso, refund_summary

API = "/sandbox-pay/v1"


def public_base(request=None) -> str:
    configured = getattr(settings, "JOINEDUP_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def _link(href: str, method: str = "GET") -> dict[str, str]:
    return {"href": href, "method": method}


def payment_json(payment: SandboxPayment, *, base: str, for_search: bool = False) -> dict[str, Any]:
    url = f"{base}{API}/payments/{payment.payment_id}"
    state: dict[str, Any] = {"status": payment.status, "finished": payment.finished}
    if payment.code:
        state["code"] = payment.code
        state["message"] = payment.message
    links: dict[str, Any] = {
        "self": _link(url),
        "events": _link(f"{url}/events"),
        "refunds": _link(f"{url}/refunds"),
    }
    if not payment.finished:
        links["cancel"] = _link(f"{url}/cancel", "POST")
        if not for_search and payment.status == SandboxStatus.CREATED:
            next_url = f"{base}/sandbox-pay/secure/{payment.page_token}/"
            links["next_url"] = _link(next_url)
            # GOV.UK Pay also sends `params: {"chargeTokenId": …}` here, but its own
            # definition types each param as an object, so the sandbox leaves it out.
            links["next_url_post"] = {
                "type": "application/x-www-form-urlencoded",
                "href": next_url,
                "method": "POST",
            }
    data: dict[str, Any] = {
        "amount": payment.amount,
        "description": payment.description,
        "reference": payment.reference,
        "language": payment.language,
        "state": state,
        "payment_id": payment.payment_id,
        "payment_provider": "sandbox",
        "created_date": iso(payment.created_date),
        "refund_summary": refund_summary(payment),
        "settlement_summary": {},
        "delayed_capture": False,
        "moto": False,
        "return_url": payment.return_url,
        "authorisation_mode": "web",
        "_links": links,
    }
    if payment.email:
        data["email"] = payment.email
    if payment.metadata:
        data["metadata"] = payment.metadata
    if payment.card_details:
        data["card_details"] = payment.card_details
        data["card_brand"] = payment.card_details.get("card_brand", "")
    if payment.provider_id:
        data["provider_id"] = payment.provider_id
    if payment.captured_at:
        data["settlement_summary"] = {
            "capture_submit_time": iso(payment.captured_at),
            "captured_date": payment.captured_at.date().isoformat(),
        }
    return data


def refund_json(refund: SandboxRefund, *, base: str) -> dict[str, Any]:
    payment_url = f"{base}{API}/payments/{refund.payment.payment_id}"
    return {
        "refund_id": refund.refund_id,
        "payment_id": refund.payment.payment_id,
        "amount": refund.amount,
        "status": refund.status,
        "created_date": iso(refund.created_date),
        "settlement_summary": {},
        "_links": {
            "self": _link(f"{payment_url}/refunds/{refund.refund_id}"),
            "payment": _link(payment_url),
        },
    }


def events_json(payment: SandboxPayment, *, base: str) -> dict[str, Any]:
    url = f"{base}{API}/payments/{payment.payment_id}"
    return {
        "payment_id": payment.payment_id,
        "events": [
            {
                "payment_id": payment.payment_id,
                "state": {
                    "status": e.status,
                    "finished": e.status in ("success", "failed", "cancelled", "error"),
                    **({"code": e.code, "message": e.message} if e.code else {}),
                },
                "updated": iso(e.updated),
                "_links": {"payment_url": _link(url)},
            }
            for e in payment.events.all()
        ],
        "_links": {"self": _link(f"{url}/events")},
    }

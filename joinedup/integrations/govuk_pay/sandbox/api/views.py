"""GOV.UK Pay's public API v1, served by the sandbox at /sandbox-pay/v1/ (the operations
the platform needs: create, get, search, events, cancel, refunds). Errors use Pay's
shape `{"code": "P…", "description": …}`, not the platform's, because clients of this
API are written for GOV.UK Pay. Left out of the platform's OpenAPI schema: GOV.UK Pay's
own definition (data/standards/govuk-pay/publicapi_spec.json) describes it."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from joinedup.integrations.govuk_pay.sandbox.models import SandboxAccount, SandboxPayment
from joinedup.integrations.govuk_pay.sandbox.representations import (
    API,
    events_json,
    payment_json,
    public_base,
    refund_json,
)
from joinedup.integrations.govuk_pay.sandbox.services import (
    PayApiError,
    sandbox_account_for_key,
    sandbox_payment_cancel,
    sandbox_payment_create,
    sandbox_payment_get,
    sandbox_payment_refresh,
    sandbox_refund_create,
    sandbox_refund_get,
)

SEARCH_STATES = {"created", "started", "submitted", "success", "failed", "cancelled", "error"}


class PayApiView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    schema = None  # documented by GOV.UK Pay's own OpenAPI file
    account: SandboxAccount

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        header = request.META.get("HTTP_AUTHORIZATION", "")
        key = header[7:].strip() if header[:7].lower() == "bearer " else ""
        account = sandbox_account_for_key(key)
        if account is None:
            raise PayApiError(401, "P0920", "Credentials are required to access this resource")
        self.account = account

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, PayApiError):
            if exc.status == 401:
                # GOV.UK Pay's definition gives 401 no body.
                return Response(status=401, headers={"WWW-Authenticate": "Bearer"})
            return Response(exc.body(), status=exc.status)
        if isinstance(exc, exceptions.MethodNotAllowed):
            return Response({"code": "P0900", "description": "Method not allowed"}, status=405)
        return super().handle_exception(exc)

    def json_body(self, request: Request) -> Any:
        try:
            return json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None

    def base(self, request: Request) -> str:
        return public_base(request)


def _search_date(value: str | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise PayApiError(
            422,
            "P0401",
            f"Invalid parameters: {name}. See Public API documentation for the correct data formats",
        ) from exc


def _search_int(value: str | None, name: str, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise PayApiError(
            422,
            "P0401",
            f"Invalid parameters: {name}. See Public API documentation for the correct data formats",
        )
    return int(value)


class PaymentsApi(PayApiView):
    def post(self, request: Request) -> Response:
        payment, created = sandbox_payment_create(
            account=self.account,
            data=self.json_body(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        return Response(
            payment_json(payment, base=self.base(request)), status=201 if created else 200
        )

    def get(self, request: Request) -> Response:
        params = request.query_params
        for name, value in params.items():
            # PostgreSQL cannot hold a NUL character in text, so no search can contain one.
            if "\x00" in value:
                raise PayApiError(
                    422,
                    "P0401",
                    f"Invalid parameters: {name[:40]}. "
                    "See Public API documentation for the correct data formats",
                )
        payments: QuerySet[SandboxPayment] = SandboxPayment.objects.filter(account=self.account)
        from_date = _search_date(params.get("from_date"), "from_date")
        to_date = _search_date(params.get("to_date"), "to_date")
        state = params.get("state")
        if state is not None and state not in SEARCH_STATES:
            raise PayApiError(
                422,
                "P0401",
                "Invalid parameters: state. See Public API documentation for the correct data formats",
            )
        page = _search_int(params.get("page"), "page", 1, 10**6)
        size = _search_int(params.get("display_size"), "display_size", 500, 500)
        if from_date:
            payments = payments.filter(created_date__gte=from_date)
        if to_date:
            payments = payments.filter(created_date__lt=to_date)
        if params.get("reference") is not None:
            payments = payments.filter(reference=params["reference"])
        if params.get("email") is not None:
            payments = payments.filter(email__icontains=params["email"])
        results = [sandbox_payment_refresh(p) for p in payments.prefetch_related("refunds")]
        if state:
            results = [p for p in results if p.status == state]
        total = len(results)
        last = max(1, math.ceil(total / size))
        shown = results[(page - 1) * size : page * size]
        base = self.base(request)

        def page_link(n: int) -> dict[str, str]:
            query = request.GET.copy()
            query["page"] = str(n)
            return {"href": f"{base}{API}/payments?{query.urlencode()}", "method": "GET"}

        links: dict[str, Any] = {
            "self": page_link(page),
            "first_page": page_link(1),
            "last_page": page_link(last),
        }
        if page > 1:
            links["prev_page"] = page_link(page - 1)
        if page < last:
            links["next_page"] = page_link(page + 1)
        return Response(
            {
                "total": total,
                "count": len(shown),
                "page": page,
                "results": [payment_json(p, base=base, for_search=True) for p in shown],
                "_links": links,
            }
        )


class PaymentDetailApi(PayApiView):
    def get(self, request: Request, payment_id: str) -> Response:
        payment = sandbox_payment_get(account=self.account, payment_id=payment_id)
        return Response(payment_json(payment, base=self.base(request)))


class PaymentEventsApi(PayApiView):
    def get(self, request: Request, payment_id: str) -> Response:
        payment = sandbox_payment_get(account=self.account, payment_id=payment_id)
        return Response(events_json(payment, base=self.base(request)))


class PaymentCancelApi(PayApiView):
    def post(self, request: Request, payment_id: str) -> Response:
        sandbox_payment_cancel(account=self.account, payment_id=payment_id)
        return Response(status=204)


class PaymentRefundsApi(PayApiView):
    def get(self, request: Request, payment_id: str) -> Response:
        payment = sandbox_payment_get(account=self.account, payment_id=payment_id)
        base = self.base(request)
        url = f"{base}{API}/payments/{payment.payment_id}"
        return Response(
            {
                "payment_id": payment.payment_id,
                "_links": {
                    "self": {"href": f"{url}/refunds", "method": "GET"},
                    "payment": {"href": url, "method": "GET"},
                },
                "_embedded": {
                    "refunds": [refund_json(r, base=base) for r in payment.refunds.all()]
                },
            }
        )

    def post(self, request: Request, payment_id: str) -> Response:
        refund = sandbox_refund_create(
            account=self.account, payment_id=payment_id, data=self.json_body(request)
        )
        return Response(refund_json(refund, base=self.base(request)), status=202)


class PaymentRefundDetailApi(PayApiView):
    def get(self, request: Request, payment_id: str, refund_id: str) -> Response:
        refund = sandbox_refund_get(
            account=self.account, payment_id=payment_id, refund_id=refund_id
        )
        return Response(refund_json(refund, base=self.base(request)))

"""GOV.UK Pay's own OpenAPI definition run against the sandbox with schemathesis, in
process through Django's WSGI handler: every response to generated requests must be
no server error, have a status code the definition documents for the operation, and
match the definition's content type and schema. One exception, stated where it is
made: refund requests GOV.UK Pay rejects with 400/422, codes its definition omits for
that operation.

Only the operations the sandbox implements are tested (payments: create, search, get,
events, cancel, refunds); agreements, disputes, MOTO authorisation, capture and refund
search are GOV.UK Pay features the platform does not use."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from conftest import PAY_SANDBOX_KEY

SPEC = Path(settings.BASE_DIR) / "data" / "standards" / "govuk-pay" / "publicapi_spec.json"
IMPLEMENTED = {
    ("POST", "/v1/payments"),
    ("GET", "/v1/payments"),
    ("GET", "/v1/payments/{paymentId}"),
    ("GET", "/v1/payments/{paymentId}/events"),
    ("POST", "/v1/payments/{paymentId}/cancel"),
    ("GET", "/v1/payments/{paymentId}/refunds"),
    ("POST", "/v1/payments/{paymentId}/refunds"),
    ("GET", "/v1/payments/{paymentId}/refunds/{refundId}"),
}


class InProcessWsgiApp:
    """Django's WSGI handler as a test server would run it, except that it leaves the
    database connection alone (as Django's test client does), so the test's
    transaction survives the request."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def _load() -> schemathesis.schemas.BaseSchema:
    raw = json.loads(SPEC.read_text())
    raw["servers"] = [{"url": "http://testserver/sandbox-pay"}]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = InProcessWsgiApp()
    return schema.include(
        lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in IMPLEMENTED
    )


schema = _load()

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def known_payments(pay_sandbox):
    """A paid and an unpaid payment, so generated requests reach real ones too."""
    from joinedup.integrations.govuk_pay.provider import get_pay_client
    from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox

    client = get_pay_client()
    paid = client.create_payment(
        amount=5000, reference="ST1", description="d", return_url="https://x.example/r"
    )
    pay_on_sandbox(paid.next_url)
    refund = client.create_refund(paid.payment_id, amount=100, refund_amount_available=5000)
    unpaid = client.create_payment(
        amount=700, reference="ST2", description="d", return_url="https://x.example/r"
    )
    return {"paid": paid.payment_id, "unpaid": unpaid.payment_id, "refund": refund.refund_id}


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_sandbox_conforms_to_govuk_pays_definition(case, known_payments):
    headers = {"Authorization": f"Bearer {PAY_SANDBOX_KEY}"}
    if case.headers and "Idempotency-Key" in case.headers:
        # A fresh key each time: replaying a key with another body is a 409, which
        # GOV.UK Pay's definition does not list (tested on its own elsewhere).
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if case.path_parameters and "paymentId" in case.path_parameters:
        # Half the cases use payments that exist, so more than 404s are checked.
        seed = len(str(case.path_parameters["paymentId"])) % 3
        if seed == 1:
            case.path_parameters["paymentId"] = known_payments["paid"]
            if "refundId" in case.path_parameters:
                case.path_parameters["refundId"] = known_payments["refund"]
        elif seed == 2:
            case.path_parameters["paymentId"] = known_payments["unpaid"]
    response = case.call(headers=headers)
    checks_here = CHECKS
    if (case.method, case.path) == (
        "POST",
        "/v1/payments/{paymentId}/refunds",
    ) and response.status_code in (400, 422):
        # GOV.UK Pay answers a malformed refund request or one for more than is
        # refundable with 400/422 (P0601-P0603), but its definition lists neither
        # for this operation; the body must still be a well-formed RequestError.
        checks_here = [c for c in CHECKS if c is not checks.status_code_conformance]
        body = response.json()
        assert set(body) <= {"code", "description", "field", "header"}
        assert body["code"] in {"P0601", "P0602", "P0603", "P0697"}
    case.validate_response(response, checks=checks_here)

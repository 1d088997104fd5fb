"""The GOV.UK Pay client against the built-in sandbox, through Django's WSGI handler."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from joinedup.integrations.govuk_pay.client import (
    GovukPayClient,
    PayError,
    RefundAmountMismatch,
    verify_webhook_signature,
    webhook_signature,
)
from joinedup.integrations.govuk_pay.provider import get_pay_client
from joinedup.integrations.govuk_pay.sandbox.models import SandboxPayment, SandboxWebhookMessage
from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox

pytestmark = pytest.mark.django_db

RETURN_URL = "https://joinedup.example/pay/return/abc/"


@pytest.fixture
def client(pay_sandbox) -> GovukPayClient:
    return get_pay_client()


def _create(client, **overrides):
    args = {
        "amount": 14500,
        "reference": "CT12345678",
        "description": "Council tax",
        "return_url": RETURN_URL,
        "metadata": {"ledger_code": "CT", "year": 2026},
    }
    args.update(overrides)
    return client.create_payment(**args)


def test_create_then_pay_with_a_test_card_then_get_the_outcome(client):
    payment = _create(client, email="ann@example.org")
    assert (payment.amount, payment.reference, payment.status, payment.finished) == (
        14500,
        "CT12345678",
        "created",
        False,
    )
    assert payment.metadata == {"ledger_code": "CT", "year": 2026}
    assert len(payment.payment_id) == 26
    assert payment.next_url.startswith("https://127.0.0.1/sandbox-pay/secure/")
    assert pay_on_sandbox(payment.next_url) == RETURN_URL
    paid = client.get_payment(payment.payment_id)
    assert (paid.status, paid.finished, paid.code) == ("success", True, "")
    assert (paid.refund_status, paid.refund_amount_available, paid.refund_amount_submitted) == (
        "available",
        14500,
        0,
    )
    assert (paid.card_brand, paid.last_digits_card_number) == ("Visa", "4242")
    assert paid.next_url == ""  # a finished payment has nowhere to go
    statuses = [e["state"]["status"] for e in client.get_events(payment.payment_id)]
    assert statuses == ["created", "started", "submitted", "success"]


@pytest.mark.parametrize(
    ("card", "status", "code"),
    [
        ("4000058260000005", "success", ""),
        ("4000000000000002", "failed", "P0010"),
        ("4000000000000069", "failed", "P0010"),
        ("4000000000000119", "error", "P0050"),
    ],
)
def test_test_cards_behave_like_govuk_pays(client, card, status, code):
    payment = _create(client)
    pay_on_sandbox(payment.next_url, card)
    result = client.get_payment(payment.payment_id)
    assert (result.status, result.code, result.finished) == (status, code, True)


def test_the_card_page_rejects_a_number_that_is_not_a_card(client):
    payment = _create(client)
    response = Client().post(
        payment.next_url.removeprefix("https://127.0.0.1"),
        {
            "card_number": "4242424242424241",
            "expiry_month": "1",
            "expiry_year": "20",
            "cardholder_name": "",
            "cvc": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    for message in (
        "Enter a valid card number",
        "Enter a valid expiry date",
        "Enter the name as it appears on the card",
        "Enter a valid card security code",
    ):
        assert message in page
    assert client.get_payment(payment.payment_id).status == "started"


def test_a_payment_expires_after_90_minutes(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        payment = _create(client)
        clock.shift(dt.timedelta(minutes=89))
        assert client.get_payment(payment.payment_id).status == "created"
        clock.shift(dt.timedelta(minutes=1))
        expired = client.get_payment(payment.payment_id)
    assert (expired.status, expired.code, expired.finished) == ("failed", "P0020", True)
    page = Client().get(payment.next_url.removeprefix("https://127.0.0.1")).content.decode()
    assert "Your payment session has expired" in page


def test_the_payer_can_cancel(client):
    payment = _create(client)
    token = payment.next_url.rstrip("/").rsplit("/", 1)[1]
    response = Client().post(f"/sandbox-pay/secure/{token}/cancel/")
    assert response["Location"] == RETURN_URL
    assert client.get_payment(payment.payment_id).code == "P0030"


def test_the_service_can_cancel_an_unfinished_payment_only(client):
    payment = _create(client)
    client.cancel_payment(payment.payment_id)
    cancelled = client.get_payment(payment.payment_id)
    assert (cancelled.status, cancelled.code) == ("cancelled", "P0040")
    with pytest.raises(PayError) as err:
        client.cancel_payment(payment.payment_id)
    assert (err.value.status, err.value.code) == (400, "P0501")


def test_same_idempotency_key_and_body_returns_the_same_payment(client):
    first = _create(client, idempotency_key="ct-abc-1")
    again = _create(client, idempotency_key="ct-abc-1")
    assert again.payment_id == first.payment_id
    assert SandboxPayment.objects.count() == 1
    with pytest.raises(PayError) as err:
        _create(client, idempotency_key="ct-abc-1", amount=100)
    assert (err.value.status, err.value.code) == (409, "P0191")
    with pytest.raises(PayError) as err:
        _create(client, idempotency_key="not valid!")
    assert err.value.status == 422


def test_refunds_need_the_amount_available_to_match(client):
    payment = _create(client)
    pay_on_sandbox(payment.next_url)
    with pytest.raises(RefundAmountMismatch):
        client.create_refund(payment.payment_id, amount=500, refund_amount_available=10000)
    refund = client.create_refund(payment.payment_id, amount=500, refund_amount_available=14500)
    assert (refund.amount, refund.status, refund.payment_id) == (500, "success", payment.payment_id)
    after = client.get_payment(payment.payment_id)
    assert (after.refund_amount_available, after.refund_amount_submitted) == (14000, 500)
    # the first officer's view (14500 available) is now stale
    with pytest.raises(RefundAmountMismatch):
        client.create_refund(payment.payment_id, amount=500, refund_amount_available=14500)
    with pytest.raises(PayError) as err:
        client.create_refund(payment.payment_id, amount=14001, refund_amount_available=14000)
    assert (err.value.status, err.value.code) == (400, "P0603")
    assert [r.refund_id for r in client.get_refunds(payment.payment_id)] == [refund.refund_id]
    assert client.get_refund(payment.payment_id, refund.refund_id).amount == 500


def test_an_unpaid_payment_cannot_be_refunded(client):
    payment = _create(client)
    with pytest.raises(PayError) as err:
        client.create_refund(payment.payment_id, amount=1, refund_amount_available=14500)
    assert err.value.status in (400, 412)


def test_search_by_reference_and_date_follows_pages(client):
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        old = _create(client, reference="R1")
    with time_machine.travel(dt.datetime(2026, 5, 2, 9, tzinfo=dt.UTC), tick=False):
        a = _create(client, reference="R1")
        b = _create(client, reference="R1")
        _create(client, reference="R2")
        found = list(
            client.search_payments(
                reference="R1",
                from_date="2026-05-02T00:00:00Z",
                to_date="2026-05-03T00:00:00Z",
                display_size=1,
            )
        )
    assert sorted(p.payment_id for p in found) == sorted([a.payment_id, b.payment_id])
    assert old.payment_id not in {p.payment_id for p in found}


def test_search_rejects_bad_parameters(client):
    with pytest.raises(PayError) as err:
        list(client.search_payments(from_date="yesterday"))
    assert (err.value.status, err.value.code) == (422, "P0401")


def test_a_wrong_api_key_is_refused(pay_sandbox):
    bad = GovukPayClient(
        base_url=get_pay_client().base_url,
        api_key="api_test_wrong",
        transport=get_pay_client().transport,
    )
    with pytest.raises(PayError) as err:
        bad.get_payment("x")
    assert err.value.status == 401


def test_unknown_payment_is_404(client):
    with pytest.raises(PayError) as err:
        client.get_payment("nosuchpaymentnosuchpayment")
    assert (err.value.status, err.value.code) == (404, "P0200")


def test_success_and_refund_send_signed_webhooks(client, pay_sandbox):
    payment = _create(client)
    pay_on_sandbox(payment.next_url)
    client.create_refund(payment.payment_id, amount=100, refund_amount_available=14500)
    messages = list(SandboxWebhookMessage.objects.order_by("id"))
    assert [m.event_type for m in messages] == [
        "card_payment_succeeded",
        "card_payment_captured",
        "card_payment_refunded",
    ]
    body = messages[0].body
    assert (body["resource_id"], body["resource_type"], body["resource"]["state"]["status"]) == (
        payment.payment_id,
        "payment",
        "success",
    )
    raw = json.dumps(body).encode()
    signature = webhook_signature(raw, pay_sandbox.webhook_signing_secret)
    assert verify_webhook_signature(raw, signature, pay_sandbox.webhook_signing_secret)
    assert not verify_webhook_signature(raw + b" ", signature, pay_sandbox.webhook_signing_secret)
    assert not verify_webhook_signature(raw, signature, "another secret")
    assert not verify_webhook_signature(raw, "", pay_sandbox.webhook_signing_secret)


def test_the_card_page_is_in_welsh_for_welsh_payments(client, assert_accessible):
    payment = _create(client, language="cy")
    response = Client().get(payment.next_url.removeprefix("https://127.0.0.1"))
    assert 'lang="cy"' in response.content.decode()
    assert_accessible(response)


def test_the_card_pages_are_accessible(client, assert_accessible):
    payment = _create(client)
    browser = Client()
    path = payment.next_url.removeprefix("https://127.0.0.1")
    assert_accessible(browser.get(path))
    assert_accessible(browser.post(path, {"card_number": "1"}))
    response = browser.post(
        path,
        {
            "card_number": "4242424242424242",
            "expiry_month": "12",
            "expiry_year": "39",
            "cardholder_name": "A",
            "cvc": "123",
        },
    )
    assert_accessible(browser.get(response["Location"]))

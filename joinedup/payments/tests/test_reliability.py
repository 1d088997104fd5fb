"""What must never happen to money, whatever order things arrive in: no payment
recorded twice, no successful payment lost, the ledger always balanced."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from joinedup.core.testing import unchanged
from joinedup.integrations.govuk_notify.models import NotifyMessage
from joinedup.integrations.govuk_pay.client import PayUnavailable, webhook_signature
from joinedup.integrations.govuk_pay.inprocess import InProcessTransport
from joinedup.integrations.govuk_pay.sandbox.models import SandboxPayment, SandboxWebhookMessage
from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox
from joinedup.jobs.services import jobs_run_pending
from joinedup.payments.models import (
    LedgerTransaction,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    TransactionKind,
    WebhookReceipt,
)
from joinedup.payments.reconciliation import payments_reconcile
from joinedup.payments.selectors import ledger_account_balance, ledger_is_balanced, refundable_pence
from joinedup.payments.services import (
    PaymentUnavailable,
    RefundConflict,
    payment_refunds_sync,
    refund_issue,
)
from joinedup.payments.tests.helpers import debtor, return_to_site, start

pytestmark = pytest.mark.django_db


class Flaky:
    """The provider's network, failing on request: `before` = the request never arrives,
    `after` = it arrives and takes effect but the answer is lost (a timeout)."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.calls: list[tuple[str, str]] = []

    def __call__(self, method, url, headers, body, timeout):
        mode = self.plan.pop(0) if self.plan else "ok"
        self.calls.append((method, url))
        if mode == "before":
            raise PayUnavailable(0, "", "ReadTimeout: timed out")
        result = InProcessTransport()(method, url, headers, body, timeout)
        if mode == "after":
            raise PayUnavailable(0, "", "ReadTimeout: timed out")
        return result


@pytest.fixture
def network(monkeypatch, pay_sandbox):
    flaky = Flaky()
    monkeypatch.setattr(
        "joinedup.integrations.govuk_pay.provider.InProcessTransport", lambda: flaky
    )
    return flaky


def _recorded(payment):
    return LedgerTransaction.objects.filter(
        kind=TransactionKind.PAYMENT, provider_payment_id=payment.provider_payment_id
    ).count()


def _only_webhook_deliveries():
    return jobs_run_pending()


def test_webhook_before_return(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url)
    jobs_run_pending()  # the sandbox's webhooks arrive first
    assert _recorded(payment) == 1
    assert "Payment received" in return_to_site(payment).content.decode()
    assert _recorded(payment) == 1
    assert NotifyMessage.objects.filter(template_name="payment_receipt").count() == 1
    assert ledger_account_balance(account) == -14500
    assert ledger_is_balanced()


def test_return_before_webhook(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url)
    return_to_site(payment)
    assert _recorded(payment) == 1
    jobs_run_pending()  # then the webhooks (succeeded, captured) arrive
    assert list(WebhookReceipt.objects.values_list("outcome", flat=True)) == ["applied", "applied"]
    assert _recorded(payment) == 1
    assert NotifyMessage.objects.filter(template_name="payment_receipt").count() == 1
    assert ledger_account_balance(account) == -14500


def test_duplicate_return(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url)
    for _ in range(3):  # refresh, back button, a second tab
        assert return_to_site(payment).status_code == 200
    assert _recorded(payment) == 1
    assert ledger_account_balance(account) == -14500
    assert NotifyMessage.objects.count() == 1


def test_replayed_webhook_is_acknowledged_and_ignored(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url)
    message = SandboxWebhookMessage.objects.filter(event_type="card_payment_succeeded").get()
    body = json.dumps(message.body).encode()
    signature = webhook_signature(body, pay_sandbox.webhook_signing_secret)
    answers = [
        Client()
        .post(
            "/payments/webhooks/govuk-pay/",
            body,
            content_type="application/json",
            headers={"Pay-Signature": signature},
        )
        .content.decode()
        for _ in range(3)
    ]
    assert answers == ["applied", "duplicate", "duplicate"]
    assert _recorded(payment) == 1
    assert ledger_account_balance(account) == -14500


def test_a_forged_webhook_changes_nothing(pay_sandbox, org_a):
    payment = start(debtor(org_a))
    forged = {
        "webhook_message_id": "forged1",
        "event_type": "card_payment_succeeded",
        "resource_type": "payment",
        "resource_id": payment.provider_payment_id,
        "resource": {
            "payment_id": payment.provider_payment_id,
            "amount": 14500,
            "state": {"status": "success", "finished": True},
        },
    }
    body = json.dumps(forged).encode()
    with unchanged(
        Payment.objects.all(), LedgerTransaction.objects.all(), WebhookReceipt.objects.all()
    ):
        for signature in ("", "0" * 64, webhook_signature(body, "not the secret")):
            response = Client().post(
                "/payments/webhooks/govuk-pay/",
                body,
                content_type="application/json",
                headers={"Pay-Signature": signature},
            )
            assert response.status_code == 401


def test_a_webhook_that_is_not_json_is_refused(pay_sandbox):
    body = b"not json"
    response = Client().post(
        "/payments/webhooks/govuk-pay/",
        body,
        content_type="application/json",
        headers={"Pay-Signature": webhook_signature(body, pay_sandbox.webhook_signing_secret)},
    )
    assert response.status_code == 400
    assert WebhookReceipt.objects.count() == 0


def test_the_resident_closes_the_browser_after_paying(pay_sandbox, org_a):
    """No return, and the webhook never arrives: reconciliation finds the payment."""
    pay_sandbox.webhook_url = ""
    pay_sandbox.save()
    account = debtor(org_a)
    start_at = timezone.now()
    with time_machine.travel(start_at, tick=False) as clock:
        payment = start(account)
        pay_on_sandbox(payment.next_url)  # …and the browser is closed
        assert payments_reconcile().checked == 0  # too soon: they may still come back
        clock.shift(dt.timedelta(minutes=6))
        result = payments_reconcile()
    assert (result.checked, result.finished, result.errors) == (1, 1, [])
    assert _recorded(payment) == 1
    assert ledger_account_balance(account) == -14500
    assert NotifyMessage.objects.filter(template_name="payment_receipt").count() == 1
    # and a later run changes nothing
    with time_machine.travel(start_at + dt.timedelta(minutes=20), tick=False):
        assert payments_reconcile().checked == 0
    assert _recorded(payment) == 1


def test_the_resident_closes_the_browser_before_paying(pay_sandbox, org_a):
    account = debtor(org_a)
    start_at = timezone.now()
    with time_machine.travel(start_at, tick=False) as clock:
        payment = start(account)
        clock.shift(dt.timedelta(minutes=30))
        payments_reconcile()
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.CREATED
        clock.shift(dt.timedelta(minutes=61))
        payments_reconcile()
    payment.refresh_from_db()
    assert (payment.status, payment.provider_code) == (PaymentStatus.FAILED, "P0020")
    assert LedgerTransaction.objects.count() == 0


def test_provider_timeout_on_return_then_reconciliation(network, org_a):
    account = debtor(org_a)
    start_at = timezone.now()
    with time_machine.travel(start_at, tick=False) as clock:
        payment = start(account)
        pay_on_sandbox(payment.next_url)
        network.plan = ["before"]
        page = return_to_site(payment).content.decode()
        assert "We are checking your payment" in page
        assert _recorded(payment) == 0
        clock.shift(dt.timedelta(minutes=6))
        payments_reconcile()
    assert _recorded(payment) == 1
    assert ledger_account_balance(account) == -14500


def test_provider_timeout_on_create_is_retried_with_the_same_idempotency_key(network, org_a):
    network.plan = ["after"]  # the first create takes effect, its answer is lost
    payment = start(debtor(org_a))
    assert SandboxPayment.objects.count() == 1
    assert SandboxPayment.objects.get().payment_id == payment.provider_payment_id
    assert [m for m, _ in network.calls] == ["POST", "POST"]


def test_provider_unreachable_on_create_then_found_by_reconciliation(network, org_a):
    account = debtor(org_a)
    network.plan = ["after", "after"]  # both answers lost, though the payment was made
    start_at = timezone.now()
    with time_machine.travel(start_at, tick=False) as clock:
        with pytest.raises(PaymentUnavailable):
            start(account)
        payment = Payment.objects.get()
        assert (payment.status, payment.provider_payment_id) == (PaymentStatus.NEW, None)
        at_provider = SandboxPayment.objects.get()
        clock.shift(dt.timedelta(minutes=6))
        payments_reconcile()
    payment.refresh_from_db()
    assert (payment.provider_payment_id, payment.status) == (
        at_provider.payment_id,
        PaymentStatus.CREATED,
    )


def test_provider_unreachable_on_create_and_never_made(network, org_a):
    network.plan = ["before", "before"]
    start_at = timezone.now()
    with time_machine.travel(start_at, tick=False) as clock:
        with pytest.raises(PaymentUnavailable):
            start(debtor(org_a))
        clock.shift(dt.timedelta(hours=4))
        payments_reconcile()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.ERROR
    assert SandboxPayment.objects.count() == 0


def _paid(org, officer=None, amount=14500):
    account = debtor(org)
    payment = start(account, amount=amount)
    pay_on_sandbox(payment.next_url)
    return_to_site(payment)
    payment.refresh_from_db()
    return account, payment


def test_partial_refund(pay_sandbox, org_a, officer_a):
    account, payment = _paid(org_a)
    refund = refund_issue(
        actor=officer_a,
        payment=payment,
        amount_pence=4500,
        expected_available_pence=14500,
        reason="overpaid",
    )
    assert refund.status == RefundStatus.SUCCESS
    assert ledger_account_balance(account) == -10000
    assert refundable_pence(payment) == 10000
    assert LedgerTransaction.objects.filter(kind=TransactionKind.REFUND).count() == 1
    assert ledger_is_balanced()


def test_two_refunds_racing_only_one_wins(pay_sandbox, org_a, officer_a, admin_a):
    """Both officers opened the page when £145 was refundable and each refunds £100."""
    account, payment = _paid(org_a)
    refund_issue(
        actor=officer_a,
        payment=payment,
        amount_pence=10000,
        expected_available_pence=14500,
        reason="a",
    )
    with (
        unchanged(
            Refund.objects.all(), LedgerTransaction.objects.all(), SandboxPayment.objects.all()
        ),
        pytest.raises(RefundConflict),
    ):
        refund_issue(
            actor=admin_a,
            payment=payment,
            amount_pence=10000,
            expected_available_pence=14500,
            reason="b",
        )
    assert ledger_account_balance(account) == -4500
    assert sum(r.amount_pence for r in Refund.objects.exclude(status=RefundStatus.ERROR)) == 10000


def test_the_provider_guards_refunds_too(pay_sandbox, org_a, officer_a):
    """A refund made in GOV.UK Pay's own admin tool is invisible to our check, but the
    provider's refund_amount_available rule still stops a double refund, and syncing
    then records the outside refund in the ledger."""
    account, payment = _paid(org_a)
    from joinedup.integrations.govuk_pay.provider import get_pay_client

    get_pay_client().create_refund(
        payment.provider_payment_id, amount=10000, refund_amount_available=14500
    )
    with pytest.raises(RefundConflict):
        refund_issue(
            actor=officer_a,
            payment=payment,
            amount_pence=10000,
            expected_available_pence=14500,
            reason="b",
        )
    assert Refund.objects.get().status == RefundStatus.ERROR
    payment_refunds_sync(payment=payment)
    assert ledger_account_balance(account) == -4500
    assert refundable_pence(payment) == 4500
    assert ledger_is_balanced()


def test_refund_timeout_is_matched_later(network, org_a, officer_a):
    account, payment = _paid(org_a)
    network.plan = ["after"]  # the refund is made but the answer is lost
    refund = refund_issue(
        actor=officer_a,
        payment=payment,
        amount_pence=500,
        expected_available_pence=14500,
        reason="x",
    )
    assert (refund.status, refund.provider_refund_id) == (RefundStatus.PENDING, None)
    assert refundable_pence(payment) == 14000  # already counted as spent
    payments_reconcile()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCESS
    assert Refund.objects.count() == 1
    assert ledger_account_balance(account) == -14000


def test_refunds_need_write_permission(pay_sandbox, org_a, viewer_a, partner_b):
    from django.http import Http404

    _, payment = _paid(org_a)
    for person in (viewer_a, partner_b):
        with unchanged(Refund.objects.all()), pytest.raises(Http404):
            refund_issue(
                actor=person,
                payment=payment,
                amount_pence=1,
                expected_available_pence=14500,
                reason="x",
            )


def test_refunding_more_than_was_paid_is_refused(pay_sandbox, org_a, officer_a):
    from django.core.exceptions import ValidationError

    _, payment = _paid(org_a)
    with unchanged(Refund.objects.all()), pytest.raises(ValidationError):
        refund_issue(
            actor=officer_a,
            payment=payment,
            amount_pence=14501,
            expected_available_pence=14500,
            reason="x",
        )


def test_refund_webhook_is_handled(pay_sandbox, org_a, officer_a):
    account, payment = _paid(org_a)
    refund_issue(
        actor=officer_a,
        payment=payment,
        amount_pence=500,
        expected_available_pence=14500,
        reason="x",
    )
    jobs_run_pending()  # succeeded, captured and refunded webhooks arrive
    assert set(WebhookReceipt.objects.values_list("event_type", flat=True)) == {
        "card_payment_succeeded",
        "card_payment_captured",
        "card_payment_refunded",
    }
    assert LedgerTransaction.objects.filter(kind=TransactionKind.REFUND).count() == 1
    assert ledger_account_balance(account) == -14000

"""Card payments end to end on the sandbox, and the ledger's guarantees."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from joinedup.core.models import AuditEvent
from joinedup.integrations.govuk_notify.models import NotifyMessage
from joinedup.integrations.govuk_pay.sandbox.models import SandboxPayment
from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox
from joinedup.jobs.services import jobs_run_pending
from joinedup.payments.ledger import clearing_account, ledger_post
from joinedup.payments.models import LedgerEntry, LedgerTransaction, PaymentStatus, TransactionKind
from joinedup.payments.selectors import ledger_account_balance, ledger_is_balanced
from joinedup.payments.services import payment_sync
from joinedup.payments.tests.helpers import debtor, return_to_site, start

pytestmark = pytest.mark.django_db


def test_starting_a_payment_creates_it_at_the_provider(pay_sandbox, org_a):
    payment = start(debtor(org_a))
    assert payment.status == PaymentStatus.CREATED
    at_provider = SandboxPayment.objects.get(payment_id=payment.provider_payment_id)
    assert (at_provider.amount, at_provider.reference, at_provider.idempotency_key) == (
        14500,
        "TEST1",
        payment.idempotency_key,
    )
    assert at_provider.metadata == {
        "joinedup_payment": str(payment.pk),
        "organisation": org_a.slug,
        "purpose": "council_tax",
    }
    assert at_provider.return_url == f"https://testserver/payments/return/{payment.return_token}/"
    assert payment.next_url.endswith(f"/sandbox-pay/secure/{at_provider.page_token}/")
    assert AuditEvent.objects.filter(action="payment.start", object_id=str(payment.pk)).count() == 1


def test_paying_and_returning_records_the_payment_and_sends_a_receipt(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url)
    response = return_to_site(payment)
    assert response.status_code == 200
    assert "Payment received" in response.content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.card_summary) == (PaymentStatus.SUCCESS, "Visa •••• 4242")
    assert ledger_account_balance(account) == -14500
    assert ledger_account_balance(clearing_account(org_a)) == 14500
    receipt = NotifyMessage.objects.get(template_name="payment_receipt")
    assert receipt.recipient == "ann@example.org"
    assert receipt.personalisation["amount"] == "£145.00"
    assert receipt.personalisation["payment_id"] == payment.provider_payment_id
    assert "Council tax 2026/27" in receipt.body
    assert ledger_is_balanced()


def test_the_redirect_alone_records_nothing(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)  # the resident never pays, but visits the return URL
    page = return_to_site(payment).content.decode()
    assert "We are checking your payment" in page
    assert LedgerTransaction.objects.count() == 0
    assert ledger_account_balance(account) == 0


def test_a_welsh_payment_gets_a_welsh_receipt(pay_sandbox, org_a):
    payment = start(debtor(org_a), language="cy")
    pay_on_sandbox(payment.next_url)
    return_to_site(payment)
    assert NotifyMessage.objects.get().subject == "Taliad wedi dod i law: Council tax 2026/27"


def test_a_declined_card_records_nothing(pay_sandbox, org_a):
    account = debtor(org_a)
    payment = start(account)
    pay_on_sandbox(payment.next_url, "4000000000000002")
    page = return_to_site(payment).content.decode()
    assert "Your payment was not taken" in page
    payment.refresh_from_db()
    assert (payment.status, payment.provider_code) == (PaymentStatus.FAILED, "P0010")
    assert LedgerTransaction.objects.count() == NotifyMessage.objects.count() == 0


def test_no_email_no_receipt(pay_sandbox, org_a):
    payment = start(debtor(org_a), email="")
    pay_on_sandbox(payment.next_url)
    return_to_site(payment)
    assert LedgerTransaction.objects.count() == 1
    assert NotifyMessage.objects.count() == 0


def test_unknown_return_token_is_404(pay_sandbox):
    from django.test import Client

    assert Client().get("/payments/return/nope/").status_code == 404


# -- the ledger's own guarantees -----------------------------------------------------
def _payment_txn(org, account, provider_payment_id="pay123"):
    return ledger_post(
        organisation=org,
        kind=TransactionKind.PAYMENT,
        description="x",
        lines=[(clearing_account(org), 100), (account, -100)],
        recorded_by="test",
        provider="govuk_pay",
        provider_payment_id=provider_payment_id,
    )


def test_the_database_refuses_a_second_record_of_one_provider_payment(org_a):
    account = debtor(org_a)
    _payment_txn(org_a, account)
    # Straight to the table, past every check in Python: the unique constraint holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerTransaction.objects.create(
            organisation=org_a,
            kind=TransactionKind.PAYMENT,
            description="again",
            recorded_by="test",
            provider="govuk_pay",
            provider_payment_id="pay123",
        )
    assert LedgerTransaction.objects.count() == 1
    from joinedup.payments.ledger import AlreadyRecorded

    with pytest.raises(AlreadyRecorded):
        _payment_txn(org_a, account)
    assert ledger_account_balance(account) == -100


def test_a_payment_needs_a_provider_id(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerTransaction.objects.create(
            organisation=org_a, kind=TransactionKind.PAYMENT, description="x", recorded_by="t"
        )


def test_unbalanced_postings_are_refused(org_a):
    from django.core.exceptions import ValidationError

    account = debtor(org_a)
    with pytest.raises(ValidationError):
        ledger_post(
            organisation=org_a,
            kind=TransactionKind.ADJUSTMENT,
            description="x",
            lines=[(account, 100), (clearing_account(org_a), -99)],
            recorded_by="t",
        )
    assert LedgerTransaction.objects.count() == 0


def test_ledger_rows_cannot_be_changed_or_deleted(org_a):
    txn = _payment_txn(org_a, debtor(org_a))
    entry = txn.entries.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(TypeError):
        txn.delete()
    table = LedgerEntry._meta.db_table
    # and the database refuses even raw SQL (triggers from migration 0002)
    for sql in (
        f"UPDATE {table} SET amount_pence = 1 WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(Exception, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.amount_pence == 100


def test_a_finished_payment_never_goes_back(pay_sandbox, org_a):
    payment = start(debtor(org_a))
    pay_on_sandbox(payment.next_url)
    payment = payment_sync(payment=payment)
    from joinedup.integrations.govuk_pay.client import PayPayment
    from joinedup.payments.services import _apply

    stale = PayPayment(
        payment_id=payment.provider_payment_id,
        amount=14500,
        reference="TEST1",
        description="",
        status="started",
        finished=False,
    )
    assert _apply(payment.pk, stale).status == PaymentStatus.SUCCESS


def test_starting_needs_a_sensible_amount(pay_sandbox, org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        start(debtor(org_a), amount=0)
    with pytest.raises(ValidationError):
        start(debtor(org_a), amount=10_000_001)
    assert SandboxPayment.objects.count() == 0


def test_payment_expires_if_the_resident_walks_away(pay_sandbox, org_a):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        payment = start(debtor(org_a))
        clock.shift(dt.timedelta(minutes=91))
        payment = payment_sync(payment=payment)
    assert (payment.status, payment.provider_code) == (PaymentStatus.FAILED, "P0020")
    assert LedgerTransaction.objects.count() == 0
    jobs_run_pending()

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from joinedup.core.testing import assert_access, client_for
from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox
from joinedup.payments.reconciliation import reconciliation_report_build
from joinedup.payments.services import refund_issue
from joinedup.payments.tests.helpers import debtor, return_to_site, start

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 3)
NOON = dt.datetime(2026, 6, 3, 11, 0, tzinfo=dt.UTC)


def test_report_agrees_when_ledger_and_provider_agree(pay_sandbox, org_a, officer_a):
    with time_machine.travel(NOON, tick=False):
        payment = start(debtor(org_a))
        pay_on_sandbox(payment.next_url)
        return_to_site(payment)
        payment.refresh_from_db()
        refund_issue(
            actor=officer_a,
            payment=payment,
            amount_pence=500,
            expected_available_pence=14500,
            reason="x",
        )
        start(debtor(org_a), amount=999)  # started, never paid: not money
        report = reconciliation_report_build(organisation=org_a, day=DAY)
    assert report.discrepancies == []
    assert (report.provider_payments_count, report.provider_payments_pence) == (1, 14500)
    assert (report.ledger_payments_count, report.ledger_payments_pence) == (1, 14500)
    assert (report.provider_refunds_pence, report.ledger_refunds_pence) == (500, 500)


def test_report_shows_a_payment_missing_from_the_ledger(pay_sandbox, org_a, org_b):
    with time_machine.travel(NOON, tick=False):
        payment = start(debtor(org_a))
        pay_on_sandbox(payment.next_url)  # paid, but nothing has told the ledger yet
        other = start(debtor(org_b))  # Merton's payments are not in Sutton's report
        pay_on_sandbox(other.next_url)
        report = reconciliation_report_build(organisation=org_a, day=DAY)
    payment.refresh_from_db()
    assert report.discrepancies == [
        {
            "payment_id": payment.provider_payment_id,
            "reference": "TEST1",
            "issue": "paid at the provider, missing from the ledger",
            "provider_pence": 14500,
            "ledger_pence": 0,
        }
    ]
    assert (report.provider_payments_count, report.ledger_payments_count) == (1, 0)


def test_command_reconciles_and_reports(pay_sandbox, org_a, capsys):
    with time_machine.travel(NOON, tick=False):
        payment = start(debtor(org_a))
        pay_on_sandbox(payment.next_url)
    with time_machine.travel(NOON + dt.timedelta(minutes=10), tick=False):
        call_command("payments_reconcile", "--report", DAY.isoformat())
    out = capsys.readouterr().out
    assert "checked 1 unfinished payments, 1 now finished" in out
    assert f"{org_a.name} 2026-06-03: agrees" in out


def test_report_page_permissions(pay_sandbox, personas, org_a, assert_accessible):
    with time_machine.travel(NOON, tick=False):
        payment = start(debtor(org_a))
        pay_on_sandbox(payment.next_url)
        reconciliation_report_build(organisation=org_a, day=DAY)
    url = reverse("payments:reconciliation", args=[org_a.slug])
    assert_access(
        url,
        personas,
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
    )
    response = client_for(personas["viewer_a"]).get(url)
    page = response.content.decode()
    assert "paid at the provider, missing from the ledger" in page
    assert "£145.00" in page
    assert_accessible(response)

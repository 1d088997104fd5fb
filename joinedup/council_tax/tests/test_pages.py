import pytest
from django.test import Client
from django.urls import reverse

from joinedup.core.models import AuditEvent
from joinedup.core.testing import assert_access, client_for, unchanged
from joinedup.council_tax.models import Account, Bill, FindAttempt
from joinedup.council_tax.selectors import account_summary
from joinedup.integrations.govuk_notify.models import NotifyMessage
from joinedup.integrations.govuk_pay.tests.helpers import pay_on_sandbox
from joinedup.payments.models import LedgerTransaction, Payment, Refund
from joinedup.payments.selectors import ledger_is_balanced

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_demo_loads_realistic_accounts(demo, org_a):
    assert len(demo) == 12  # four councils, three households each
    accounts = Account.objects.filter(organisation=org_a).order_by("reference")
    assert [a.reference for a in accounts] == ["600010011", "600010029", "600010037"]
    up_to_date, single, behind = (account_summary(a, today=TODAY) for a in accounts)
    assert (up_to_date.bill.gross_pence, up_to_date.bill.net_pence) == (216618, 216618)
    assert (
        single.bill.band,
        single.bill.gross_pence,
        single.bill.reduction_pence,
        single.bill.net_pence,
    ) == (
        "C",
        192549,
        48137,
        144412,
    )
    assert len(behind.bill.instalments.all()) == 12
    assert [s.recovery_stage for s in (up_to_date, single, behind)] == [
        "up_to_date",
        "reminder",
        "liability_order",
    ]
    # 8 of 10 instalments due by 20 November have been paid by Direct Debit
    assert up_to_date.balance_pence == 216618 - 22218 - 7 * 21600
    assert ledger_is_balanced()


def _find(client, reference, postcode):
    return client.post(reverse("council_tax:find"), {"reference": reference, "postcode": postcode})


def test_find_my_account_then_see_the_bill(sutton_account, assert_accessible):
    client = Client()
    response = _find(client, sutton_account.reference, "sm1 1ag")
    assert response.status_code == 302
    page = client.get(reverse("council_tax:account"))
    html = page.content.decode()
    assert "600010011" in html
    assert "10 High Street, Sutton, SM1 1AG" in html
    assert "£2,166.18" in html
    assert_accessible(page)


def test_a_wrong_postcode_and_a_missing_reference_look_the_same(sutton_account):
    wrong_postcode = _find(Client(), sutton_account.reference, "SM1 1AH")
    no_such_account = _find(Client(), "699999999", "SM1 1AG")
    merton_ref_sutton_postcode = _find(Client(), "70001001", "SM1 1AG")
    for response in (wrong_postcode, no_such_account, merton_ref_sutton_postcode):
        assert response.status_code == 200
        assert (
            "We could not find an account with that reference and postcode"
            in response.content.decode()
        )

    def errors(response):
        html = response.content.decode()
        return html[html.index("govuk-error-summary") : html.index("</form>")].split('value="')[0]

    assert errors(wrong_postcode) == errors(no_such_account) == errors(merton_ref_sutton_postcode)


def test_finding_is_rate_limited(sutton_account):
    client = Client()
    for _ in range(5):
        _find(client, sutton_account.reference, "SM9 9ZZ")
    # the right postcode is refused now: five tries at one reference per 15 minutes
    response = _find(client, sutton_account.reference, "SM1 1AG")
    assert "You have tried too many times" in response.content.decode()
    assert client.get(reverse("council_tax:account")).status_code == 302  # not signed in


def test_finding_is_rate_limited_per_address(demo, frozen_today):
    client = Client()
    for n in range(10):
        _find(client, f"6999999{n:02d}", "SM1 1AG")
    response = _find(client, "600010011", "SM1 1AG")
    assert "You have tried too many times" in response.content.decode()
    frozen_today.shift(16 * 60)
    assert _find(client, "600010011", "SM1 1AG").status_code == 302
    assert FindAttempt.objects.count() == 2  # old attempts are forgotten


def test_find_form_errors(demo, assert_accessible):
    response = Client().post(reverse("council_tax:find"), {"reference": "", "postcode": "nowhere"})
    html = response.content.decode()
    assert "Enter your council tax account reference" in html
    assert "Enter a real postcode" in html
    assert "govuk-error-summary" in html
    assert_accessible(response)


def test_pages_in_welsh(sutton_account, assert_accessible):
    client = Client(HTTP_ACCEPT_LANGUAGE="cy")
    find = client.get(reverse("council_tax:find"))
    assert 'lang="cy"' in find.content.decode()
    assert (
        "Dewch o hyd i\N{RIGHT SINGLE QUOTATION MARK}ch cyfrif treth gyngor"
        in find.content.decode()
    )
    assert_accessible(find)
    _find(client, sutton_account.reference, "SM1 1AG")
    account = client.get(reverse("council_tax:account"))
    assert "Eich treth gyngor" in account.content.decode()
    assert_accessible(account)
    pay = client.get(reverse("council_tax:pay"))
    assert "Talu eich treth gyngor" in pay.content.decode()
    assert_accessible(pay)


def test_pay_an_instalment_end_to_end(sutton_account, assert_accessible):
    """Find the account, pay the next instalment with a test card, see the new balance,
    get a receipt."""
    client = Client()
    _find(client, sutton_account.reference, "SM1 1AG")
    page = client.get(reverse("council_tax:pay"))
    assert_accessible(page)
    assert "Next instalment: £216.00" in page.content.decode()
    before = account_summary(sutton_account, today=TODAY).balance_pence
    response = client.post(
        reverse("council_tax:pay"), {"what": "instalment:21600", "email": "alex@example.org"}
    )
    assert response.status_code == 302
    return_url = pay_on_sandbox(response["Location"])
    done = client.get(return_url.removeprefix("http://testserver"))
    assert "Payment received" in done.content.decode()
    assert_accessible(done)
    assert account_summary(sutton_account, today=TODAY).balance_pence == before - 21600
    account_page = client.get(reverse("council_tax:account")).content.decode()
    assert f"£{(before - 21600) / 100:,.2f}" in account_page
    receipt = NotifyMessage.objects.get(template_name="payment_receipt")
    assert (receipt.recipient, receipt.personalisation["amount"]) == ("alex@example.org", "£216.00")
    assert receipt.personalisation["reference"] == "600010011"


def test_pay_form_errors(sutton_account, assert_accessible):
    client = Client()
    _find(client, sutton_account.reference, "SM1 1AG")
    for data, message in [
        ({}, "Choose what you want to pay"),
        ({"what": "other"}, "Enter the amount you want to pay"),
        ({"what": "other", "other_amount": "12.345"}, "Enter an amount in pounds and pence"),
        ({"what": "other", "other_amount": "999999"}, "Enter an amount no more than your balance"),
        (
            {"what": "other", "other_amount": "10", "email": "not-an-email"},
            "Enter an email address in the correct format",
        ),
        ({"what": "instalment:1"}, "Select a valid choice"),
    ]:
        with unchanged(Payment.objects.all()):
            response = client.post(reverse("council_tax:pay"), data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert_accessible(response)


def test_resident_pages_need_a_found_account(demo):
    client = Client()
    assert client.get(reverse("council_tax:account"))["Location"] == reverse("council_tax:find")
    assert client.get(reverse("council_tax:pay"))["Location"] == reverse("council_tax:find")


def test_leaving_forgets_the_account(sutton_account):
    client = Client()
    _find(client, sutton_account.reference, "SM1 1AG")
    client.post(reverse("council_tax:leave"))
    assert client.get(reverse("council_tax:account")).status_code == 302


# -- officers ---------------------------------------------------------------------------
def test_search_is_scoped_to_the_officers_councils(demo, personas):
    url = reverse("council_tax:staff-search") + "?q=Taylor"
    assert_access(
        url,
        personas,
        {
            "anonymous": 302,
            "resident": 200,
            "viewer_a": 200,
            "officer_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
        must_not_contain={
            "resident": ["600010011", "70001001"],
            "viewer_a": ["70001001"],
            "partner_b": ["600010011"],
            "officer_b": ["600010011", "70001001"],
        },
    )
    assert "600010011" in client_for(personas["viewer_a"]).get(url).content.decode()
    assert "70001001" in client_for(personas["partner_b"]).get(url).content.decode()


def test_account_page_permissions_and_audit(sutton_account, personas, assert_accessible):
    url = reverse("council_tax:staff-account", args=[sutton_account.pk])
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
        must_not_contain={"partner_b": ["Taylor"], "officer_b": ["Taylor"], "resident": ["Taylor"]},
    )
    views = AuditEvent.objects.filter(
        action="council_tax.account.view", object_id=str(sutton_account.pk)
    )
    assert sorted(views.values_list("actor_label", flat=True)) == [
        "admin_a",
        "officer_a",
        "viewer_a",
    ]
    response = client_for(personas["officer_a"]).get(url)
    html = response.content.decode()
    assert "Council tax 2026/27, band D" in html  # the ledger
    assert_accessible(response)


def test_bill_print_and_download(sutton_account, personas):
    url = reverse("council_tax:staff-bill", args=[sutton_account.pk])
    assert_access(
        url, personas, {"anonymous": 302, "viewer_a": 200, "partner_b": 404, "officer_b": 404}
    )
    download = client_for(personas["viewer_a"]).get(url + "?download=1")
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="council-tax-bill-600010011-2026.html"'
    )
    assert "£2,166.18" in download.content.decode()


def _paid_payment(account, client=None):
    client = client or Client()
    _find(client, account.reference, account.property.postcode)
    response = client.post(
        reverse("council_tax:pay"),
        {"what": "other", "other_amount": "100.00", "email": "a@example.org"},
    )
    client.get(pay_on_sandbox(response["Location"]).removeprefix("http://testserver"))
    return Payment.objects.get(ledger_account=account.ledger_account)


def test_refund_page_permissions(sutton_account, personas):
    payment = _paid_payment(sutton_account)
    url = reverse("council_tax:staff-refund", args=[payment.pk])
    with unchanged(Refund.objects.all()):
        assert_access(
            url,
            personas,
            {
                "anonymous": 302,
                "resident": 404,
                "viewer_a": 404,
                "officer_a": 200,
                "partner_b": 404,
                "officer_b": 404,
            },
        )
        assert_access(
            url,
            personas,
            {"viewer_a": 404, "partner_b": 404, "officer_b": 404, "resident": 404},
            method="post",
            data={"amount": "10", "reason": "x", "expected_available": "10000"},
        )


def test_officer_refunds_part_and_everything_agrees(
    sutton_account, officer_a, org_a, assert_accessible
):
    """The issue's "done when": a resident pays, an officer refunds part of it; the
    ledger, the reconciliation report and the resident's balance agree."""
    from joinedup.payments.reconciliation import reconciliation_report_build

    before = account_summary(sutton_account, today=TODAY).balance_pence
    payment = _paid_payment(sutton_account)
    officer = client_for(officer_a)
    url = reverse("council_tax:staff-refund", args=[payment.pk])
    form = officer.get(url)
    assert_accessible(form)
    response = officer.post(
        url, {"amount": "25.00", "reason": "Paid twice", "expected_available": "10000"}
    )
    assert response.status_code == 302
    after = account_summary(sutton_account, today=TODAY).balance_pence
    assert after == before - 10000 + 2500
    report = reconciliation_report_build(organisation=org_a, day=TODAY)
    assert report.discrepancies == []
    assert (
        report.provider_payments_pence,
        report.provider_refunds_pence,
        report.ledger_refunds_pence,
    ) == (10000, 2500, 2500)
    assert ledger_is_balanced()
    page = officer.get(
        reverse("council_tax:staff-account", args=[sutton_account.pk])
    ).content.decode()
    assert "Refund of £25.00 made." in page
    # a stale form (someone else refunded meanwhile) is refused with an explanation
    with unchanged(Refund.objects.all(), LedgerTransaction.objects.all()):
        stale = officer.post(
            url, {"amount": "25.00", "reason": "again", "expected_available": "10000"}
        )
    assert "changed since you opened the page" in stale.content.decode()
    assert_accessible(stale)


def test_bills_are_one_a_year(sutton_account, officer_a):
    from django.core.exceptions import ValidationError

    from joinedup.council_tax.services import bill_issue

    with (
        unchanged(Bill.objects.all(), LedgerTransaction.objects.all()),
        pytest.raises(ValidationError),
    ):
        bill_issue(actor=officer_a, account=sutton_account, financial_year=2026, issued_on=TODAY)

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import Client

from joinedup.payments.ledger import ledger_account_ensure
from joinedup.payments.models import AccountKind, Payment
from joinedup.payments.services import payment_start


def debtor(organisation, code="ct:TEST1"):
    return ledger_account_ensure(
        organisation=organisation, code=code, name="Test household", kind=AccountKind.ASSET
    )


def start(account, amount=14500, email="ann@example.org", language="en") -> Payment:
    return payment_start(
        ledger_account=account,
        amount_pence=amount,
        reference="TEST1",
        description="Council tax 2026/27",
        purpose="council_tax",
        return_url_for=lambda token: f"https://testserver/payments/return/{token}/",
        continue_url="/council-tax/account/",
        email=email,
        language=language,
    )


def return_to_site(payment: Payment):
    return Client().get(urlsplit(f"/payments/return/{payment.return_token}/").path)

"""Persona matrix entries for council tax's officer pages (see tests/test_persona_matrix.py).
Council tax is never shared by the matrix's agreement (it shares contact details only),
so organisation B sees nothing either way."""

from django.utils import timezone

from joinedup.core.testing import Endpoint
from joinedup.council_tax.models import Account

ANON = 302
READERS_OF_A = {
    "anonymous": ANON,
    "resident": 404,
    "viewer_a": 200,
    "officer_a": 200,
    "admin_a": 200,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}


def setup(ctx: dict) -> None:
    from joinedup.council_tax.demo import council_tax_demo_load
    from joinedup.payments.tests.helpers import start

    council_tax_demo_load(today=timezone.localdate())
    account = Account.objects.filter(organisation=ctx["org_a"]).order_by("reference").first()
    ctx["ct_account"] = account
    ctx["ct_payment"] = start(account.ledger_account)


def _reference(ctx: dict) -> list[str]:
    return [ctx["ct_account"].reference]


ENDPOINTS = [
    Endpoint(
        "council_tax:staff-search",
        {**READERS_OF_A, "resident": 200, "partner_b": 200, "officer_b": 200},
        data=lambda ctx: {"q": ctx["ct_account"].reference},
        hidden=lambda ctx: [ctx["ct_account"].property.address_line_1],
        conceal_from=dict.fromkeys(
            ("without_agreement", "with_agreement"), ("resident", "partner_b", "officer_b")
        ),
    ),
    Endpoint(
        "council_tax:staff-account",
        READERS_OF_A,
        args=lambda ctx: [ctx["ct_account"].pk],
        hidden=_reference,
    ),
    Endpoint(
        "council_tax:staff-bill",
        READERS_OF_A,
        args=lambda ctx: [ctx["ct_account"].pk],
        hidden=_reference,
    ),
    Endpoint(
        "council_tax:staff-link",
        {**READERS_OF_A, "viewer_a": 404},
        args=lambda ctx: [ctx["ct_account"].pk],
        hidden=_reference,
    ),
    Endpoint(
        "council_tax:staff-refund",
        {**READERS_OF_A, "viewer_a": 404},
        args=lambda ctx: [ctx["ct_payment"].pk],
        hidden=_reference,
    ),
]

"""Persona matrix entries for council tax's officer pages (see tests/test_persona_matrix.py).
Council tax is never shared by the matrix's agreement (it shares contact details only),
so organisation B sees nothing either way."""

import datetime as dt

from django.utils import timezone

from joinedup.core.testing import Endpoint
from joinedup.council_tax.models import Account, LiablePerson

ANON = 302
LINKED_AT = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
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
    # One liable person linked to a record, for the unlink page.
    from joinedup.crm.models import Person

    ctx["ct_person"] = Person.objects.create(given_name="Alexandra", family_name="Matrixlinked")
    ctx["ct_liable"] = account.liable_people.order_by("id").first()
    _relink(ctx)


def _relink(ctx: dict) -> None:
    LiablePerson.objects.filter(pk=ctx["ct_liable"].pk).update(
        person=ctx["ct_person"], linked_at=LINKED_AT
    )


def _link_args(ctx: dict) -> list:
    return [ctx["ct_account"].pk, ctx["ct_liable"].pk]


def _link_hidden(ctx: dict) -> list[str]:
    return [ctx["ct_account"].reference, ctx["ct_person"].family_name]


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
        "council_tax:staff-unlink",
        {**READERS_OF_A, "viewer_a": 404},
        args=_link_args,
        hidden=_link_hidden,
        prepare=_relink,
    ),
    Endpoint(
        "council_tax:staff-unlink",
        {**READERS_OF_A, "viewer_a": 404, "officer_a": 302, "admin_a": 302, "dpo_a": 302},
        method="post",
        args=_link_args,
        hidden=_link_hidden,
        watch=lambda ctx: [LiablePerson.objects.filter(pk=ctx["ct_liable"].pk)],
        prepare=_relink,
    ),
    Endpoint(
        "council_tax:staff-refund",
        {**READERS_OF_A, "viewer_a": 404},
        args=lambda ctx: [ctx["ct_payment"].pk],
        hidden=_reference,
    ),
]

"""Writing to the double-entry ledger. Every posting is balanced (its entries sum to
zero) and immutable; corrections are new postings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.core.models import Organisation
from joinedup.payments.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Refund,
)

# Accounts every organisation taking payments has (codes are data, per organisation).
CLEARING_CODE = "govuk_pay_clearing"


class AlreadyRecorded(Exception):
    """The provider's payment or refund is in the ledger already."""


def ledger_account_ensure(
    *, organisation: Organisation, code: str, name: str, kind: str
) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        organisation=organisation, code=code, defaults={"name": name, "kind": kind}
    )
    return account


def clearing_account(organisation: Organisation) -> LedgerAccount:
    """Card payments taken but not yet paid out to the council's bank by the provider."""
    return ledger_account_ensure(
        organisation=organisation,
        code=CLEARING_CODE,
        name="GOV.UK Pay clearing",
        kind=AccountKind.ASSET,
    )


def ledger_post(
    *,
    organisation: Organisation,
    kind: str,
    description: str,
    lines: Sequence[tuple[LedgerAccount, int]],
    recorded_by: str,
    occurred_at: dt.datetime | None = None,
    provider: str = "",
    provider_payment_id: str = "",
    provider_refund_id: str = "",
    payment: Payment | None = None,
    refund: Refund | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction. Raises AlreadyRecorded if the provider's payment
    or refund is already in the ledger (the unique constraint said so)."""
    lines = [(account, amount) for account, amount in lines if amount]
    if len(lines) < 2:
        raise ValidationError("A ledger transaction needs at least two non-zero entries.")
    if sum(amount for _, amount in lines) != 0:
        raise ValidationError("A ledger transaction's entries must sum to zero.")
    if any(account.organisation_id != organisation.pk for account, _ in lines):
        raise ValidationError("Every entry must be in the organisation's own ledger.")
    try:
        # A savepoint, so a refused duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                organisation=organisation,
                kind=kind,
                description=description[:255],
                occurred_at=occurred_at or timezone.now(),
                recorded_by=recorded_by[:150],
                provider=provider,
                provider_payment_id=provider_payment_id,
                provider_refund_id=provider_refund_id,
                payment=payment,
                refund=refund,
            )
            LedgerEntry.objects.bulk_create(
                [LedgerEntry(transaction=txn, account=a, amount_pence=amt) for a, amt in lines]
            )
    except IntegrityError as exc:
        if provider_payment_id or provider_refund_id:
            raise AlreadyRecorded(provider_payment_id or provider_refund_id) from exc
        raise
    return txn

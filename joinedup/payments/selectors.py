"""Reads of payments and the ledger, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.http import Http404

from joinedup.core.models import Organisation
from joinedup.core.permissions import READ_ROLES, organisation_ids_for
from joinedup.payments.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    ReconciliationReport,
    Refund,
    RefundStatus,
)


def ledger_account_balance(account: LedgerAccount) -> int:
    """Debits minus credits, in pence: for a household's account, what it owes."""
    return LedgerEntry.objects.filter(account=account).total()


def ledger_entry_list(*, actor, account: LedgerAccount) -> QuerySet[LedgerEntry]:
    if account.organisation_id not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such account")
    return (
        LedgerEntry.objects.filter(account=account)
        .select_related("transaction")
        .order_by("transaction__occurred_at", "id")
    )


def payment_list_for_account(*, actor, account: LedgerAccount) -> QuerySet[Payment]:
    if account.organisation_id not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such account")
    return Payment.objects.filter(ledger_account=account).prefetch_related("refunds")


def payment_get(*, actor, payment_id) -> Payment:
    payment = (
        Payment.objects.filter(
            pk=payment_id, organisation_id__in=organisation_ids_for(actor, READ_ROLES)
        )
        .select_related("organisation", "ledger_account")
        .first()
    )
    if payment is None:
        raise Http404("No such payment")
    return payment


def payment_get_by_return_token(*, token: str) -> Payment:
    """The resident's way back from the provider: the secret token is the credential."""
    payment = Payment.objects.filter(return_token=token).select_related("organisation").first()
    if payment is None:
        raise Http404("No such payment")
    return payment


def refundable_pence(payment: Payment) -> int:
    """What may still be refunded, by our own records: refunds waiting for the provider
    count as spent, so two officers cannot both refund the same money."""
    if not payment.succeeded:
        return 0
    refunded = (
        Refund.objects.filter(payment=payment)
        .exclude(status=RefundStatus.ERROR)
        .aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    return payment.amount_pence - refunded


def ledger_is_balanced(*, organisation: Organisation | None = None) -> bool:
    """Every transaction's entries sum to zero (so the whole ledger does too)."""
    transactions = LedgerTransaction.objects.all()
    if organisation is not None:
        transactions = transactions.filter(organisation=organisation)
    unbalanced = transactions.annotate(total=Sum("entries__amount_pence")).exclude(total=0).exists()
    empty = transactions.filter(entries__isnull=True).exists()
    return not unbalanced and not empty


def reconciliation_report_list(
    *, actor, organisation: Organisation
) -> QuerySet[ReconciliationReport]:
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    return ReconciliationReport.objects.filter(organisation=organisation)

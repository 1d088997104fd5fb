"""Catching up with the provider, and the daily provider-versus-ledger report.

A resident may close the browser on the provider's page, or a webhook may be lost: the
reconciliation task asks the provider about every payment not yet finished, so no
successful payment stays unrecorded for long."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from joinedup.core.models import Organisation
from joinedup.integrations.govuk_pay.client import PayError
from joinedup.integrations.govuk_pay.provider import get_pay_client
from joinedup.payments.models import (
    FINISHED_STATUSES,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentStatus,
    ReconciliationReport,
    Refund,
    RefundStatus,
    TransactionKind,
)
from joinedup.payments.services import PROVIDER, _apply, payment_refunds_sync, payment_sync

logger = logging.getLogger(__name__)

# Leave a payment alone this long after it was created or last checked: the resident is
# probably still on the provider's page, and the return or webhook will tell us.
QUIET_PERIOD = dt.timedelta(minutes=5)
# A payment the provider never acknowledged and cannot be found there after this long
# was never created; GOV.UK Pay would have expired it anyway (90 minutes).
GIVE_UP_AFTER = dt.timedelta(hours=3)


@dataclass
class ReconcileResult:
    checked: int = 0
    finished: int = 0
    errors: list[str] = field(default_factory=list)


def payments_reconcile(*, now: dt.datetime | None = None) -> ReconcileResult:
    now = now or timezone.now()
    result = ReconcileResult()
    quiet = now - QUIET_PERIOD
    unfinished = Payment.objects.exclude(status__in=FINISHED_STATUSES).filter(created_at__lte=quiet)
    for payment in unfinished.order_by("created_at"):
        if payment.last_checked_at and payment.last_checked_at > quiet:
            continue
        result.checked += 1
        try:
            if payment.provider_payment_id:
                payment = payment_sync(payment=payment)
            else:
                payment = _find_at_provider(payment, now)
        except PayError as exc:
            result.errors.append(f"{payment.pk}: {exc}")
            continue
        if payment.finished:
            result.finished += 1
    pending_refunds = Payment.objects.filter(
        refunds__status=RefundStatus.PENDING, refunds__provider_refund_id__isnull=True
    ).distinct()
    for payment in pending_refunds:
        try:
            payment_refunds_sync(payment=payment)
        except PayError as exc:
            result.errors.append(f"refunds of {payment.pk}: {exc}")
    return result


def _find_at_provider(payment: Payment, now: dt.datetime) -> Payment:
    """Our create request may have reached the provider though its answer did not reach
    us: look for it by reference and our id in the metadata."""
    client = get_pay_client()
    since = (payment.created_at - dt.timedelta(minutes=5)).astimezone(dt.UTC)
    for found in client.search_payments(
        reference=payment.reference, from_date=since.strftime("%Y-%m-%dT%H:%M:%SZ")
    ):
        if found.metadata.get("joinedup_payment") == str(payment.pk):
            return _apply(payment.pk, client.get_payment(found.payment_id))
    if now - payment.created_at > GIVE_UP_AFTER:
        Payment.objects.filter(pk=payment.pk, provider_payment_id__isnull=True).update(
            status=PaymentStatus.ERROR,
            provider_message="Never created at the payment provider",
            last_checked_at=now,
        )
    else:
        Payment.objects.filter(pk=payment.pk).update(last_checked_at=now)
    payment.refresh_from_db()
    return payment


# -- daily report ----------------------------------------------------------------------
def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def reconciliation_report_build(
    *, organisation: Organisation, day: dt.date
) -> ReconciliationReport:
    """Compare the provider's record of the day's payments (created that day, local
    time) with the ledger, payment by payment, and store the result."""
    start, end = _day_bounds(day)
    client = get_pay_client()
    provider_payments = {
        p.payment_id: p
        for p in client.search_payments(
            from_date=start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            to_date=end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        if p.metadata.get("organisation") == organisation.slug
    }
    ours = {
        p.provider_payment_id: p
        for p in Payment.objects.filter(
            organisation=organisation, created_at__gte=start, created_at__lt=end
        ).exclude(provider_payment_id=None)
    }
    ledger_payments = {
        t.provider_payment_id: t
        for t in LedgerTransaction.objects.filter(
            organisation=organisation,
            kind=TransactionKind.PAYMENT,
            provider=PROVIDER,
            provider_payment_id__in=set(provider_payments) | set(ours),
        )
    }

    def credited(txn: LedgerTransaction) -> int:
        # the payer's account is credited (negative entry) by the amount paid
        return -int(
            LedgerEntry.objects.filter(transaction=txn, amount_pence__lt=0).aggregate(
                s=Sum("amount_pence")
            )["s"]
            or 0
        )

    discrepancies = []
    succeeded = {pid: p for pid, p in provider_payments.items() if p.status == "success"}
    for pid, p in sorted(succeeded.items()):
        txn = ledger_payments.get(pid)
        if txn is None:
            discrepancies.append(
                {
                    "payment_id": pid,
                    "reference": p.reference,
                    "issue": "paid at the provider, missing from the ledger",
                    "provider_pence": p.amount,
                    "ledger_pence": 0,
                }
            )
        elif credited(txn) != p.amount:
            discrepancies.append(
                {
                    "payment_id": pid,
                    "reference": p.reference,
                    "issue": "amounts differ",
                    "provider_pence": p.amount,
                    "ledger_pence": credited(txn),
                }
            )
    for pid, txn in sorted(ledger_payments.items()):
        if pid not in succeeded:
            provider_status = (
                provider_payments[pid].status if pid in provider_payments else "not found"
            )
            discrepancies.append(
                {
                    "payment_id": pid,
                    "reference": txn.description,
                    "issue": f"in the ledger, but at the provider: {provider_status}",
                    "provider_pence": 0,
                    "ledger_pence": credited(txn),
                }
            )
    ledger_refunds = -int(
        LedgerEntry.objects.filter(
            transaction__kind=TransactionKind.REFUND,
            transaction__provider=PROVIDER,
            transaction__provider_payment_id__in=set(succeeded),
            account__code="govuk_pay_clearing",
        ).aggregate(s=Sum("amount_pence"))["s"]
        or 0
    )
    provider_refunds = sum(p.refund_amount_submitted for p in succeeded.values())
    if ledger_refunds != provider_refunds:
        discrepancies.append(
            {
                "payment_id": "",
                "reference": "",
                "issue": "refund totals differ",
                "provider_pence": provider_refunds,
                "ledger_pence": ledger_refunds,
            }
        )
    report, _ = ReconciliationReport.objects.update_or_create(
        organisation=organisation,
        day=day,
        defaults={
            "generated_at": timezone.now(),
            "provider_payments_count": len(succeeded),
            "provider_payments_pence": sum(p.amount for p in succeeded.values()),
            "ledger_payments_count": len(ledger_payments),
            "ledger_payments_pence": sum(credited(t) for t in ledger_payments.values()),
            "provider_refunds_pence": provider_refunds,
            "ledger_refunds_pence": ledger_refunds,
            "discrepancies": discrepancies,
        },
    )
    return report


def reconciliation_reports_build_for(day: dt.date) -> list[ReconciliationReport]:
    """Reports for every organisation that took payments that day."""
    start, end = _day_bounds(day)
    org_ids = (
        Payment.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return [
        reconciliation_report_build(organisation=org, day=day)
        for org in Organisation.objects.filter(pk__in=list(org_ids))
    ]


def refund_totals(payment: Payment) -> int:
    return int(
        Refund.objects.filter(payment=payment)
        .exclude(status=RefundStatus.ERROR)
        .aggregate(s=Sum("amount_pence"))["s"]
        or 0
    )

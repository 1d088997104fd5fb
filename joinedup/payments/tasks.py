import datetime as dt

from django.utils import timezone

from joinedup.jobs.registry import task
from joinedup.payments.reconciliation import payments_reconcile, reconciliation_reports_build_for


@task("payments.reconcile", every=dt.timedelta(minutes=10), max_attempts=1)
def reconcile() -> None:
    payments_reconcile()


@task("payments.daily_reconciliation_report", every=dt.timedelta(hours=24), max_attempts=3)
def daily_reconciliation_report() -> None:
    reconciliation_reports_build_for(timezone.localdate() - dt.timedelta(days=1))

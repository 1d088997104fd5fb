import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from joinedup.core.audit import audit_context
from joinedup.payments.reconciliation import payments_reconcile, reconciliation_reports_build_for


class Command(BaseCommand):
    help = "Ask the payment provider about unfinished payments; with --report, build a day's reconciliation reports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--report", metavar="YYYY-MM-DD", help="also build the reports for this day"
        )

    def handle(self, *args, report: str | None = None, **opts):
        with audit_context("command:payments_reconcile"):
            result = payments_reconcile()
            self.stdout.write(
                f"checked {result.checked} unfinished payments, {result.finished} now finished"
            )
            for error in result.errors:
                self.stderr.write(error)
            if report:
                try:
                    day = dt.date.fromisoformat(report)
                except ValueError as exc:
                    raise CommandError("--report takes a date as YYYY-MM-DD") from exc
                for r in reconciliation_reports_build_for(day or timezone.localdate()):
                    state = "agrees" if r.agrees else f"{len(r.discrepancies)} differences"
                    self.stdout.write(f"{r.organisation.name} {r.day}: {state}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from joinedup.core.audit import audit_context
from joinedup.service_requests.reference import (
    BANK_HOLIDAYS_FILE,
    REQUEST_TYPES_FILE,
    ReferenceFileError,
    bank_holidays_load,
    request_types_load,
)


class Command(BaseCommand):
    help = (
        "Load the request types (questions, target times) and GOV.UK's bank holidays from "
        "data/service_requests/ (run after catalogue_load)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--request-types", default=str(REQUEST_TYPES_FILE))
        parser.add_argument("--bank-holidays", default=str(BANK_HOLIDAYS_FILE))

    def handle(self, *args, request_types: str, bank_holidays: str, **opts):
        try:
            with audit_context("command:service_requests_load"):
                result = request_types_load(actor=None, path=Path(request_types))
                added = bank_holidays_load(actor=None, path=Path(bank_holidays))
        except ReferenceFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"service requests: {result.request_types} request types, {result.questions} "
            f"questions; {added} bank holidays added"
        )

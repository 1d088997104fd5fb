from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.core.audit import audit_context
from joinedup.core.models import Organisation
from joinedup.integrations.open311.services import open311_client_issue


class Command(BaseCommand):
    help = (
        "Issue an Open311 API key to a client application on behalf of an organisation. "
        "The key is printed once; only its digest is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--name", required=True, help="the client application's name")

    def handle(self, *args, organisation: str, name: str, **opts):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with slug {organisation!r}")
        try:
            with audit_context("command:open311_issue_key"):
                client, key = open311_client_issue(actor=None, organisation=org, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(f"Open311 key for {client.name} ({org.name}); shown once, keep it safe:")
        self.stdout.write(key)

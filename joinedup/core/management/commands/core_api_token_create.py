from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from joinedup.core.audit import audit_context
from joinedup.core.models import Organisation, User
from joinedup.core.services import api_token_create


class Command(BaseCommand):
    help = "Issue an internal API token for an organisation, acting as one of its administrators."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="organisation slug")
        parser.add_argument("name", help="what the token is for")
        parser.add_argument("--scope", action="append", required=True, dest="scopes")
        parser.add_argument("--role", default="viewer", choices=["viewer", "officer"])
        parser.add_argument("--as-user", required=True, help="username of an administrator")

    def handle(self, *args, **opts):
        organisation = Organisation.objects.filter(slug=opts["organisation"]).first()
        admin = User.objects.filter(username=opts["as_user"]).first()
        if organisation is None or admin is None:
            raise CommandError("No such organisation or user.")
        with audit_context("command:core_api_token_create"):
            try:
                token, raw = api_token_create(
                    actor=admin,
                    organisation=organisation,
                    name=opts["name"],
                    scopes=opts["scopes"],
                    role=opts["role"],
                )
            except (ValidationError, Http404) as exc:
                raise CommandError(f"Cannot issue the token: {exc}") from exc
        self.stdout.write(f"Token {token.prefix} for {organisation.name} (shown once):\n{raw}")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from joinedup.core.audit import audit_context
from joinedup.core.models import Organisation
from joinedup.integrations.open311.models import Open311Client
from joinedup.integrations.open311.selectors import client_for_key
from joinedup.integrations.open311.services import open311_client_issue

DEMO_ORGANISATION = "E09000029"  # London Borough of Sutton, the demo partnership's lead
DEMO_CLIENT = "Demo Open311 client"


class Command(BaseCommand):
    help = (
        "Print the demo Open311 key (made on first run and kept in var/, outside the "
        "repository, like the demo sign-ins). Run after demo_load."
    )

    def handle(self, *args, **opts):
        path = settings.VAR_DIR / "open311-demo-key.txt"
        key = path.read_text().strip() if path.exists() else ""
        if not key or client_for_key(raw=key) is None:
            org = Organisation.objects.filter(gss_code=DEMO_ORGANISATION).first()
            if org is None:
                raise CommandError(
                    "The demo organisation is missing; run geo_load_bundled and demo_load first"
                )
            Open311Client.objects.filter(
                organisation=org, name=DEMO_CLIENT, revoked_at=None
            ).update(name=f"{DEMO_CLIENT} (replaced)")
            with audit_context("command:open311_demo_key"):
                _client, key = open311_client_issue(actor=None, organisation=org, name=DEMO_CLIENT)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(key + "\n")
            path.chmod(0o600)
        self.stdout.write(
            f"Open311 demo key (POST to /open311/v2/requests.json with api_key=…): {key}"
        )

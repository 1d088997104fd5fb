import json

from django.core.management.base import BaseCommand

from joinedup.integrations.govuk_pay.provider import sandbox_credentials_file
from joinedup.integrations.govuk_pay.sandbox.services import (
    sandbox_account_create,
    sandbox_account_for_key,
)

WEBHOOK_PATH = "/payments/webhooks/govuk-pay/"


class Command(BaseCommand):
    help = (
        "Create the built-in GOV.UK Pay sandbox account the platform uses offline (once), "
        "and print its test API key."
    )

    def handle(self, *args, **opts):
        path = sandbox_credentials_file()
        saved = json.loads(path.read_text()) if path.exists() else {}
        if not saved or sandbox_account_for_key(saved.get("api_key", "")) is None:
            account, api_key = sandbox_account_create(
                name="joinedup platform",
                webhook_url=WEBHOOK_PATH,
                api_key=saved.get("api_key"),
                webhook_signing_secret=saved.get("webhook_signing_secret"),
            )
            saved = {"api_key": api_key, "webhook_signing_secret": account.webhook_signing_secret}
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(saved, indent=2))
            path.chmod(0o600)
        self.stdout.write("GOV.UK Pay sandbox (no real money): API at /sandbox-pay/v1/")
        self.stdout.write(f"  test API key: {saved['api_key']}")

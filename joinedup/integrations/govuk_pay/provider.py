"""Which GOV.UK Pay the platform talks to, chosen by settings:

- `GOVUK_PAY_BASE_URL` set (e.g. https://publicapi.payments.service.gov.uk): that
  service over HTTPS with `GOVUK_PAY_API_KEY`, webhooks checked with
  `GOVUK_PAY_WEBHOOK_SECRET`;
- unset: the built-in sandbox at /sandbox-pay/, called in-process, with the test key and
  signing secret that `govuk_pay_sandbox_setup` wrote (or the same settings, if given).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from joinedup.integrations.govuk_pay.client import GovukPayClient
from joinedup.integrations.govuk_pay.inprocess import InProcessTransport, local_host

SANDBOX_PATH = "/sandbox-pay"


def sandbox_credentials_file() -> Path:
    return Path(settings.VAR_DIR) / "govuk-pay-sandbox.json"


def _sandbox_credentials() -> dict[str, str]:
    path = sandbox_credentials_file()
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def uses_sandbox() -> bool:
    return not settings.GOVUK_PAY_BASE_URL


def pay_api_key() -> str:
    return settings.GOVUK_PAY_API_KEY or _sandbox_credentials().get("api_key", "")


def pay_webhook_secret() -> str:
    return settings.GOVUK_PAY_WEBHOOK_SECRET or _sandbox_credentials().get(
        "webhook_signing_secret", ""
    )


@lru_cache(maxsize=1)
def _requests_transport():
    from joinedup.integrations.govuk_pay.client import RequestsTransport

    return RequestsTransport()


def get_pay_client() -> GovukPayClient:
    if uses_sandbox():
        return GovukPayClient(
            base_url=f"https://{local_host()}{SANDBOX_PATH}",
            api_key=pay_api_key(),
            transport=InProcessTransport(),
            timeout=settings.GOVUK_PAY_TIMEOUT,
        )
    return GovukPayClient(
        base_url=settings.GOVUK_PAY_BASE_URL,
        api_key=pay_api_key(),
        transport=_requests_transport(),
        timeout=settings.GOVUK_PAY_TIMEOUT,
    )

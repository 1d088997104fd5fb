"""Email to residents about their account, sent through the GOV.UK Notify integration:
the message is recorded in the outbox (in the caller's transaction, if any) and a
background job hands it to Notify (or the sandbox provider) once that commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from joinedup.accounts.notifications import ACCOUNT_EMAIL
from joinedup.integrations.govuk_notify.services import notify_send_email


def send_account_email(*, to: str, subject: str, body: str) -> None:
    # The text is already in the resident's language; the language is recorded so a
    # Welsh Notify template id (NOTIFY_TEMPLATE_IDS "account_email.cy") can be used.
    language = (translation.get_language() or "en")[:2]
    with transaction.atomic():
        notify_send_email(
            to=to,
            template=ACCOUNT_EMAIL.name,
            personalisation={"subject": str(subject), "body": str(body)},
            language=language,
            reference="account",
        )

"""Email to residents about their account. Sent with Django's email backend (console in
development, locmem in tests); meant to move onto the GOV.UK Notify integration, which
will keep the same function so callers do not change."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail


def send_account_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)

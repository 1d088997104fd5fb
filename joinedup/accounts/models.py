"""Residents' accounts: a core User with a verified email address and, optionally, a
link to their GOV.UK One Login identity."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ResidentAccount(models.Model):
    """A resident's sign-in. They may sign in only once their email address is verified
    (or One Login has verified it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_account"
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    one_login_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Resident account of {self.user_id}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

"""Open311 client applications and their keys."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Open311Client(models.Model):
    """A client application allowed to post to the Open311 API (a resident app, another
    council's FixMyStreet, an organisation's own back-office adapter). The organisation
    issued the key and answers for it; its own back office may update the status of its
    requests. Only the SHA-256 digest of the key's secret is stored."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="open311_clients"
    )
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.organisation}"

    @property
    def channel_ref(self) -> str:
        return f"open311-client:{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

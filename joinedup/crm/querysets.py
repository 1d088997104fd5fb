"""Reusable filters for people and agreements."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class PersonQuerySet(models.QuerySet):
    def live(self) -> PersonQuerySet:
        """People who have not been merged into someone else."""
        return self.filter(merged_into__isnull=True)


class AgreementQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date | None = None) -> AgreementQuerySet:
        """Signed by every party, started, not ended and not suspended on `day`."""
        day = day or timezone.localdate()
        return (
            self.filter(suspended_at__isnull=True, start_date__lte=day)
            .filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=day))
            .exclude(parties__signed_at__isnull=True)
        )

from __future__ import annotations

from django.db import models
from django.db.models import Sum


class ImmutableQuerySet(models.QuerySet):
    """Ledger rows are written once: no bulk update or delete through the ORM either
    (the database refuses them too, see migration 0002)."""

    def update(self, **kwargs):
        raise TypeError("ledger rows are immutable")

    def delete(self):
        raise TypeError("ledger rows are immutable")


class LedgerEntryQuerySet(ImmutableQuerySet):
    def total(self) -> int:
        return int(self.aggregate(total=Sum("amount_pence"))["total"] or 0)

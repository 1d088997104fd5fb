"""Reusable filters for organisation-owned rows."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day: dt.date | None = None) -> OrganisationQuerySet:
        day = day or timezone.localdate()
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day),
        )

    def partners(self) -> OrganisationQuerySet:
        """Organisations that belong to at least one partnership today."""
        today = timezone.localdate()
        return self.filter(
            models.Q(partnership_memberships__left_on__isnull=True)
            | models.Q(partnership_memberships__left_on__gt=today),
            partnership_memberships__joined_on__lte=today,
        ).distinct()


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user, user__is_active=True)


class OrganisationScopedQuerySet(models.QuerySet):
    """Base queryset for any row with an `organisation` foreign key. Domain apps
    subclass it so every selector scopes with the same rule."""

    organisation_field = "organisation"

    def for_organisations(self, organisation_ids) -> OrganisationScopedQuerySet:
        return self.filter(**{f"{self.organisation_field}__in": organisation_ids})

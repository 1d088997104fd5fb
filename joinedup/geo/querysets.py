from __future__ import annotations

import datetime as dt

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point
from django.utils import timezone


class AreaQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> AreaQuerySet:
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day),
        )

    def of_types(self, types: list[str] | None) -> AreaQuerySet:
        return self.filter(type__in=types) if types else self

    def containing(self, point: Point) -> AreaQuerySet:
        """Areas whose boundary covers the point, answered from the subdivided parts
        through their spatial index."""
        return self.filter(parts__geometry__intersects=point).distinct()


class PostcodeQuerySet(models.QuerySet):
    def live(self) -> PostcodeQuerySet:
        return self.filter(terminated="")

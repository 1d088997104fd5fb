"""Reusable filters on service requests."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from joinedup.core.querysets import OrganisationScopedQuerySet

# Metres in one degree of latitude (WGS84 mean); good to well under 1% for the radii used.
METRES_PER_DEGREE = 111_320.0


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a square around the point, for an index range scan."""
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


# The reporter's details a queue search matches, though the queue does not show them.
PERSONAL_SEARCH_FIELDS = ("name",)


def _reference(text: str) -> int | None:
    found = re.fullmatch(r"#?\s*(\d{1,12})", text)
    return int(found.group(1)) if found else None


def _personal_match(text: str) -> models.Q:
    q = models.Q()
    for name in PERSONAL_SEARCH_FIELDS:
        q |= models.Q(**{f"{name}__icontains": text})
    return q


class ServiceRequestQuerySet(OrganisationScopedQuerySet):
    def visible_to_organisations(self, organisation_ids: Iterable[int]) -> ServiceRequestQuerySet:
        """Requests an organisation handles, or that were shared with it."""
        from joinedup.service_requests.models import RequestShare

        ids = list(organisation_ids)
        shared = RequestShare.objects.filter(organisation_id__in=ids).values("request_id")
        return self.filter(models.Q(organisation_id__in=ids) | models.Q(pk__in=shared))

    def open(self) -> ServiceRequestQuerySet:
        return self.filter(is_open=True)

    def closed(self) -> ServiceRequestQuerySet:
        return self.filter(is_open=False)

    def overdue(self, now: dt.datetime | None = None) -> ServiceRequestQuerySet:
        return self.filter(is_open=True, due_at__lt=now or timezone.now())

    def in_area(self, area_id: int) -> ServiceRequestQuerySet:
        return self.filter(models.Q(ward_id=area_id) | models.Q(district_id=area_id))

    def requested_between(
        self, start: dt.datetime | None, end: dt.datetime | None
    ) -> ServiceRequestQuerySet:
        qs = self
        if start is not None:
            qs = qs.filter(requested_at__gte=start)
        if end is not None:
            qs = qs.filter(requested_at__lte=end)
        return qs

    def near(self, lat: float, lon: float, radius_m: float) -> ServiceRequestQuerySet:
        """Inside the square around the point; callers keep those within the radius."""
        south, north, west, east = bounding_box(lat, lon, radius_m)
        return self.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)

    def search(self, text: str) -> ServiceRequestQuerySet:
        """A reference number, or words in the description, location or postcode, or in
        the reporter's details (`PERSONAL_SEARCH_FIELDS`: the queue does not show them, so
        a search that finds requests by them is an audited read)."""
        text = text.strip()
        if not text:
            return self
        reference = _reference(text)
        if reference is not None:
            return self.filter(pk=reference)
        return self.filter(
            models.Q(description__icontains=text)
            | models.Q(location_text__icontains=text)
            | models.Q(postcode__icontains=text)
            | _personal_match(text)
        )

    def found_by_personal_details(self, text: str) -> ServiceRequestQuerySet:
        """Of these requests, those a search for `text` finds by the reporter's details."""
        text = text.strip()
        if not text or _reference(text) is not None:
            return self.none()
        return self.filter(_personal_match(text))

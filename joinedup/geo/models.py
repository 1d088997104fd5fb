"""Areas (council, county, ward, police force … boundaries) and postcodes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone

from joinedup.geo.querysets import AreaQuerySet, PostcodeQuerySet


class AreaType(models.TextChoices):
    """MapIt UK type codes (mapit_gb fixtures), plus our own for bodies MapIt lacks."""

    DIS = "DIS", "District council"
    CTY = "CTY", "County council"
    UTA = "UTA", "Unitary authority"
    MTD = "MTD", "Metropolitan district"
    LBO = "LBO", "London borough"
    COI = "COI", "Isles of Scilly"
    LGD = "LGD", "NI council"
    DIW = "DIW", "District council ward"
    CED = "CED", "County council electoral division"
    UTW = "UTW", "Unitary authority ward"
    MTW = "MTW", "Metropolitan district ward"
    LBW = "LBW", "London borough ward"
    LGW = "LGW", "NI council ward"
    ICB = "ICB", "NHS Integrated Care Board"
    # Not in MapIt UK, which has no police or fire areas.
    PFA = "PFA", "Police force area"
    FRA = "FRA", "Fire and rescue authority area"
    OTH = "OTH", "Other area (drawn)"


COUNCIL_AREA_TYPES = frozenset({"DIS", "CTY", "UTA", "MTD", "LBO", "COI", "LGD"})
WARD_AREA_TYPES = frozenset({"DIW", "UTW", "MTW", "LBW", "LGW"})

COUNTRY_NAMES = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland", "": "-"}


class Area(models.Model):
    """An administrative area: its type, GSS code, boundary (where we have one), parent,
    validity dates and, once abolished, its successor."""

    name = models.CharField(max_length=200)
    name_cy = models.CharField("Welsh name", max_length=200, blank=True)
    type = models.CharField(max_length=3, choices=AreaType.choices, db_index=True)
    gss = models.CharField("GSS code", max_length=9, unique=True)
    country = models.CharField(max_length=1, blank=True)
    geometry = models.MultiPolygonField(srid=settings.JOINEDUP_AREA_SRID, null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text="First day it no longer exists")
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    generation_low = models.PositiveIntegerField(default=1)
    generation_high = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=200, blank=True, help_text="File the boundary came from")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.type} {self.gss})"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or today < self.valid_to
        )

    def current(self) -> Area:
        """Follow successors to the area that exists today."""
        area: Area = self
        seen = {area.pk}
        while not area.is_current and area.successor_id and area.successor_id not in seen:
            seen.add(area.successor_id)
            area = area.successor  # type: ignore[assignment]
        return area


class AreaPart(models.Model):
    """A piece of an area's boundary with few vertices, so that point-in-polygon tests
    touch small shapes through the spatial index (MapIt's subdivided geometry)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="parts")
    geometry = models.PolygonField(srid=settings.JOINEDUP_AREA_SRID)

    def __str__(self) -> str:
        return f"part of {self.area_id}"


class Postcode(models.Model):
    """A postcode from the ONS postcode directory (NSPL/ONSPD layout) with the codes of
    the areas it lies in, so that a postcode answer is exact even where simplified
    boundaries are not."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised, e.g. 'SM1 1AA'")
    point = models.PointField(srid=4326, null=True, blank=True)
    usertype = models.PositiveSmallIntegerField(help_text="0 small user, 1 large user")
    introduced = models.CharField(max_length=6, blank=True, help_text="YYYYMM")
    terminated = models.CharField(max_length=6, blank=True, help_text="YYYYMM; blank if live")
    council = models.CharField("LAD code (laua)", max_length=9, blank=True)
    county = models.CharField("county code (cty)", max_length=9, blank=True)
    electoral_division = models.CharField(
        "county electoral division (ced)", max_length=9, blank=True
    )
    ward = models.CharField(max_length=9, blank=True)
    police = models.CharField("police force area (pfa)", max_length=9, blank=True)
    nhs_region = models.CharField(max_length=9, blank=True)
    icb = models.CharField("ICB / STP code", max_length=9, blank=True)
    country = models.CharField(max_length=9, blank=True)

    objects = PostcodeQuerySet.as_manager()

    def __str__(self) -> str:
        return self.postcode

    @property
    def is_live(self) -> bool:
        return not self.terminated

    def area_codes(self) -> list[str]:
        return [
            code
            for code in (
                self.council,
                self.county,
                self.electoral_division,
                self.ward,
                self.police,
                self.icb,
            )
            if code
        ]


class ImportedFile(models.Model):
    """A data file already imported, by content hash, so re-running set-up is fast."""

    name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

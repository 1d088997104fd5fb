"""Where a resident is: from a postcode (exact, from the postcode table), a map point or
lat/lon, or a council area chosen when neither is to hand. A partial postcode that
straddles councils is not a place but a set of candidates, so the resident is asked to
drop a pin."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from joinedup.geo import selectors as geo
from joinedup.geo.areatypes import is_area_code
from joinedup.geo.models import Area, Postcode
from joinedup.geo.postcodes import normalise_postcode
from joinedup.routing.index import AreaRef, get_organisations

COUNCIL_TYPES = ("DIS", "UTA", "MTD", "LBO", "COI", "LGD", "CTY")


class PlaceError(ValueError):
    """Input that cannot be a place (said to the resident as is)."""


class PlaceNotFound(Http404):
    """A well-formed place we hold nothing for."""


@dataclass(frozen=True)
class Place:
    areas: tuple[AreaRef, ...]
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    # GSS codes of the councils the postcode directory names, before successors, so a
    # reason can say "Harrogate Borough Council was replaced by …".
    recorded_councils: tuple[str, ...] = field(default=())

    @property
    def area_ids(self) -> frozenset[int]:
        return frozenset(a.id for a in self.areas)

    def area(self, area_id: int) -> AreaRef | None:
        return next((a for a in self.areas if a.id == area_id), None)


def _ref(area: Area) -> AreaRef:
    return AreaRef(id=area.pk, gss=area.gss, name=area.name, type=area.type)


def place_from_postcode(text: str) -> Place:
    try:
        postcode = geo.postcode_get(text=text)
    except geo.InvalidPostcode:
        raise PlaceError(_("Enter a full postcode, like SM1 1AA.")) from None
    except Http404:
        raise PlaceNotFound(
            _("We cannot find the postcode %(postcode)s.") % {"postcode": normalise_postcode(text)}
        ) from None
    return _place_of(postcode)


def _place_of(postcode: Postcode, areas_today: dict[str, AreaRef] | None = None) -> Place:
    if postcode.point is None or not postcode.council:
        # Closed large-user postcodes without a grid reference (ONS writes 99.999999).
        raise PlaceNotFound(
            _(
                "The postcode %(postcode)s is no longer in use and has no location on "
                "record. Use a current postcode or drop a pin on the map."
            )
            % {"postcode": postcode.postcode}
        )
    # The same areas as geo.selectors.postcode_areas (successors applied), less wards,
    # read from the routing index so the hot path makes one query, not two.
    areas_today = areas_today if areas_today is not None else get_organisations().areas_today
    found: dict[int, AreaRef] = {}
    for code in postcode.area_codes():
        area = areas_today.get(code) if is_area_code(code) else None
        if area is not None:
            found.setdefault(area.id, area)
    return Place(
        areas=tuple(found.values()),
        postcode=postcode.postcode,
        lat=round(postcode.point.y, 6),
        lon=round(postcode.point.x, 6),
        recorded_councils=tuple(c for c in (postcode.council, postcode.county) if c),
    )


def check_coordinates(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (
        -90 <= lat <= 90 and -180 <= lon <= 180
    ):
        raise PlaceError(_("Latitude must be within ±90 and longitude within ±180."))


def place_from_point(*, lat: float, lon: float) -> Place:
    check_coordinates(lat, lon)
    found = geo.areas_at_point(lon=lon, lat=lat)
    areas = tuple(
        AreaRef(id=a["id"], gss=a["codes"]["gss"], name=a["name"], type=a["type"])
        for a in found.values()
    )
    return Place(areas=areas, lat=round(lat, 6), lon=round(lon, 6))


def place_from_area(gss: str) -> Place:
    """A council area the resident chose (the no-map fallback), with the county it
    lies in, so county services resolve too."""
    area = Area.objects.current().filter(gss=gss, type__in=COUNCIL_TYPES).first()
    if area is None:
        raise PlaceNotFound(_("We do not know that council area."))
    areas = [_ref(area)]
    if area.parent_id:
        parent = Area.objects.current().filter(pk=area.parent_id).first()
        if parent is not None:
            areas.append(_ref(parent))
    return Place(areas=tuple(areas))


# The outward code ("SM7") or sector ("SM7 3") of a postcode.
_PARTIAL = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?: ?([0-9]))?$")


def partial_postcode(text: str) -> str | None:
    """'sm7' → 'SM7 ', 'SM7 3' → 'SM7 3': the prefix of the full postcodes it covers."""
    compact = re.sub(r"\s+", " ", (text or "").strip().upper())
    match = _PARTIAL.match(compact)
    if not match:
        return None
    outward, sector = match.groups()
    return f"{outward} {sector or ''}"


@dataclass(frozen=True)
class Candidate:
    """One council a partial postcode reaches, with a representative place in it."""

    council_gss: str
    place: Place
    postcodes: int

    @property
    def council_area(self) -> AreaRef | None:
        """The lowest-tier council area of the place, as it is today."""
        order = {t: i for i, t in enumerate(COUNCIL_TYPES)}
        councils = [a for a in self.place.areas if a.type in order]
        return min(councils, key=lambda a: order[a.type]) if councils else None


def places_for_partial(prefix: str) -> list[Candidate]:
    """The councils the live postcodes starting with `prefix` lie in, largest first."""
    live = Postcode.objects.live().filter(postcode__startswith=prefix).exclude(council="")
    groups: dict[str, list[Postcode]] = {}
    for postcode in live.exclude(point__isnull=True).order_by("postcode"):
        groups.setdefault(postcode.council, []).append(postcode)
    candidates = [
        Candidate(
            council_gss=council, place=_place_of(members[len(members) // 2]), postcodes=len(members)
        )
        for council, members in groups.items()
    ]
    return sorted(candidates, key=lambda c: -c.postcodes)


def places_from_postcodes(postcodes: list[Postcode]) -> dict[str, Place | None]:
    """Many postcodes at once, for bulk checks: the same answer as place_from_postcode
    for each, None where a postcode has no location."""
    areas_today = get_organisations().areas_today
    result: dict[str, Place | None] = {}
    for postcode in postcodes:
        try:
            result[postcode.postcode] = _place_of(postcode, areas_today)
        except PlaceNotFound:
            result[postcode.postcode] = None
    return result

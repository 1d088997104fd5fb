"""Reads of geography. Areas and postcodes are public data, so these take no actor."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.http import Http404

from joinedup.geo.areatypes import is_area_code
from joinedup.geo.index import get_index
from joinedup.geo.mapit import AREA_DICT_FIELDS, area_dict
from joinedup.geo.models import Area, Postcode
from joinedup.geo.postcodes import normalise_postcode


class InvalidPostcode(ValueError):
    pass


def areas_at_point(
    *, lon: float, lat: float, types: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Current areas covering a WGS84 point, MapIt-shaped and keyed by id (hot path)."""
    index = get_index()
    result = {}
    for area_id in index.area_ids_at(lon, lat):
        area = index.areas[area_id]
        if types is None or area["type"] in types:
            result[str(area_id)] = area
    return result


def area_ids_at_point_from_database(
    *, lon: float, lat: float, types: list[str] | None = None
) -> list[int]:
    """The same question answered by PostGIS/SpatiaLite, for checks and tools."""
    qs = Area.objects.current().of_types(types).containing(Point(lon, lat, srid=4326))
    return sorted(qs.values_list("id", flat=True))


def area_get(*, id_or_code: str) -> Area:
    qs = Area.objects.select_related("parent")
    # An id beyond a 64-bit key cannot exist (and PostgreSQL would refuse the query).
    if id_or_code.isascii() and id_or_code.isdigit():
        area = qs.filter(pk=int(id_or_code)).first() if len(id_or_code) < 19 else None
    else:
        area = qs.filter(gss=id_or_code).first()
    if area is None:
        raise Http404(f"No area found with id or code {id_or_code[:20]!r}")
    return area


def area_as_mapit(area: Area) -> dict[str, Any]:
    return area_dict(**{f: getattr(area, f) for f in AREA_DICT_FIELDS})


def areas_of_types(*, types: list[str]) -> dict[str, dict[str, Any]]:
    rows = Area.objects.current().of_types(types).order_by("name").values(*AREA_DICT_FIELDS)
    return {str(row["id"]): area_dict(**row) for row in rows}


def postcode_get(*, text: str) -> Postcode:
    postcode = normalise_postcode(text)
    if postcode is None:
        raise InvalidPostcode(f"Postcode {text[:20]!r} is not valid.")
    found = Postcode.objects.filter(postcode=postcode).first()
    if found is None:
        raise Http404(f"Postcode {postcode!r} not found")
    return found


def postcode_areas(postcode: Postcode) -> list[Area]:
    """The areas a postcode lies in, from its codes (exact, unlike simplified polygons),
    with abolished councils replaced by their successors."""
    codes = [code for code in postcode.area_codes() if is_area_code(code)]
    areas = Area.objects.filter(gss__in=codes).select_related("successor", "successor__successor")
    seen: dict[int, Area] = {}
    for area in areas:
        current = area.current()
        seen.setdefault(current.pk, current)
    return list(seen.values())


def postcode_as_mapit(postcode: Postcode) -> dict[str, Any]:
    """MapIt's /postcode answer, with its two-tier `shortcuts`."""
    areas = postcode_areas(postcode)
    by_type: dict[str, Area] = {}
    for area in areas:
        by_type.setdefault(area.type, area)
    council_area = next(
        (by_type[t] for t in ("UTA", "MTD", "LBO", "COI", "LGD", "DIS") if t in by_type), None
    )
    county = by_type.get("CTY")
    ward = next((by_type[t] for t in ("UTW", "MTW", "LBW", "LGW", "DIW") if t in by_type), None)
    division = by_type.get("CED")
    shortcuts: dict[str, Any] = {}
    if council_area is not None and council_area.type == "DIS" and county is not None:
        shortcuts["council"] = {"county": county.pk, "district": council_area.pk}
        shortcuts["ward"] = {
            "county": division.pk if division else None,
            "district": ward.pk if ward else None,
        }
    else:
        if council_area is not None:
            shortcuts["council"] = council_area.pk
        if ward is not None:
            shortcuts["ward"] = ward.pk
    point = postcode.point
    return {
        "postcode": postcode.postcode,
        "wgs84_lat": round(point.y, 6) if point else None,
        "wgs84_lon": round(point.x, 6) if point else None,
        "coordsyst": "G" if not postcode.postcode.startswith("BT") else "I",
        "usertype": "large" if postcode.usertype == 1 else "small",
        "terminated": postcode.terminated or None,
        "areas": {str(a.pk): area_as_mapit(a) for a in sorted(areas, key=lambda a: a.pk)},
        "shortcuts": shortcuts,
    }

"""Cutting boundaries into small pieces for fast point-in-polygon tests."""

from __future__ import annotations

from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from joinedup.geo.models import Area, AreaPart

MAX_VERTICES = 64


def _split(geom: Any, max_vertices: int, depth: int = 0) -> list[shapely.Polygon]:
    """Quarter a geometry by its bounding box until each piece is small (as ST_Subdivide)."""
    if geom.is_empty:
        return []
    if shapely.get_num_coordinates(geom) <= max_vertices or depth > 12:
        return [
            p
            for p in getattr(geom, "geoms", [geom])
            if isinstance(p, shapely.Polygon) and not p.is_empty
        ]
    minx, miny, maxx, maxy = geom.bounds
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    pieces: list[shapely.Polygon] = []
    for box in (
        (minx, miny, midx, midy),
        (midx, miny, maxx, midy),
        (minx, midy, midx, maxy),
        (midx, midy, maxx, maxy),
    ):
        part = shapely.intersection(geom, shapely.box(*box))
        pieces.extend(_split(shapely.make_valid(part), max_vertices, depth + 1))
    return pieces


def subdivide_in_python(
    geometry: GEOSGeometry, max_vertices: int = MAX_VERTICES
) -> list[GEOSGeometry]:
    geom = shapely.from_wkb(bytes(geometry.wkb))
    srid = settings.JOINEDUP_AREA_SRID
    pieces = [p for p in _split(geom, max_vertices) if not p.is_empty and p.area > 0]
    return [
        GEOSGeometry(memoryview(shapely.to_wkb(p, output_dimension=2)), srid=srid) for p in pieces
    ]


def rebuild_area_parts(area_ids: list[int]) -> int:
    """Replace the subdivided parts of the given areas; returns how many parts exist now."""
    AreaPart.objects.filter(area_id__in=area_ids).delete()
    if not area_ids:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO geo_areapart (area_id, geometry) "
                "SELECT id, ST_Subdivide(geometry, %s) FROM geo_area "
                "WHERE id = ANY(%s) AND geometry IS NOT NULL",
                [MAX_VERTICES, list(area_ids)],
            )
    else:
        parts: list[AreaPart] = []
        for area in Area.objects.filter(pk__in=area_ids, geometry__isnull=False).only(
            "id", "geometry"
        ):
            pieces: list[Any] = subdivide_in_python(area.geometry)
            parts.extend(AreaPart(area_id=area.pk, geometry=p) for p in pieces)
        AreaPart.objects.bulk_create(parts, batch_size=500)
    return AreaPart.objects.filter(area_id__in=area_ids).count()

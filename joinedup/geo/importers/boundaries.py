"""Import area boundaries from any vector file GDAL reads: GeoJSON, TopoJSON,
GeoPackage, shapefile. Re-running an import updates areas in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction

from joinedup.core.audit import audit_record
from joinedup.geo.areatypes import type_for_code
from joinedup.geo.models import Area
from joinedup.geo.subdivide import rebuild_area_parts


class BoundaryImportError(Exception):
    """A problem with the file or the options, said in one line."""


@dataclass
class BoundaryImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    repaired: int = 0
    parts: int = 0
    area_ids: list[int] = field(default_factory=list)


def _as_multipolygon(geom: GEOSGeometry) -> tuple[MultiPolygon | None, bool]:
    """Valid MultiPolygon from any areal geometry; the flag says whether it needed repair."""
    repaired = False
    if not geom.valid:
        geom = geom.make_valid()  # type: ignore[attr-defined]  # Django ≥ 4.1, missing from the stubs
        repaired = True
    polygons: list[Polygon] = []
    stack = [geom]
    while stack:
        g = stack.pop()
        if isinstance(g, Polygon):
            if not g.empty and g.area > 0:
                polygons.append(g)
        elif hasattr(g, "__iter__") and g.geom_type in {"MultiPolygon", "GeometryCollection"}:
            stack.extend(list(g))
    if not polygons:
        return None, repaired
    multi = MultiPolygon(*polygons, srid=geom.srid)
    return multi, repaired


def import_boundaries(
    path: Path,
    *,
    code_field: str,
    name_field: str,
    area_type: str | None = None,
    code_prefixes: list[str] | None = None,
    layer: str | None = None,
    valid_from: dt.date | None = None,
    source_srid: int | None = None,
    progress: Callable[[int], object] | None = None,
    actor=None,
) -> BoundaryImportResult:
    if not path.exists():
        raise BoundaryImportError(f"{path}: no such file")
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise BoundaryImportError(f"{path}: not a vector file GDAL can read ({exc})") from exc
    layers = {source[i].name: source[i] for i in range(source.layer_count)}
    if layer is not None:
        if layer not in layers:
            raise BoundaryImportError(f"{path}: no layer {layer!r}; layers are {', '.join(layers)}")
        chosen = layers[layer]
    elif len(layers) == 1:
        chosen = next(iter(layers.values()))
    else:
        raise BoundaryImportError(
            f"{path}: several layers ({', '.join(layers)}); choose one with --layer"
        )
    for wanted in (code_field, name_field):
        if wanted not in chosen.fields:
            raise BoundaryImportError(
                f"{path}: no field {wanted!r}; fields are {', '.join(chosen.fields)}"
            )

    target_srid = settings.JOINEDUP_AREA_SRID
    result = BoundaryImportResult()
    with transaction.atomic():
        for feature in chosen:
            if progress:
                progress(1)
            code = str(feature.get(code_field) or "").strip()
            name = str(feature.get(name_field) or "").strip()
            if not code or (code_prefixes and not code.startswith(tuple(code_prefixes))):
                result.skipped += 1
                continue
            kind = area_type or type_for_code(code)
            if kind is None:
                raise BoundaryImportError(f"{code}: cannot tell the area type; pass --type")
            ogr: OGRGeometry = feature.geom
            if source_srid:
                ogr.srid = source_srid
            geos = ogr.geos
            if geos.srid is None:
                geos.srid = 4326  # GeoJSON without a crs member is WGS84 (RFC 7946 §4)
            if geos.srid != target_srid:
                geos.transform(target_srid)
            multi, repaired = _as_multipolygon(geos)
            if multi is None:
                raise BoundaryImportError(f"{code}: the boundary has no area")
            result.repaired += int(repaired)
            area, created = Area.objects.update_or_create(
                gss=code,
                defaults={
                    "name": name or code,
                    "type": kind,
                    "country": code[0] if code[0] in "EWSN" else "",
                    "geometry": multi,
                    "source": path.name[:200],
                    **({"valid_from": valid_from} if valid_from else {}),
                },
            )
            result.created += int(created)
            result.updated += int(not created)
            result.area_ids.append(area.pk)
        result.parts = rebuild_area_parts(result.area_ids)
        audit_record(
            actor=actor,
            action="geo.import_boundaries",
            object_type="geo.area",
            object_id=path.name,
            after={"created": result.created, "updated": result.updated, "parts": result.parts},
        )
    return result

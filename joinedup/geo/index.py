"""The in-memory spatial index for the point → areas hot path.

Each web process loads the subdivided parts of every current area into a shapely
STRtree once, and answers a point lookup without a database round trip. The database
remains the truth: the index notices new imports by comparing a cheap fingerprint of
the area table, at most every JOINEDUP_AREA_INDEX_TTL seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Count, Max

from joinedup.core.refreshing import RefreshingIndex
from joinedup.geo.mapit import AREA_DICT_FIELDS, area_dict
from joinedup.geo.models import Area, AreaPart


@dataclass(frozen=True)
class AreaIndex:
    tree: shapely.STRtree
    part_area_ids: np.ndarray
    areas: dict[int, dict[str, Any]]
    fingerprint: tuple

    def area_ids_at(self, lon: float, lat: float) -> list[int]:
        # Querying with an array of one point skips shapely's per-call scalar handling,
        # which costs more than the tree search itself (docs/benchmarks.md).
        _, hits = self.tree.query(shapely.points([(lon, lat)]), predicate="intersects")
        if len(hits) == 0:
            return []
        return list(dict.fromkeys(self.part_area_ids[hits].tolist()))


def _fingerprint() -> tuple:
    stats = Area.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (stats["n"], stats["changed"])


def build_index() -> AreaIndex:
    fingerprint = _fingerprint()
    current = Area.objects.current()
    areas = {row["id"]: area_dict(**row) for row in current.values(*AREA_DICT_FIELDS)}
    rows = list(
        AreaPart.objects.filter(area__in=current)
        .annotate(wkb=AsWKB("geometry"))
        .values_list("area_id", "wkb")
    )
    geoms = shapely.from_wkb([bytes(wkb) for _, wkb in rows]) if rows else np.array([])
    shapely.prepare(geoms)
    return AreaIndex(
        tree=shapely.STRtree(geoms),
        part_area_ids=np.array([area_id for area_id, _ in rows], dtype=np.int64),
        areas=areas,
        fingerprint=fingerprint,
    )


_index: RefreshingIndex[AreaIndex] = RefreshingIndex(build_index, _fingerprint)


def get_index() -> AreaIndex:
    return _index.get()


def reset_index() -> None:
    _index.reset()

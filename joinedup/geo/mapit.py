"""MapIt's JSON shapes for areas (mysociety/mapit `Area.as_dict`), so that clients
written for MapIt — FixMyStreet among them — can point at us unchanged."""

from __future__ import annotations

from typing import Any

from joinedup.geo.models import COUNTRY_NAMES, AreaType

TYPE_NAMES = dict(AreaType.choices)


def area_dict(
    *,
    id: int,
    name: str,
    type: str,
    gss: str,
    country: str,
    parent_id: int | None,
    generation_low: int,
    generation_high: int,
    name_cy: str = "",
) -> dict[str, Any]:
    all_names: dict[str, list[str]] = {}
    if name_cy:
        all_names["W"] = ["Welsh", name_cy]
    return {
        "id": id,
        "name": name,
        "parent_area": parent_id,
        "type": type,
        "type_name": str(TYPE_NAMES.get(type, type)),
        "country": country or "",
        "country_name": COUNTRY_NAMES.get(country or "", "-"),
        "generation_low": generation_low,
        "generation_high": generation_high,
        "codes": {"gss": gss},
        "all_names": all_names,
    }


AREA_DICT_FIELDS = [
    "id",
    "name",
    "type",
    "gss",
    "country",
    "parent_id",
    "generation_low",
    "generation_high",
    "name_cy",
]

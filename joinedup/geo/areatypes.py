"""Which MapIt type a GSS code stands for."""

from __future__ import annotations

# GSS entity codes (first three characters) → MapIt-style area type.
GSS_PREFIX_TYPES = {
    "E06": "UTA",
    "E07": "DIS",
    "E08": "MTD",
    "E09": "LBO",
    "E10": "CTY",
    "W06": "UTA",
    "S12": "UTA",
    "N09": "LGD",
    "E23": "PFA",
    "W15": "PFA",
    "E31": "FRA",
    "W25": "FRA",
    "E54": "ICB",
    "E58": "CED",
}

# Isles of Scilly has its own MapIt type.
SPECIAL_CODES = {"E06000053": "COI"}

WARD_TYPE_FOR_PARENT = {
    "DIS": "DIW",
    "UTA": "UTW",
    "MTD": "MTW",
    "LBO": "LBW",
    "LGD": "LGW",
    "COI": "UTW",
}

# ONS pseudo-codes that mean "none" (E99999999) or a statistical area that is no
# council (E13 Inner/Outer London), which an area lookup must not report.
NON_AREA_CODES = {"E99999999", "W99999999", "S99999999", "N99999999", "L99999999", "M99999999"}
NON_AREA_PREFIXES = ("E13",)


def type_for_code(code: str, parent_type: str | None = None) -> str | None:
    if code in SPECIAL_CODES:
        return SPECIAL_CODES[code]
    prefix = code[:3]
    if prefix in {"E05", "W05", "S13", "N08"}:
        return WARD_TYPE_FOR_PARENT.get(parent_type or "", "DIW" if prefix == "E05" else "UTW")
    return GSS_PREFIX_TYPES.get(prefix)


def is_area_code(code: str) -> bool:
    return bool(code) and code not in NON_AREA_CODES and not code.startswith(NON_AREA_PREFIXES)

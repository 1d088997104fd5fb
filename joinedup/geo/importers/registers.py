"""Import the registers of bodies: councils (mySociety's register with successors and
GOV.UK's list for homepages and custodian codes), police forces, NHS ICBs, and the
ward → district lookup. Each import is idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from joinedup.core.audit import audit_record
from joinedup.core.models import Organisation, OrganisationKind
from joinedup.geo.areatypes import type_for_code
from joinedup.geo.models import Area


class RegisterImportError(Exception):
    """A problem with a register file, said in one line."""


@dataclass
class RegisterImportResult:
    created: int = 0
    updated: int = 0
    areas_created: int = 0


# mySociety `local-authority-type` → our organisation kind.
AUTHORITY_KINDS = {
    "NMD": OrganisationKind.DISTRICT_COUNCIL,
    "CTY": OrganisationKind.COUNTY_COUNCIL,
    "UA": OrganisationKind.UNITARY,
    "WPA": OrganisationKind.UNITARY,
    "SCO": OrganisationKind.UNITARY,
    "NID": OrganisationKind.UNITARY,
    "MD": OrganisationKind.METROPOLITAN_DISTRICT,
    "LBO": OrganisationKind.LONDON_BOROUGH,
    "CC": OrganisationKind.LONDON_BOROUGH,
}


def _read_csv(path: Path, required: set[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise RegisterImportError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise RegisterImportError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        return list(reader)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _unique_slug(base: str, taken: set[str]) -> str:
    slug = slugify(base)[:90] or "organisation"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def import_wards(path: Path, *, actor=None) -> RegisterImportResult:
    """Ward → district lookup (ONS WD→LAD): ward areas without boundaries, parented to
    their district."""
    rows = _read_csv(path, {"WD23CD", "WD23NM", "LAD23CD"})
    result = RegisterImportResult()
    with transaction.atomic():
        parents = {a.gss: a for a in Area.objects.filter(gss__in={r["LAD23CD"] for r in rows})}
        existing = {a.gss: a for a in Area.objects.filter(gss__in={r["WD23CD"] for r in rows})}
        new, changed = [], []
        for row in rows:
            parent = parents.get(row["LAD23CD"])
            kind = type_for_code(row["WD23CD"], parent.type if parent else None)
            if kind is None:
                continue
            fields = {
                "name": row["WD23NM"],
                "name_cy": row.get("WD23NMW", "") or "",
                "type": kind,
                "country": row["WD23CD"][0],
                "parent_id": parent.pk if parent else None,
                "source": path.name,
            }
            area = existing.get(row["WD23CD"])
            if area is None:
                new.append(Area(gss=row["WD23CD"], **fields))
            else:
                for key, value in fields.items():
                    setattr(area, key, value)
                changed.append(area)
        Area.objects.bulk_create(new, batch_size=1000)
        Area.objects.bulk_update(
            changed, ["name", "name_cy", "type", "country", "parent_id", "source"], 1000
        )
        result.created, result.updated = len(new), len(changed)
        audit_record(
            actor=actor,
            action="geo.import_wards",
            object_type="geo.area",
            object_id=path.name,
            after={"created": result.created, "updated": result.updated},
        )
    return result


def import_authorities(register: Path, govuk_list: Path, *, actor=None) -> RegisterImportResult:
    """Councils from mySociety's register (types, dates, successors, parent counties),
    with homepages and local custodian codes from GOV.UK's list. Abolished councils get
    an area record pointing at their successor's area."""
    rows = _read_csv(
        register,
        {
            "local-authority-code",
            "official-name",
            "gss-code",
            "start-date",
            "end-date",
            "replaced-by",
            "local-authority-type",
            "county-la",
            "mapit-area-code",
            "nice-name",
        },
    )
    govuk = _read_csv(govuk_list, {"gss", "local_custodian_code", "homepage_url", "slug"})
    govuk_by_gss = {r["gss"]: r for r in govuk if r["gss"]}
    govuk_by_slug = {r["slug"]: r for r in govuk}
    result = RegisterImportResult()
    rows = [r for r in rows if r["local-authority-type"] in AUTHORITY_KINDS and r["gss-code"]]
    with transaction.atomic():
        taken = set(Organisation.objects.values_list("slug", flat=True))
        orgs: dict[str, Organisation] = {}
        for row in rows:
            code = row["local-authority-code"]
            gss = row["gss-code"]
            listed = govuk_by_gss.get(gss) or govuk_by_slug.get(row.get("gov-uk-slug", ""), {})
            defaults = {
                "name": row["official-name"],
                "short_name": row["nice-name"],
                "kind": AUTHORITY_KINDS[row["local-authority-type"]],
                "registry_code": code,
                "start_date": _date(row["start-date"]),
                "end_date": _date(row["end-date"]),
                "homepage": listed.get("homepage_url", "") if listed else "",
                "local_custodian_code": listed.get("local_custodian_code", "") if listed else "",
            }
            org = Organisation.objects.filter(gss_code=gss).first()
            if org is None:
                org = Organisation.objects.create(
                    gss_code=gss,
                    slug=_unique_slug(row["nice-name"] or row["official-name"], taken),
                    **defaults,
                )
                result.created += 1
            else:
                for key, value in defaults.items():
                    setattr(org, key, value)
                org.save()
                result.updated += 1
            orgs[code] = org

        # Second pass: links that need every row to exist first.
        areas = {a.gss: a for a in Area.objects.filter(gss__in=[r["gss-code"] for r in rows])}
        for row in rows:
            org = orgs[row["local-authority-code"]]
            parent = orgs.get(row["county-la"]) if row["county-la"] else None
            successors = [s for s in row["replaced-by"].split(",") if s]
            # A council split between several successors (Northamptonshire) has no single
            # successor; places in it are resolved by their location instead.
            successor = orgs.get(successors[0]) if len(successors) == 1 else None
            Organisation.objects.filter(pk=org.pk).update(parent=parent, successor=successor)
            area = areas.get(org.gss_code)
            if area is None:
                kind = row["mapit-area-code"] or type_for_code(org.gss_code)
                if not kind:
                    continue
                area = Area.objects.create(
                    gss=org.gss_code,
                    name=org.short_name or org.name,
                    type=kind,
                    country=org.gss_code[0],
                    source=register.name,
                )
                areas[area.gss] = area
                result.areas_created += 1
            area.valid_from = org.start_date if org.end_date else area.valid_from
            area.valid_to = org.end_date
            area.save(update_fields=["valid_from", "valid_to", "updated_at"])
            org.areas.add(area)
        # Successor areas follow successor organisations.
        for row in rows:
            org = orgs[row["local-authority-code"]]
            org.refresh_from_db(fields=["successor"])
            if org.successor_id and org.gss_code in areas:
                successor_area = areas.get(org.successor.gss_code)  # type: ignore[union-attr]
                Area.objects.filter(gss=org.gss_code).update(successor=successor_area)
        # Districts' areas sit inside their county's area.
        for row in rows:
            org = orgs[row["local-authority-code"]]
            county = orgs.get(row["county-la"]) if row["county-la"] else None
            if county and org.gss_code in areas and county.gss_code in areas:
                Area.objects.filter(gss=org.gss_code).update(parent=areas[county.gss_code])
        audit_record(
            actor=actor,
            action="geo.import_authorities",
            object_type="core.organisation",
            object_id=register.name,
            after={
                "created": result.created,
                "updated": result.updated,
                "areas_created": result.areas_created,
            },
        )
    return result


def _read_names(path: Path) -> dict[str, str]:
    if not path.exists():
        raise RegisterImportError(f"{path}: no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise RegisterImportError(
            f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise RegisterImportError(f"{path.name}: expected an object of code → name")
    return {k.strip().lstrip("\ufeff"): str(v) for k, v in data.items()}


def import_coded_bodies(
    names_file: Path,
    *,
    kind: str,
    area_type: str,
    code_prefixes: tuple[str, ...],
    actor=None,
) -> RegisterImportResult:
    """Bodies that each cover one coded area: police forces (PFA), NHS ICBs (ICB)."""
    names = {c: n for c, n in _read_names(names_file).items() if c.startswith(code_prefixes)}
    result = RegisterImportResult()
    with transaction.atomic():
        taken = set(Organisation.objects.values_list("slug", flat=True))
        for code, name in sorted(names.items()):
            area, area_created = Area.objects.get_or_create(
                gss=code,
                defaults={
                    "name": name,
                    "type": area_type,
                    "country": code[0],
                    "source": names_file.name,
                },
            )
            if not area_created and area.name != name and area.name == area.gss:
                area.name = name
                area.save(update_fields=["name", "updated_at"])
            result.areas_created += int(area_created)
            org = Organisation.objects.filter(gss_code=code).first()
            if org is None:
                org = Organisation.objects.create(
                    gss_code=code, name=name, kind=kind, slug=_unique_slug(name, taken)
                )
                result.created += 1
            else:
                # The register names the force's area ("Surrey"); a name set since
                # ("Surrey Police") is kept.
                org.kind = kind
                org.save(update_fields=["kind", "updated_at"])
                result.updated += 1
            org.areas.add(area)
        audit_record(
            actor=actor,
            action=f"geo.import_{area_type.lower()}_bodies",
            object_type="core.organisation",
            object_id=names_file.name,
            after={"created": result.created, "updated": result.updated},
        )
    return result

"""Writes to the catalogue: loading services and synonyms from the bundled files, and
setting how an organisation provides a service. Each is atomic and audited."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.catalogue.flows import flow_get
from joinedup.catalogue.models import Provision, ProvisionMode, Service, SynonymGroup, Tier
from joinedup.core.audit import audit_record, snapshot
from joinedup.core.models import Organisation, OrganisationKind
from joinedup.geo.models import Area


class CatalogueFileError(Exception):
    """A problem with a catalogue file, said in one line."""


@dataclass
class CatalogueLoadResult:
    created: int = 0
    updated: int = 0
    synonym_groups: int = 0


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise CatalogueFileError(f"{path}: no such file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueFileError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CatalogueFileError(f"{path.name}: expected a mapping at the top")
    return data


def _read_tiers(path: Path) -> dict[int, str]:
    if not path.exists():
        raise CatalogueFileError(f"{path}: no such file")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"LGSL", "Providing Tier"} <= set(reader.fieldnames or []):
            raise CatalogueFileError(f"{path.name}: needs columns LGSL and Providing Tier")
        tiers = {}
        for row in reader:
            tier = row["Providing Tier"].strip()
            if tier not in Tier.values:
                raise CatalogueFileError(
                    f"{path.name}: unknown tier {tier!r} for LGSL {row['LGSL']}"
                )
            tiers[int(row["LGSL"])] = tier
        return tiers


SERVICE_FIELDS = ["lgsl", "name", "name_cy", "topic", "topic_cy", "keywords", "keywords_cy"]


@transaction.atomic
def catalogue_load(*, actor, services_file: Path, tiers_file: Path) -> CatalogueLoadResult:
    """Create or update every service in `services_file`, taking the tier of each LGSL
    service from GOV.UK's tier list, and replace the synonym groups. Idempotent."""
    data = _read_yaml(services_file)
    tiers = _read_tiers(tiers_file)
    entries = data.get("services") or []
    result = CatalogueLoadResult()
    kinds = set(OrganisationKind.values)
    for entry in entries:
        code = entry.get("code")
        missing = [f for f in ("code", "name", "name_cy", "topic", "topic_cy") if not entry.get(f)]
        if missing:
            raise CatalogueFileError(
                f"{services_file.name}: {code or entry}: missing {', '.join(missing)}"
            )
        lgsl = entry.get("lgsl")
        if lgsl is not None and lgsl not in tiers:
            raise CatalogueFileError(
                f"{services_file.name}: {code}: LGSL {lgsl} is not in {tiers_file.name}"
            )
        provider_kinds = list(entry.get("kinds") or [])
        if lgsl is None and not provider_kinds:
            raise CatalogueFileError(f"{services_file.name}: {code}: give an lgsl code or kinds")
        unknown = set(provider_kinds) - kinds
        if unknown:
            raise CatalogueFileError(
                f"{services_file.name}: {code}: unknown kinds {sorted(unknown)}"
            )
        values = {
            "lgsl": lgsl,
            "name": entry["name"],
            "name_cy": entry["name_cy"],
            "topic": entry["topic"],
            "topic_cy": entry["topic_cy"],
            "keywords": [str(k) for k in entry.get("keywords") or []],
            "keywords_cy": [str(k) for k in entry.get("keywords_cy") or []],
            "tier": tiers[lgsl] if lgsl is not None else Tier.NONE,
            "provider_kinds": provider_kinds,
            "national_url": entry.get("national_url", ""),
        }
        service = Service.objects.filter(code=code).first()
        if service is None:
            Service.objects.create(code=code, **values)
            result.created += 1
        else:
            if any(getattr(service, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(service, key, value)
                service.save()
            result.updated += 1
    synonyms = data.get("synonyms") or {}
    wanted = [
        (lang, [str(t) for t in group]) for lang, groups in synonyms.items() for group in groups
    ]
    current = [(g.language, g.terms) for g in SynonymGroup.objects.order_by("id")]
    if current != wanted:
        SynonymGroup.objects.all().delete()
        SynonymGroup.objects.bulk_create(SynonymGroup(language=lang, terms=t) for lang, t in wanted)
    result.synonym_groups = len(wanted)
    audit_record(
        actor=actor,
        action="catalogue.load",
        object_type="catalogue.service",
        object_id=services_file.name,
        after={"created": result.created, "updated": result.updated, "synonym_groups": len(wanted)},
    )
    return result


PROVISION_FIELDS = ["mode", "flow", "url", "preferred", "note", "note_cy"]


@transaction.atomic
def provision_set(
    *,
    actor,
    organisation: Organisation,
    service: Service,
    mode: str = ProvisionMode.LINK,
    flow: str = "",
    url: str = "",
    preferred: bool = False,
    areas: list[Area] | None = None,
    note: str = "",
    note_cy: str = "",
) -> Provision:
    """Say how `organisation` provides `service`. A flow is only for a partner: the
    platform runs flows for the partnership's members, never for other bodies."""
    if mode not in ProvisionMode.values:
        raise ValidationError({"mode": [f"Unknown mode {mode!r}."]})
    if mode == ProvisionMode.PLATFORM:
        if not flow:
            raise ValidationError({"flow": ["Name the flow that handles it in the platform."]})
        if not Organisation.objects.partners().filter(pk=organisation.pk).exists():
            raise ValidationError(
                {"mode": [f"{organisation} is not a partner, so it can only be given a link."]}
            )
    elif flow:
        raise ValidationError({"flow": ["A flow only goes with the platform mode."]})
    provision = Provision.objects.filter(organisation=organisation, service=service).first()
    before = snapshot(provision, PROVISION_FIELDS) if provision else None
    provision = provision or Provision(organisation=organisation, service=service)
    provision.mode, provision.flow, provision.url = mode, flow, url
    provision.preferred, provision.note, provision.note_cy = preferred, note, note_cy
    provision.full_clean()
    provision.save()
    provision.areas.set(areas or [])
    audit_record(
        actor=actor,
        action="catalogue.provision_set",
        obj=provision,
        organisation=organisation,
        before=before,
        after={
            **snapshot(provision, PROVISION_FIELDS),
            "areas": sorted(a.gss for a in areas or []),
        },
    )
    return provision


@dataclass
class DemoProvisionResult:
    provisions: int = 0
    missing: list[str] | None = None
    unregistered_flows: list[str] | None = None


def catalogue_load_demo(*, actor, provisions_file: Path) -> DemoProvisionResult:
    """The demo partnership's provisions: which partner handles what in the platform,
    and the exceptions. Run after demo_load, which makes the partners."""
    data = _read_yaml(provisions_file)
    result = DemoProvisionResult(missing=[], unregistered_flows=[])
    with transaction.atomic():
        for entry in data.get("provisions") or []:
            ref = str(entry["organisation"])
            organisation = (
                Organisation.objects.filter(gss_code=ref).first()
                or Organisation.objects.filter(slug=ref).first()
            )
            if organisation is None:
                result.missing.append(ref)  # type: ignore[union-attr]
                continue
            areas = list(Area.objects.filter(gss__in=entry.get("areas") or []))
            flow = entry.get("flow", "")
            if flow and flow_get(flow) is None and flow not in result.unregistered_flows:  # type: ignore[operator]
                result.unregistered_flows.append(flow)  # type: ignore[union-attr]
            for code in entry["services"]:
                service = Service.objects.filter(code=code).first()
                if service is None:
                    raise CatalogueFileError(f"{provisions_file.name}: unknown service {code!r}")
                try:
                    provision_set(
                        actor=actor,
                        organisation=organisation,
                        service=service,
                        mode=entry.get("mode", ProvisionMode.LINK),
                        flow=flow,
                        url=entry.get("url", ""),
                        preferred=bool(entry.get("preferred", False)),
                        areas=areas,
                        note=entry.get("note", ""),
                        note_cy=entry.get("note_cy", ""),
                    )
                except ValidationError as exc:
                    problems = "; ".join(m for ms in exc.message_dict.values() for m in ms)
                    raise CatalogueFileError(
                        f"{provisions_file.name}: {ref} {code}: {problems} (run demo_load first)"
                    ) from None
                result.provisions += 1
    return result

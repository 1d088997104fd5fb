"""Organisations held in memory for routing: who covers which area, who is a partner,
and which body exists today for each (successors followed with Organisation.current()).
Rebuilt when organisations, their areas or partnerships change, checked at most every
JOINEDUP_AREA_INDEX_TTL seconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max

from joinedup.core.models import Organisation, PartnershipMember
from joinedup.core.refreshing import RefreshingIndex
from joinedup.geo.models import WARD_AREA_TYPES, Area


@dataclass(frozen=True)
class Body:
    id: int
    slug: str
    name: str
    gss: str
    kind: str
    homepage: str
    parent_id: int | None
    current_id: int
    end_date: dt.date | None
    is_partner: bool


@dataclass(frozen=True)
class AreaRef:
    id: int
    gss: str
    name: str
    type: str


@dataclass(frozen=True)
class OrganisationIndex:
    bodies: dict[int, Body]
    by_gss: dict[str, int]
    by_area: dict[int, tuple[int, ...]]
    # Every non-ward area by GSS code, as it is today (successors followed with
    # Area.current()), so a postcode's codes become areas without a query.
    areas_today: dict[str, AreaRef]
    fingerprint: tuple


def _fingerprint() -> tuple:
    orgs = Organisation.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    members = PartnershipMember.objects.aggregate(
        n=Count("id"), last=Max("id"), left=Count("left_on"), joined=Max("joined_on")
    )
    covered = Organisation.areas.through.objects.aggregate(n=Count("id"), last=Max("id"))
    areas = Area.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (
        orgs["n"],
        orgs["changed"],
        tuple(members.values()),
        tuple(covered.values()),
        tuple(areas.values()),
    )


def build_index() -> OrganisationIndex:
    fingerprint = _fingerprint()
    partner_ids = set(Organisation.objects.partners().values_list("id", flat=True))
    organisations = list(
        Organisation.objects.select_related("successor", "successor__successor").order_by("id")
    )
    bodies = {
        o.pk: Body(
            id=o.pk,
            slug=o.slug,
            name=o.name,
            gss=o.gss_code,
            kind=o.kind,
            homepage=o.homepage,
            parent_id=o.parent_id,
            current_id=o.current().pk,
            end_date=o.end_date,
            is_partner=o.pk in partner_ids,
        )
        for o in organisations
    }
    by_area: dict[int, list[int]] = {}
    for org_id, area_id in Organisation.areas.through.objects.values_list(
        "organisation_id", "area_id"
    ):
        by_area.setdefault(area_id, []).append(org_id)
    areas_today = {}
    for area in Area.objects.exclude(type__in=WARD_AREA_TYPES).select_related(
        "successor", "successor__successor"
    ):
        today = area.current()
        areas_today[area.gss] = AreaRef(
            id=today.pk, gss=today.gss, name=today.name, type=today.type
        )
    return OrganisationIndex(
        areas_today=areas_today,
        bodies=bodies,
        by_gss={b.gss: b.id for b in bodies.values() if b.gss},
        by_area={area: tuple(ids) for area, ids in by_area.items()},
        fingerprint=fingerprint,
    )


_index: RefreshingIndex[OrganisationIndex] = RefreshingIndex(build_index, _fingerprint)


def get_organisations() -> OrganisationIndex:
    return _index.get()


def reset_organisations() -> None:
    _index.reset()

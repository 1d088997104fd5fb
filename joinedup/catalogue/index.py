"""The catalogue held in memory by each web process: services, the need matcher and
provisions. Rebuilt when the catalogue tables change (checked at most every
JOINEDUP_AREA_INDEX_TTL seconds), like the area index in joinedup.geo.index."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max

from joinedup.catalogue.matching import NeedMatcher, ServiceText
from joinedup.catalogue.models import Provision, Service, SynonymGroup
from joinedup.core.refreshing import RefreshingIndex


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    lgsl: int | None
    name: str
    name_cy: str
    topic: str
    topic_cy: str
    tier: str
    kinds: frozenset[str]
    national_url: str

    def localised(self, language: str) -> tuple[str, str]:
        """(name, topic) in the given language, English when no Welsh is written."""
        if language.startswith("cy"):
            return self.name_cy or self.name, self.topic_cy or self.topic
        return self.name, self.topic


@dataclass(frozen=True)
class ProvisionInfo:
    organisation_id: int
    mode: str
    flow: str
    url: str
    area_ids: frozenset[int]
    preferred: bool
    note: str
    note_cy: str


@dataclass(frozen=True)
class CatalogueIndex:
    services: dict[str, ServiceInfo]
    matcher: NeedMatcher
    provisions: dict[str, list[ProvisionInfo]]
    fingerprint: tuple


def _fingerprint() -> tuple:
    parts: list[object] = []
    for model in (Service, SynonymGroup, Provision):
        stats = model.objects.aggregate(n=Count("id"), changed=Max("updated_at"))  # type: ignore[attr-defined]
        parts.append((stats["n"], stats["changed"]))
    parts.append(Provision.areas.through.objects.count())
    return tuple(parts)


def build_index() -> CatalogueIndex:
    fingerprint = _fingerprint()
    services: dict[str, ServiceInfo] = {}
    texts = []
    for s in Service.objects.all():
        services[s.code] = ServiceInfo(
            id=s.pk,
            code=s.code,
            lgsl=s.lgsl,
            name=s.name,
            name_cy=s.name_cy,
            topic=s.topic,
            topic_cy=s.topic_cy,
            tier=s.tier,
            kinds=s.kinds,
            national_url=s.national_url,
        )
        texts.append(
            ServiceText(
                code=s.code,
                names=(s.name, s.name_cy),
                topics=(s.topic, s.topic_cy),
                keywords=tuple(s.keywords) + tuple(s.keywords_cy),
            )
        )
    groups = [g.terms for g in SynonymGroup.objects.all()]
    area_ids: dict[int, set[int]] = {}
    for provision_id, area_id in Provision.areas.through.objects.values_list(
        "provision_id", "area_id"
    ):
        area_ids.setdefault(provision_id, set()).add(area_id)
    provisions: dict[str, list[ProvisionInfo]] = {}
    for p in Provision.objects.select_related("service"):
        provisions.setdefault(p.service.code, []).append(
            ProvisionInfo(
                organisation_id=p.organisation_id,
                mode=p.mode,
                flow=p.flow,
                url=p.url,
                area_ids=frozenset(area_ids.get(p.pk, ())),
                preferred=p.preferred,
                note=p.note,
                note_cy=p.note_cy,
            )
        )
    return CatalogueIndex(
        services=services,
        matcher=NeedMatcher(texts, groups),
        provisions=provisions,
        fingerprint=fingerprint,
    )


_index: RefreshingIndex[CatalogueIndex] = RefreshingIndex(build_index, _fingerprint)


def get_catalogue() -> CatalogueIndex:
    return _index.get()


def reset_catalogue() -> None:
    _index.reset()

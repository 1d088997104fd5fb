"""Reads of the catalogue. It is public reference data, so these take no actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from joinedup.catalogue.index import ProvisionInfo, ServiceInfo, get_catalogue
from joinedup.catalogue.matching import CONFIDENT


@dataclass(frozen=True)
class ServiceMatch:
    service: ServiceInfo
    confidence: float

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


def need_match(*, text: str, limit: int = 5) -> list[ServiceMatch]:
    """Services that may meet the need described in `text`, best first."""
    catalogue = get_catalogue()
    return [
        ServiceMatch(service=catalogue.services[m.code], confidence=m.confidence)
        for m in catalogue.matcher.match(text, limit)
        if m.code in catalogue.services
    ]


def service_get(*, code: str) -> ServiceInfo:
    service = get_catalogue().services.get(code)
    if service is None:
        raise Http404(f"No service with code {code!r}")
    return service


def provisions_for(*, service_code: str) -> list[ProvisionInfo]:
    return get_catalogue().provisions.get(service_code, [])

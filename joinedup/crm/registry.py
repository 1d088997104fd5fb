"""The person data registry: how the CRM finds what each module holds about a person
without importing any module.

Each app that keeps personal data registers one provider per data category in its
`AppConfig.ready()`:

    from joinedup.crm import registry
    registry.register(ServiceRequestProvider())

A provider answers four questions about the people whose ids it is given (a person's own
id and the ids merged into it), limited to records held by `organisation_ids` (`None`
means every holder; a `None` inside the set means data the resident gave through their
own account): which records there are (`records`), everything about them for a subject
access request (`export`), anonymise them for an upheld erasure (`anonymise`), and
anonymise everything older than the category's retention period (`expire`). The CRM
decides which organisations' records an actor may see (agreements, consent); providers
only filter by the organisations they are given. See docs/crm.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

OrganisationIds = Collection[int | None] | None


@dataclass(frozen=True)
class LinkedRecord:
    """One record shown on a person's page or in their account."""

    category: str
    organisation_id: int | None
    kind: str
    reference: str
    title: str
    status: str = ""
    occurred_at: dt.datetime | None = None
    url: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ErasureOutcome:
    category: str
    anonymised: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)


class PersonDataProvider(Protocol):
    category: str

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]: ...

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]: ...

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome: ...

    def expire(self, *, before: dt.datetime) -> int: ...


_providers: dict[str, PersonDataProvider] = {}


def register(provider: PersonDataProvider) -> None:
    existing = _providers.get(provider.category)
    if existing is not None and existing is not provider:
        raise ValueError(f"A provider is already registered for {provider.category!r}")
    _providers[provider.category] = provider


def unregister(category: str) -> None:
    _providers.pop(category, None)


def providers() -> list[PersonDataProvider]:
    return list(_providers.values())


def provider_for(category: str) -> PersonDataProvider | None:
    return _providers.get(category)


def include(organisation_ids: OrganisationIds, organisation_id: int | None) -> bool:
    """Whether a row held by `organisation_id` is within `organisation_ids`."""
    return organisation_ids is None or organisation_id in organisation_ids


def organisation_filter(organisation_ids: OrganisationIds, field_name: str = "organisation"):
    """A Q object for rows held by `organisation_ids` (None inside means account data)."""
    from django.db.models import Q

    if organisation_ids is None:
        return Q()
    ids = [o for o in organisation_ids if o is not None]
    q = Q(**{f"{field_name}_id__in": ids})
    if None in organisation_ids:
        q |= Q(**{f"{field_name}__isnull": True})
    return q

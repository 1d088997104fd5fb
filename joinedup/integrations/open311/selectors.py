"""Reads for the Open311 API: who a key belongs to, and which organisation a
jurisdiction_id names."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.utils import timezone

from joinedup.core.models import Organisation
from joinedup.integrations.open311.keys import key_digest, key_prefix
from joinedup.integrations.open311.models import Open311Client
from joinedup.service_requests.routes import request_types_available

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ClientKey:
    """Who a key belongs to: what a request needs to know of its client."""

    id: int
    organisation_id: int
    name: str

    @property
    def channel_ref(self) -> str:
        return f"open311-client:{self.id}"


def client_for_key(*, raw: str) -> ClientKey | None:
    """The active client whose key this is, or None. The digest is compared in constant
    time, and compared even when no row matches, so timing does not tell a prefix exists.
    Read on every call (no cache), so a revoked key stops working at once."""
    prefix = key_prefix(raw)
    row = (
        Open311Client.objects.filter(prefix=prefix)
        .values("id", "organisation_id", "name", "digest", "revoked_at", "last_used_at")
        .first()
        if prefix
        else None
    )
    expected = row["digest"] if row is not None else "0" * 64
    if not hmac.compare_digest(key_digest(raw or ""), expected) or row is None:
        return None
    if row["revoked_at"] is not None:
        return None
    now = timezone.now()
    if row["last_used_at"] is None or now - row["last_used_at"] > LAST_USED_RESOLUTION:
        # Bookkeeping outside any domain write; at most once a minute per key.
        Open311Client.objects.filter(pk=row["id"]).update(last_used_at=now)
    return ClientKey(id=row["id"], organisation_id=row["organisation_id"], name=row["name"])


def jurisdiction_get(*, jurisdiction_id: str) -> Organisation | None:
    """The organisation a jurisdiction_id names (its slug), if it takes reports through
    the platform."""
    if not jurisdiction_id or len(jurisdiction_id) > 100:
        return None
    organisation = Organisation.objects.filter(slug=jurisdiction_id).first()
    if organisation is None:
        return None
    if not request_types_available(organisation_id=organisation.pk):
        return None
    return organisation


def jurisdictions() -> list[Organisation]:
    """Every organisation that takes reports through the platform."""
    from joinedup.routing.index import get_organisations
    from joinedup.service_requests.routes import platform_body_ids

    index = get_organisations()
    ids: set[int] = set()
    for available in request_types_available():
        ids |= platform_body_ids(service_code=available.service.code)
    return sorted(
        (Organisation(pk=i, slug=index.bodies[i].slug, name=index.bodies[i].name) for i in ids),
        key=lambda o: o.name,
    )

"""What an acting user may do, decided in one place. Selectors and services call these;
views never test roles themselves."""

from __future__ import annotations

from joinedup.core.models import Membership, Organisation, Role

READ_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})
WRITE_ROLES = frozenset({Role.ADMIN, Role.OFFICER})
ADMIN_ROLES = frozenset({Role.ADMIN})


def organisation_ids_for(actor, roles: frozenset[str] = READ_ROLES) -> set[int]:
    """Ids of the organisations the actor acts for with one of `roles`."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return set()
    cache = getattr(actor, "_joinedup_roles", None)
    if cache is None:
        cache = dict(Membership.objects.for_user(actor).values_list("organisation_id", "role"))
        actor._joinedup_roles = cache
    return {org_id for org_id, role in cache.items() if role in roles}


def has_role(actor, organisation: Organisation | int, roles: frozenset[str]) -> bool:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return org_id in organisation_ids_for(actor, roles)


def is_staff_user(actor) -> bool:
    return bool(organisation_ids_for(actor))

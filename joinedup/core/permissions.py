"""What an acting user may do, decided in one place. Selectors and services call these;
views never test roles themselves."""

from __future__ import annotations

from joinedup.core.models import Membership, MembershipCapability, Organisation, Role

READ_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})
WRITE_ROLES = frozenset({Role.ADMIN, Role.OFFICER})
ADMIN_ROLES = frozenset({Role.ADMIN})


def is_officer_account(user) -> bool:
    """Does this account act for any organisation (or run the admin site)? Such accounts
    must pass multi-factor sign-in before anything they act for is shown to them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return Membership.objects.for_user(user).exists()


def mfa_satisfied(actor) -> bool:
    """False for a web session that has not passed its second factor. `is_verified` is put
    on request.user by django-otp's middleware; an actor from elsewhere (a command, an API
    token's service account) has no such method and is trusted as it stands."""
    verified = getattr(actor, "is_verified", None)
    return verified is None or bool(verified())


def organisation_ids_for(actor, roles: frozenset[str] = READ_ROLES) -> set[int]:
    """Ids of the organisations the actor acts for with one of `roles`. An officer whose
    session has not passed multi-factor sign-in acts for none."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return set()
    if not mfa_satisfied(actor):
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


def organisation_ids_with_capability(actor, code: str) -> set[int]:
    """Organisations for which the actor holds capability `code` (granted as data)."""
    org_ids = organisation_ids_for(actor)
    if not org_ids:
        return set()
    return set(
        MembershipCapability.objects.filter(
            membership__user=actor,
            membership__organisation_id__in=org_ids,
            capability__code=code,
        ).values_list("membership__organisation_id", flat=True)
    )


def has_capability(actor, organisation: Organisation | int, code: str) -> bool:
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return org_id in organisation_ids_with_capability(actor, code)

"""Writes to organisations, partnerships and memberships. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from joinedup.core.audit import audit_record, snapshot
from joinedup.core.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Role,
    User,
)
from joinedup.core.permissions import ADMIN_ROLES, has_role

ORGANISATION_EDITABLE_FIELDS = ["name", "short_name", "homepage", "local_custodian_code"]


def _require_admin(actor, organisation: Organisation) -> None:
    # Someone outside the organisation learns nothing: the same 404 as a missing one.
    if not has_role(actor, organisation, ADMIN_ROLES):
        raise Http404("No such organisation")


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **changes) -> Organisation:
    """Change an organisation's public details (its administrators only)."""
    _require_admin(actor, organisation)
    unknown = set(changes) - set(ORGANISATION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, list(changes))
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.update",
        obj=organisation,
        organisation=organisation,
        before=before,
        after=snapshot(organisation, list(changes)),
    )
    return organisation


@transaction.atomic
def membership_set(*, actor, organisation: Organisation, user: User, role: str) -> Membership:
    """Give `user` a role at `organisation`, or change the role they have."""
    _require_admin(actor, organisation)
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    before = None if created else {"role": membership.role}
    if not created and membership.role != role:
        if membership.role == Role.ADMIN and user == actor:
            raise ValidationError("You cannot remove your own administrator role.")
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.set",
        obj=membership,
        organisation=organisation,
        before=before,
        after={"user": user.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, organisation: Organisation, user: User) -> None:
    _require_admin(actor, organisation)
    if user == actor:
        raise ValidationError("You cannot remove yourself.")
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise Http404("No such member")
    before = {"user": user.pk, "role": membership.role}
    membership_id = membership.pk
    membership.delete()
    audit_record(
        actor=actor,
        action="membership.remove",
        object_type="core.membership",
        object_id=membership_id,
        organisation=organisation,
        before=before,
    )


@transaction.atomic
def partnership_member_add(
    *,
    actor,
    partnership: Partnership,
    organisation: Organisation,
    role: str = PartnershipRole.MEMBER,
    joined_on: dt.date,
) -> PartnershipMember:
    """Add an organisation to a partnership; only an administrator of the lead partner may."""
    lead_ids = set(
        partnership.memberships.filter(role=PartnershipRole.LEAD).values_list(
            "organisation_id", flat=True
        )
    )
    if not any(has_role(actor, org_id, ADMIN_ROLES) for org_id in lead_ids):
        raise Http404("No such partnership")
    member, created = PartnershipMember.objects.get_or_create(
        partnership=partnership,
        organisation=organisation,
        defaults={"role": role, "joined_on": joined_on},
    )
    if not created:
        raise ValidationError(f"{organisation} is already a member of {partnership}.")
    audit_record(
        actor=actor,
        action="partnership.member_add",
        obj=member,
        organisation=organisation,
        after=snapshot(member, ["partnership", "organisation", "role", "joined_on"]),
    )
    return member

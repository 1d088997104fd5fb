"""Writes to organisations, partnerships and memberships. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.core.audit import audit_record, snapshot
from joinedup.core.models import (
    ApiToken,
    Capability,
    Membership,
    MembershipCapability,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Role,
    SignInAttempt,
    User,
)
from joinedup.core.permissions import ADMIN_ROLES, has_role
from joinedup.core.selectors import sign_in_locked_out

# Tokens start with this mark so secret scanners and people can recognise them.
API_TOKEN_MARK = "jdu"  # noqa: S105 - a public marker, not a secret

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


def sign_in_attempt_record(*, username: str, address: str, succeeded: bool) -> SignInAttempt:
    """Keep one attempt; the failure that crosses the threshold is audited as a lockout."""
    name = username.strip().lower()[:150]
    was_locked = sign_in_locked_out(username=name, address=address)
    attempt = SignInAttempt.objects.create(username=name, address=address[:64], succeeded=succeeded)
    if not succeeded and not was_locked and sign_in_locked_out(username=name, address=address):
        audit_record(
            actor=None,
            action="auth.lockout",
            object_type="core.user",
            object_id=name,
            after={"address": address},
        )
    return attempt


def _token_secret() -> tuple[str, str, str]:
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    raw = f"{API_TOKEN_MARK}_{prefix}_{secret}"
    return prefix, raw, hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    role: str = Role.VIEWER,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for another system; returns the token row and the secret, which is
    shown once and never stored. The token acts through a service account that holds
    `role` at the organisation and can never sign in with a password."""
    _require_admin(actor, organisation)
    if role not in (Role.VIEWER, Role.OFFICER):
        raise ValidationError("An API token may act as a viewer or an officer only.")
    if not name.strip():
        raise ValidationError({"name": ["Enter a name for the token."]})
    unknown = sorted(set(scopes) - set(settings.JOINEDUP_API_SCOPES))
    if unknown or not scopes:
        raise ValidationError({"scopes": [f"Unknown or missing scopes: {', '.join(unknown)}"]})
    prefix, raw, digest = _token_secret()
    account = User(username=f"api-{organisation.slug[:90]}-{prefix}", is_active=True)
    account.set_unusable_password()
    account.save()
    Membership.objects.create(user=account, organisation=organisation, role=role)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip()[:200],
        prefix=prefix,
        digest=digest,
        scopes=sorted(set(scopes)),
        account=account,
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        organisation=organisation,
        after={"name": token.name, "prefix": prefix, "scopes": token.scopes, "role": role},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    _require_admin(actor, token.organisation)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        User.objects.filter(pk=token.account_id).update(is_active=False)
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            organisation=token.organisation,
            after={"prefix": token.prefix},
        )
    return token


@transaction.atomic
def capability_grant(
    *, actor, organisation: Organisation, user: User, code: str
) -> MembershipCapability:
    """Give a member of `organisation` a capability (its administrators only)."""
    _require_admin(actor, organisation)
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise ValidationError("Only a member of the organisation can be given a capability.")
    capability = Capability.objects.filter(code=code).first()
    if capability is None:
        raise ValidationError(f"Unknown capability {code!r}")
    grant, _ = MembershipCapability.objects.get_or_create(
        membership=membership, capability=capability
    )
    audit_record(
        actor=actor,
        action="capability.grant",
        obj=grant,
        organisation=organisation,
        after={"user": user.pk, "capability": code},
    )
    return grant


def mfa_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator this user is setting up: an unconfirmed TOTP device, made once and
    reused until confirmed, so reloading the page does not change the secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def mfa_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with a code it produced. Earlier devices are removed, so
    a person has one authenticator at a time."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="auth.mfa_enrol", obj=device, after={"device": device.pk})
    return True


def mfa_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None. django-otp throttles each device
    (the wait doubles after each failure), so codes cannot be guessed at speed."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if verify_token(user, device.persistent_id, token) is not None:
            return device
    audit_record(actor=user, action="auth.mfa_failure", object_type="core.user", object_id=user.pk)
    return None

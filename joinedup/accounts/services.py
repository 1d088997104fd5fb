"""Residents' sign-up, email verification, password reset and One Login sign-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from joinedup.accounts.mail import send_account_email
from joinedup.accounts.models import ResidentAccount
from joinedup.core.audit import audit_record
from joinedup.core.models import User
from joinedup.crm.matching import normalise_email
from joinedup.crm.services import person_for_account

VERIFY_SALT = "joinedup.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 60 * 60


def _find(email: str) -> User | None:
    email = normalise_email(email)
    return (
        User.objects.filter(username=email).first()
        or User.objects.filter(email__iexact=email).order_by("pk").first()
    )


@transaction.atomic
def account_sign_up(
    *, email: str, password: str, given_name: str, family_name: str, link: Callable[[str], str]
) -> None:
    """Create an unverified account and email a link to verify it. If the address already
    has an account, that person is told so by email instead, so the page never reveals
    whether an address is registered."""
    email = normalise_email(email)
    existing = _find(email)
    if existing is not None:
        transaction.on_commit(
            lambda: send_account_email(
                to=email,
                subject=_("You already have an account"),
                body=_(
                    "Someone tried to create an account with this email address. If it was you, sign in or reset your password."
                ),
            )
        )
        return
    user = User(
        username=email, email=email, first_name=given_name.strip(), last_name=family_name.strip()
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    ResidentAccount.objects.create(user=user)
    token = signing.dumps({"user": user.pk, "email": email}, salt=VERIFY_SALT)
    url = link(token)
    audit_record(actor=None, action="account.sign_up", obj=user)
    transaction.on_commit(
        lambda: send_account_email(
            to=email,
            subject=_("Confirm your email address"),
            body=_(
                "Confirm your email address to finish creating your account:\n\n%(url)s\n\nThe link works for 3 days."
            )
            % {"url": url},
        )
    )


@transaction.atomic
def account_verify_email(*, token: str) -> User | None:
    """Mark the address verified and create the resident's own person record."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return None
    account, _created = ResidentAccount.objects.get_or_create(user=user)
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
        person_for_account(
            user=user, given_name=user.first_name, family_name=user.last_name, email=user.email
        )
        audit_record(actor=user, action="account.verify_email", obj=user)
    return user


def account_can_sign_in(*, user: User) -> bool:
    """Residents need a verified address; officers are not resident accounts."""
    account = ResidentAccount.objects.filter(user=user).first()
    return account is None or account.is_verified


def password_reset_request(*, email: str, link: Callable[[str, str], str]) -> None:
    """Email a reset link if the address has a verified account; say nothing either way."""
    user = _find(email)
    if (
        user is None
        or not user.is_active
        or not user.has_usable_password()
        or not account_can_sign_in(user=user)
    ):
        return
    url = link(
        urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    )
    audit_record(actor=None, action="account.password_reset_request", obj=user)
    send_account_email(
        to=user.email,
        subject=_("Reset your password"),
        body=_(
            "Use this link to choose a new password:\n\n%(url)s\n\nIf you did not ask for this, you can ignore this email."
        )
        % {"url": url},
    )


def password_reset_user(*, uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uidb64)))).first()
    except (ValueError, TypeError, OverflowError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="account.password_reset", obj=user)
    return user


@transaction.atomic
def one_login_sign_in(*, claims: dict[str, Any]) -> User:
    """The account for a One Login identity: the one already linked to its subject, else
    the one with the same verified email address (then linked), else a new one."""
    subject = str(claims["sub"])
    account = (
        ResidentAccount.objects.filter(one_login_subject=subject).select_related("user").first()
    )
    if account is not None:
        return account.user
    if not claims.get("email_verified") or not claims.get("email"):
        raise ValidationError(_("One Login did not share a verified email address."))
    email = normalise_email(str(claims["email"]))
    user = _find(email)
    if user is None:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    account, _created = ResidentAccount.objects.get_or_create(user=user)
    account.one_login_subject = subject
    account.email_verified_at = account.email_verified_at or timezone.now()
    account.save()
    person_for_account(
        user=user, given_name=user.first_name, family_name=user.last_name, email=email
    )
    audit_record(actor=user, action="account.one_login_link", obj=user)
    return user

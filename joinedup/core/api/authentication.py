"""Per-organisation API tokens for internal APIs.

A caller sends `Authorization: Bearer jdu_<prefix>_<secret>`. The prefix finds the row, the
secret's SHA-256 digest is compared in constant time, and the request then acts as the
token's service account (a member of the organisation with the token's role), so every
selector scopes it exactly as it would an officer. Views name the scopes they need in
`required_scopes`; `HasTokenScope` checks them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from joinedup.core.models import ApiToken

KEYWORD = "Bearer"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword != KEYWORD:
            return None
        raw = raw.strip()
        # jdu_<hex prefix>_<secret>; the secret is URL-safe base64 and may contain "_".
        mark, _, rest = raw.partition("_")
        prefix, _, secret = rest.partition("_")
        if mark != "jdu" or not prefix or not secret:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token = (
            ApiToken.objects.select_related("account", "organisation").filter(prefix=prefix).first()
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()
        # Compare even when no row matched, so timing does not tell a prefix exists.
        expected = token.digest if token is not None else "0" * 64
        if not hmac.compare_digest(digest, expected) or token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if not token.is_usable_at(now) or not token.account.is_active:
            raise exceptions.AuthenticationFailed("This token has been revoked or has expired.")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.account, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class HasTokenScope(permissions.BasePermission):
    """Token callers need every scope the view lists in `required_scopes`; signed-in
    officers are limited by their roles instead."""

    message = "This token does not have the scope this endpoint needs."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = set(getattr(view, "required_scopes", ()))
        return needed <= set(token.scopes)


class IsOrganisationMember(permissions.BasePermission):
    """Internal APIs are for people and systems acting for an organisation; a signed-in
    resident gets 403."""

    message = "Only organisations' officers and systems may use this API."

    def has_permission(self, request, view) -> bool:
        from joinedup.core.permissions import organisation_ids_for

        return bool(organisation_ids_for(request.user))


INTERNAL_API_AUTHENTICATION = [
    OrganisationTokenAuthentication,
    authentication.SessionAuthentication,
]
INTERNAL_API_PERMISSIONS = [permissions.IsAuthenticated, IsOrganisationMember, HasTokenScope]


class OrganisationTokenScheme(OpenApiAuthenticationExtension):
    """Documents organisation tokens in the OpenAPI schema as HTTP bearer tokens."""

    target_class = OrganisationTokenAuthentication
    name = "organisationToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API token: jdu_<prefix>_<secret>",
        }

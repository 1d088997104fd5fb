from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from joinedup.core.audit import audit_context
from joinedup.core.permissions import is_officer_account

SESSION_SEEN_KEY = "_joinedup_seen_at"
SESSION_AUTH_KEY = "_joinedup_auth_at"


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR is the load balancer's address behind a proxy; the proxy is trusted
    # to set X-Forwarded-For, of which we keep the client-most entry.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


class AuditContextMiddleware:
    """Tags everything a request writes to the audit log with where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(f"web:{client_address(request)}", request.META.get("HTTP_X_REQUEST_ID")):
            return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends a Content-Security-Policy that allows only our own scripts, styles, images
    and form targets. Inline scripts must carry `nonce="{{ csp_nonce }}"`, a fresh random
    value per response (see docs/security.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.JOINEDUP_CSP.format(nonce=nonce)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context processor: `{{ csp_nonce }}` for inline <script> elements."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context processor: `{{ is_officer }}`, so the header offers an officer
    their work and a resident their account. Asked only when a template uses it."""
    from django.utils.functional import SimpleLazyObject

    from joinedup.core.permissions import is_officer_account

    return {"is_officer": SimpleLazyObject(lambda: is_officer_account(request.user))}


class SessionExpiryMiddleware:
    """Ends a signed-in session after JOINEDUP_SESSION_IDLE_SECONDS without a request, and
    in any case SESSION_COOKIE_AGE after sign-in (the cookie's own age is renewed whenever
    the session is saved, so it cannot be the absolute limit by itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SESSION_SEEN_KEY)
            signed_in = request.session.setdefault(SESSION_AUTH_KEY, now)
            idle = settings.JOINEDUP_SESSION_IDLE_SECONDS
            if (seen is not None and now - seen > idle) or (
                now - signed_in > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif seen is None or now - seen >= 60:
                # Written at most once a minute, so reads do not each save the session.
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class StaffMultiFactorMiddleware:
    """Every officer page and internal API needs a session that has passed the second
    factor. Officers signed in with a password alone are sent to enrol or to enter a code;
    API calls get the standard JSON error. (The permission choke point also refuses such a
    session everything, wherever a view lives.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(tuple(settings.JOINEDUP_STAFF_PATH_PREFIXES)):
            user = request.user
            if (
                user.is_authenticated
                and not user.is_verified()  # type: ignore[union-attr,attr-defined]
                and is_officer_account(user)
            ):
                if request.path.startswith(tuple(settings.JOINEDUP_API_PATH_PREFIXES)):
                    return JsonResponse(
                        {"code": 403, "error": "Complete multi-factor sign-in first."},
                        status=403,
                    )
                target = reverse("core:mfa-verify")
                return HttpResponseRedirect(
                    f"{target}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)

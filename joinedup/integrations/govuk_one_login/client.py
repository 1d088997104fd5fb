"""A client for GOV.UK One Login, an OpenID Connect provider (OpenID Connect Core 1.0).

Authorisation code flow with PKCE (RFC 7636) and `private_key_jwt` client
authentication (OIDC Core §9), which One Login requires; the ID token's signature,
issuer, audience, expiry and nonce are checked (OIDC Core §3.1.3.7) before the userinfo
endpoint is asked for the verified email address. Everything is configured by the
environment (settings.GOVUK_ONE_LOGIN_*) and the feature is off unless they are set.

HTTP goes through a `requests` session (authlib's OAuth2Session), which tests replace
with a local fake provider, so no test touches the network."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

TIMEOUT_SECONDS = 10
CLOCK_SKEW_SECONDS = 60


class OneLoginError(Exception):
    """The provider's answer could not be trusted or used."""


@dataclass(frozen=True)
class OneLoginConfig:
    issuer: str
    client_id: str
    private_key_pem: str
    scopes: str = "openid email"
    # Vectors of trust: Cl.Cm is "medium" authentication, no identity proofing.
    vtr: str = '["Cl.Cm"]'


def config_from_settings() -> OneLoginConfig | None:
    if not getattr(settings, "GOVUK_ONE_LOGIN_ENABLED", False):
        return None
    return OneLoginConfig(
        issuer=settings.GOVUK_ONE_LOGIN_ISSUER.rstrip("/") + "/",
        client_id=settings.GOVUK_ONE_LOGIN_CLIENT_ID,
        private_key_pem=settings.GOVUK_ONE_LOGIN_PRIVATE_KEY,
    )


@dataclass(frozen=True)
class PendingLogin:
    """What the browser's session keeps between leaving for One Login and coming back."""

    state: str
    nonce: str
    code_verifier: str

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier}


# Tests set this to a factory returning a session with a fake provider mounted.
session_factory: Any = None


class OneLoginClient:
    def __init__(self, config: OneLoginConfig) -> None:
        self.config = config
        self._metadata: dict[str, Any] | None = None

    def _session(self, **kwargs: Any) -> OAuth2Session:
        session = OAuth2Session(
            self.config.client_id,
            self.config.private_key_pem,
            token_endpoint_auth_method="private_key_jwt",  # noqa: S106 - a method name
            code_challenge_method="S256",
            **kwargs,
        )
        if session_factory is not None:
            session_factory(session)
        return session

    def _get_json(self, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._session().get(
                url, timeout=TIMEOUT_SECONDS, withhold_token=True, **kwargs
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OneLoginError(f"Could not read {url}") from exc

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (OpenID Connect Discovery 1.0 §4)."""
        if self._metadata is None:
            data = self._get_json(self.config.issuer + ".well-known/openid-configuration")
            if data.get("issuer", "").rstrip("/") != self.config.issuer.rstrip("/"):
                raise OneLoginError("The discovery document names another issuer")
            self._metadata = data
        return self._metadata

    def start(self, *, redirect_uri: str, language: str = "en") -> tuple[str, PendingLogin]:
        """The URL to send the resident to, and what to keep until they return."""
        pending = PendingLogin(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            code_verifier=secrets.token_urlsafe(48),
        )
        url, _ = self._session(
            redirect_uri=redirect_uri, scope=self.config.scopes
        ).create_authorization_url(
            self.metadata()["authorization_endpoint"],
            state=pending.state,
            code_verifier=pending.code_verifier,
            nonce=pending.nonce,
            vtr=self.config.vtr,
            ui_locales=language,
        )
        return url, pending

    def finish(
        self, *, redirect_uri: str, pending: PendingLogin, params: dict[str, str]
    ) -> dict[str, Any]:
        """Exchange the returned code for tokens, check the ID token and return the
        claims with the userinfo (`sub`, `email`, `email_verified`)."""
        if "error" in params:
            raise OneLoginError(f"One Login refused: {params['error']}")
        if not secrets.compare_digest(params.get("state", ""), pending.state):
            raise OneLoginError("The state does not match this browser's sign-in")
        code = params.get("code", "")
        if not code:
            raise OneLoginError("No authorisation code was returned")
        meta = self.metadata()
        session = self._session(redirect_uri=redirect_uri)
        session.register_client_auth_method(PrivateKeyJWT(meta["token_endpoint"]))
        try:
            token = session.fetch_token(
                meta["token_endpoint"],
                code=code,
                code_verifier=pending.code_verifier,
                timeout=TIMEOUT_SECONDS,
            )
        except Exception as exc:  # authlib raises several kinds for a refused exchange
            raise OneLoginError("The token exchange failed") from exc
        claims = self._check_id_token(token.get("id_token", ""), pending.nonce)
        userinfo = self._get_json(
            meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        if userinfo.get("sub") != claims["sub"]:
            raise OneLoginError("Userinfo is about someone else")  # OIDC Core §5.3.2
        return {**claims, **userinfo}

    def _check_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        keys = KeySet.import_key_set(self._get_json(self.metadata()["jwks_uri"]))  # type: ignore[arg-type]
        try:
            decoded = jwt.decode(id_token, keys, algorithms=["ES256", "RS256"])
        except (JoseError, ValueError) as exc:
            raise OneLoginError("The ID token's signature is not valid") from exc
        claims = dict(decoded.claims)
        now = time.time()
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("iss", "").rstrip("/") != self.config.issuer.rstrip("/"):
            raise OneLoginError("The ID token is from another issuer")
        if self.config.client_id not in audiences:
            raise OneLoginError("The ID token is for another client")
        if float(claims.get("exp", 0)) < now - CLOCK_SKEW_SECONDS:
            raise OneLoginError("The ID token has expired")
        if float(claims.get("iat", 0)) > now + CLOCK_SKEW_SECONDS:
            raise OneLoginError("The ID token was issued in the future")
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OneLoginError("The ID token's nonce does not match")
        if not claims.get("sub"):
            raise OneLoginError("The ID token names no one")
        return claims

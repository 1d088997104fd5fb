"""A local fake of GOV.UK One Login for tests: a `requests` transport adapter that answers
discovery, JWKS, token and userinfo requests in-process. It checks what a real provider
checks of the client (PKCE verifier, signed client assertion, redirect URI) so a client
that gets those wrong fails here too."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

ISSUER = "https://oidc.onelogin.test/"


@dataclass
class FakeOneLogin:
    client_id: str = "joinedup-test-client"
    email: str = "onelogin.user@example.net"
    email_verified: bool = True
    subject: str = "urn:fdc:gov.uk:2022:fake-subject"
    signing_key: ECKey = field(
        default_factory=lambda: ECKey.generate_key("P-256", private=True, auto_kid=True)
    )
    client_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, private=True))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tamper_nonce: bool = False

    @property
    def client_private_pem(self) -> str:
        return self.client_key.as_pem(private=True).decode()

    def authorise(self, url: str) -> str:
        """What the browser's trip to One Login would return: a code for the redirect."""
        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        assert query["client_id"] == self.client_id
        assert query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return code

    def mount(self, session: requests.Session) -> None:
        session.mount(ISSUER, _Adapter(self))

    # --- endpoints ---------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": ISSUER + "authorize",
            "token_endpoint": ISSUER + "token",
            "userinfo_endpoint": ISSUER + "userinfo",
            "jwks_uri": ISSUER + ".well-known/jwks.json",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.signing_key.as_dict(private=False)]}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        request = self.codes.pop(form.get("code", ""), None)
        if request is None:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            challenge != request["code_challenge"]
            or form.get("redirect_uri") != request["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant"}
        if (
            form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 401, {"error": "invalid_client"}
        try:
            assertion = jwt.decode(
                form["client_assertion"], self.client_key, algorithms=["RS256"]
            ).claims
        except Exception:
            return 401, {"error": "invalid_client"}
        if assertion.get("iss") != self.client_id or assertion.get("aud") != ISSUER + "token":
            return 401, {"error": "invalid_client"}
        now = int(time.time())
        id_token = jwt.encode(
            {"alg": "ES256", "kid": self.signing_key.kid},
            {
                "iss": ISSUER,
                "aud": self.client_id,
                "sub": self.subject,
                "iat": now,
                "exp": now + 180,
                "nonce": "forged" if self.tamper_nonce else request["nonce"],
                "vot": "Cl.Cm",
            },
            self.signing_key,
        )
        return 200, {
            "access_token": "fake-access-" + self.subject,
            "token_type": "Bearer",
            "id_token": id_token,
            "expires_in": 180,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        if authorization != "Bearer fake-access-" + self.subject:
            return 401, {"error": "invalid_token"}
        return 200, {
            "sub": self.subject,
            "email": self.email,
            "email_verified": self.email_verified,
        }


class _Adapter(requests.adapters.BaseAdapter):
    def __init__(self, provider: FakeOneLogin) -> None:
        super().__init__()
        self.provider = provider

    def send(self, request, **kwargs):  # type: ignore[override]
        path = urlparse(request.url).path
        status, body = 404, {"error": "not_found"}
        if path == "/.well-known/openid-configuration":
            status, body = 200, self.provider.discovery()
        elif path == "/.well-known/jwks.json":
            status, body = 200, self.provider.jwks()
        elif path == "/token" and request.method == "POST":
            raw = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
            status, body = self.provider.token({k: v[0] for k, v in parse_qs(raw).items()})
        elif path == "/userinfo":
            status, body = self.provider.userinfo(request.headers.get("Authorization", ""))
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass

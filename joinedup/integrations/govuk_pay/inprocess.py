"""Call this project's own URLs without a network: how the platform reaches the built-in
sandbox provider (and how the sandbox delivers its webhooks) when no outside base URL is
configured. It runs the full request stack (middleware, authentication, JSON) through
Django's WSGI test handler."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def local_host() -> str:
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


class InProcessTransport:
    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float
    ) -> tuple[int, bytes]:
        # django.test.Client is Django's own WSGI-level client; it keeps the outer
        # request's database connection open while the inner request runs.
        from django.test import Client

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        content_type = headers.get("Content-Type", "application/octet-stream")
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        client = Client(raise_request_exception=False, HTTP_HOST=parts.netloc or local_host())
        response = client.generic(
            method,
            path,
            data=body or b"",
            content_type=content_type,
            secure=parts.scheme == "https",
            headers=extra,
        )
        return response.status_code, response.content

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.core.audit import audit_context


class AuditContextMiddleware:
    """Tags everything a request writes to the audit log with where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the load balancer's address behind a proxy; the proxy is trusted
        # to set X-Forwarded-For, of which we keep the client-most entry.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = (
            forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
        )
        with audit_context(f"web:{address}", request.META.get("HTTP_X_REQUEST_ID")):
            return self.get_response(request)

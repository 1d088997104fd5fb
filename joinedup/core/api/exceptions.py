"""The standard error body of every joinedup JSON API:

    {"code": <HTTP status>, "error": "<one plain sentence>", "details": {<field>: [<message>]}}

It is also MapIt's error shape, so MapIt clients understand our errors unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_body(code: int, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "error": message}
    if details:
        body["details"] = details
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            first = next(iter(detail.values()), ["Invalid input."])
            message = str(first[0] if isinstance(first, list) and first else first)
            response.data = error_body(status.HTTP_400_BAD_REQUEST, message, detail)
        else:
            items = detail if isinstance(detail, list) else [detail]
            response.data = error_body(status.HTTP_400_BAD_REQUEST, " ".join(str(i) for i in items))
    else:
        response.data = error_body(response.status_code, str(getattr(exc, "detail", exc)))
    return response

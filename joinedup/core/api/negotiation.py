"""Content negotiation for the public JSON APIs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Answer with the view's first renderer (JSON) whatever the Accept header says.

    MapIt answers JSON to every client, including one whose Accept header names only
    text/html; DRF's default negotiation refuses such a request with 406. Not parsing
    the Accept header also takes a measurable share off the point lookup's cost
    (docs/benchmarks.md).
    """

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, Any]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

"""Open311 GeoReport v2 documents and how they are written as JSON and XML.

A view returns a `Document`: the XML root element, the element of each item when the
payload is a list, and the payload. JSON is the payload itself (GeoReport v2 maps XML to
JSON the "Spark" way: lists are arrays). XML follows the spec's examples: a declaration
with UTF-8, the root, one element per field, lists as a plural element around singular
ones (`attributes/attribute`, `values/value`, `errors/error`, …), booleans as true/false
and empty fields as empty elements."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer

# The element of each item in a list, by the list's element (mySociety's open311-adapter
# uses the same GroupTags).
SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
}
# Characters XML 1.0 cannot carry, even escaped.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    root: str
    payload: list | dict
    item: str = ""


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    text = ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _element(tag: str, value: Any, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if isinstance(value, dict):
        lines.append(f"{pad}<{tag}>")
        for key, child in value.items():
            _element(key, child, depth + 1, lines)
        lines.append(f"{pad}</{tag}>")
    elif isinstance(value, list | tuple):
        if not value:
            lines.append(f"{pad}<{tag}></{tag}>")
            return
        child_tag = SINGULAR.get(tag, "item")
        lines.append(f"{pad}<{tag}>")
        for child in value:
            _element(child_tag, child, depth + 1, lines)
        lines.append(f"{pad}</{tag}>")
    else:
        lines.append(f"{pad}<{tag}>{_scalar(value)}</{tag}>")


def to_xml(document: Document) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if isinstance(document.payload, list):
        lines.append(f"<{document.root}>")
        for item in document.payload:
            _element(document.item or SINGULAR.get(document.root, "item"), item, 1, lines)
        lines.append(f"</{document.root}>")
    else:
        _element(document.root, document.payload, 0, lines)
    return "\n".join(lines) + "\n"


def to_json(document: Document) -> str:
    return json.dumps(document.payload, ensure_ascii=False, separators=(",", ":"))


class Open311JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, Document):
            return to_json(data).encode()
        return json.dumps(data, ensure_ascii=False).encode()


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if not isinstance(data, Document):
            data = Document(
                root="response", payload=data if isinstance(data, dict | list) else {"value": data}
            )
        return to_xml(data).encode()


def errors_document(errors: list[tuple[int, str]]) -> Document:
    """GeoReport v2 errors: `<errors><error><code/><description/></error></errors>`."""
    return Document(
        root="errors",
        item="error",
        payload=[{"code": code, "description": text} for code, text in errors],
    )

"""Text people type, made safe to search with."""

from __future__ import annotations

import unicodedata


def search_text(value: str, limit: int = 200) -> str:
    """A search query without control characters (a NUL cannot even reach PostgreSQL,
    in a query or in the audit record of the search), trimmed and cut to `limit`."""
    kept = "".join(c if unicodedata.category(c) != "Cc" else " " for c in value)
    return " ".join(kept.split())[:limit]

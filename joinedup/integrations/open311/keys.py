"""The shape of an Open311 key and how it is stored: `o311_<prefix>_<secret>`, of which
only the SHA-256 digest of the whole key is kept."""

from __future__ import annotations

import hashlib

KEY_PREFIX = "o311"


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_prefix(raw: str) -> str:
    """The key's prefix (its row's lookup), or "" for anything not shaped like a key."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) == 3 and parts[0] == KEY_PREFIX and 0 < len(parts[1]) <= 16:
        return parts[1]
    return ""

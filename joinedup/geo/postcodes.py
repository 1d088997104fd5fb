"""UK postcode syntax."""

from __future__ import annotations

import re

# The shapes of a full UK postcode (BS 7666), plus GIR 0AA. Letters are checked loosely:
# the postcode table, not this pattern, decides whether a postcode exists.
_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$")


def normalise_postcode(text: str) -> str | None:
    """'sm11aa', ' SM1  1AA ' → 'SM1 1AA'; None if it is not a postcode's shape."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if len(compact) > 7 or not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"

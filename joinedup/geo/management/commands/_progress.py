"""Progress bars for import commands (shown on a terminal, quiet in logs and tests)."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm
from tqdm.utils import CallbackIOWrapper


def byte_progress(path: Path, label: str):
    """A wrapper for a binary file whose reads move a progress bar."""
    bar = tqdm(
        total=path.stat().st_size,
        unit="B",
        unit_scale=True,
        desc=label,
        file=sys.stderr,
        disable=None,
        leave=False,
    )

    def wrap(raw):
        return CallbackIOWrapper(bar.update, raw, "read")

    return bar, wrap

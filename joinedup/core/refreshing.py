"""A per-process, in-memory copy of reference data that notices database changes.

Hot paths (point → areas, the service catalogue, bodies by area, request types) read
from memory; each copy compares a cheap fingerprint of its tables at most every
JOINEDUP_AREA_INDEX_TTL seconds and rebuilds when it changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Fingerprinted(Protocol):
    @property
    def fingerprint(self) -> Hashable: ...


T = TypeVar("T", bound=Fingerprinted)


class RefreshingIndex(Generic[T]):
    def __init__(self, build: Callable[[], T], fingerprint: Callable[[], Hashable]) -> None:
        self._build = build
        self._fingerprint = fingerprint
        self._lock = threading.Lock()
        self._index: T | None = None
        self._checked = 0.0

    def get(self) -> T:
        from django.conf import settings

        index = self._index
        age = time.monotonic() - self._checked
        # 0 <= age: a clock that went backwards (tests travelling in time) forces a check.
        if index is not None and 0 <= age < settings.JOINEDUP_AREA_INDEX_TTL:
            return index
        with self._lock:
            index = self._index
            if index is None or self._fingerprint() != index.fingerprint:
                index = self._build()
                self._index = index
            self._checked = time.monotonic()
            return index

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._checked = 0.0

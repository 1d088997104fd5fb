"""Need-matching accuracy on a labelled set of resident phrasings."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.catalogue.selectors import need_match


@dataclass
class Evaluation:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def read_labelled(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["text"], row["expected"]) for row in csv.DictReader(handle)]


def evaluate(rows: list[tuple[str, str]]) -> Evaluation:
    result = Evaluation()
    for text, expected in rows:
        ranked = [m.service.code for m in need_match(text=text, limit=3)]
        result.total += 1
        if ranked[:1] == [expected]:
            result.top1 += 1
        if expected in ranked:
            result.top3 += 1
        if ranked[:1] != [expected]:
            result.misses.append((text, expected, ranked))
    return result

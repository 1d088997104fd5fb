"""Duplicate detection that tolerates typing mistakes, computed in Python so it behaves
the same on PostgreSQL and SQLite. Candidates are found through indexed columns (phonetic
name keys, date of birth, postcode, email) and then scored here."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
# Weights of each kind of evidence, and the score from which a pair is suggested.
NAME_WEIGHT, DOB_WEIGHT, POSTCODE_WEIGHT, EMAIL_WEIGHT = 0.5, 0.3, 0.15, 0.3
SUGGEST_FROM = 0.5


def fold(text: str) -> str:
    """Lower case, accents removed, letters only ("Ó Súilleabháin" → "osuilleabhain")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(
        r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    )


def soundex(text: str) -> str:
    """American Soundex (the census rules: h and w do not separate equal codes)."""
    letters = fold(text)
    if not letters:
        return ""
    result = letters[0].upper()
    last = SOUNDEX_CODES.get(letters[0], "")
    for ch in letters[1:]:
        code = SOUNDEX_CODES.get(ch, "")
        if code and code != last:
            result += code
        if ch not in "hw":
            last = code
    return (result + "000")[:4]


def normalise_postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


def normalise_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    return "0" + digits[2:] if digits.startswith("44") else digits


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swap of two letters is one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(row[j - 1] + 1, rows[-1][j] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def name_similarity(a: str, b: str) -> float:
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    ratio = 1 - edit_distance(fa, fb) / max(len(fa), len(fb))
    if soundex(fa) == soundex(fb):
        ratio = max(ratio, 0.85)
    return ratio


def dob_similarity(a: dt.date | None, b: dt.date | None) -> float:
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return 0.7  # day and month typed the wrong way round
    sa, sb = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    if edit_distance(sa, sb) == 1:
        return 0.7  # one digit mistyped or two swapped
    return 0.0


@dataclass
class Identity:
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    postcodes: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class MatchScore:
    score: float
    reasons: tuple[str, ...]


def score(a: Identity, b: Identity) -> MatchScore:
    given = name_similarity(a.given_name, b.given_name)
    family = name_similarity(a.family_name, b.family_name)
    # Given and family names typed into each other's boxes.
    swapped = (
        name_similarity(a.given_name, b.family_name) + name_similarity(a.family_name, b.given_name)
    ) / 2
    name = max((given + family) / 2, swapped)
    dob = dob_similarity(a.date_of_birth, b.date_of_birth)
    postcode = 1.0 if a.postcodes & b.postcodes else 0.0
    email = 1.0 if a.emails & b.emails else 0.0
    total = (
        NAME_WEIGHT * name + DOB_WEIGHT * dob + POSTCODE_WEIGHT * postcode + EMAIL_WEIGHT * email
    )
    reasons = []
    if name >= 0.8:
        reasons.append("name" if name == 1 else "similar name")
    if dob:
        reasons.append("date of birth" if dob == 1 else "similar date of birth")
    if postcode:
        reasons.append("postcode")
    if email:
        reasons.append("email")
    return MatchScore(round(min(total, 1.0), 3), tuple(reasons))

"""Turning what a resident typed into comparable terms: folding, stop words, a light
stemmer for English and Welsh, Welsh initial mutations, and bounded edit distance.

Pure functions with no database, so need matching runs the same on SQLite and PostGIS.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")

_ENGLISH_STOP_WORDS = """
a about above after again against all am an and any are as at be been before being below
between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there
these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself want need needs needed
like get got getting please help tell find out know about im ive id dont cant wont isnt
arent wasnt werent didnt doesnt hasnt havent again still someone somebody something
there theres outside near next road's since weeks week days ages months month ago
also really just very today yesterday go goes going youre theyre its whats hes shes
thats ok thanks hi hello dear
"""
_WELSH_STOP_WORDS = """
a ac ag am ar at i o y yr r mae yn ei eu fy fi ti chi ni nhw ef hi e wedi bod oes sydd
sy ddim nid na nad ond os pan ble beth sut pam gyda gan heb hefyd iawn eisiau angen isio
help helpu moyn rwyf rwy dw dwi rydw rydyn rydym mi ein eich hwn hon hyn hynny yma yna
fe ddoe heddiw wythnos wythnosau ers dydy dyw dydyr roedd oedd wnaeth nag ydy ydi yw ydw
pa pryd
"""
STOP_WORDS = {
    "en": frozenset(_ENGLISH_STOP_WORDS.split()),
    "cy": frozenset(_WELSH_STOP_WORDS.split()),
}
STOP_WORDS["any"] = STOP_WORDS["en"] | STOP_WORDS["cy"]
# "for weeks" says nothing about the service, but "which week" and "what day" ask about
# a schedule: a time word right after a question word is kept.
_ASKING = frozenset(["which", "what", "whats", "pa", "pryd"])
_TIMES = frozenset(["day", "days", "week", "weeks", "month", "wythnos", "diwrnod"])

# Welsh initial mutations, mutated start → possible radical starts (soft, nasal and
# aspirate; longest first). Used to find the dictionary form of a word like
# "nhwll" (twll) or "fin" (bin).
_MUTATIONS = [
    ("ngh", ("c",)),
    ("mh", ("p",)),
    ("nh", ("t",)),
    ("ng", ("g",)),
    ("ch", ("c",)),
    ("ph", ("p",)),
    ("th", ("t",)),
    ("dd", ("d",)),
    ("f", ("b", "m")),
    ("g", ("c",)),
    ("b", ("p",)),
    ("d", ("t",)),
    ("l", ("ll",)),
    ("r", ("rh",)),
    ("m", ("b",)),
    ("n", ("d",)),
    ("w", ("gw",)),
    ("a", ("ga",)),
    ("o", ("go",)),
    ("e", ("ge",)),
    ("i", ("gi",)),
    ("y", ("gy",)),
    ("l", ("gl",)),
    ("r", ("gr",)),
]


def fold(text: str) -> str:
    """Lower case, accents off (residents often type 'sw^n' as 'swn'), apostrophes joined."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Welsh clitics ("wagio'r", "i'w") stand apart; English contractions ("weren't")
    # stay one word.
    text = re.sub(r"['\u2019`](r|n|i|u|w|m|th|ch)\b", r" \1", text)
    return re.sub(r"['\u2019`]", "", text)


_AGE = re.compile(r"\b(\d{1,2}) ?(?:year|yr)s? ?olds?\b")


def _age(found: re.Match[str]) -> str:
    # "my 4 year old" is a child; "my 85 year old mum" is not.
    return found.group(0) + (" child" if int(found.group(1)) < 18 else "")


def words(text: str) -> list[str]:
    return _WORD.findall(_AGE.sub(_age, fold(text)))


# Irregular English forms residents use for what went wrong, to the form the catalogue's
# keywords use ("someone broke into my car" / "car broken into").
_IRREGULAR = {
    "broke": "broken",
    "threw": "throw",
    "thrown": "throw",
    "blew": "blow",
    "blown": "blow",
    "froze": "freeze",
    "frozen": "freeze",
}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A light suffix stripper, the same for every language: consistent on both sides of
    a comparison matters more than linguistic accuracy."""
    w = _IRREGULAR.get(word, word)
    if len(w) <= 3 or w.isdigit():
        return w
    # Welsh plurals and English inflections.
    for suffix, replacement, min_len in (
        ("iau", "", 6),
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("sses", "ss", 5),
        ("ings", "", 6),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "e", 5),
        ("au", "", 5),
        ("ly", "", 5),
    ):
        if w.endswith(suffix) and len(w) >= min_len:
            w = w[: -len(suffix)] + replacement
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
            w = w[:-1]
    for suffix in ("ion", "ions"):
        if w.endswith(suffix) and len(w) > 6 and w[-len(suffix) - 1] in "ts":
            w = w[: -len(suffix)]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]  # "dumpping"/"runn" → one consonant
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def terms(text: str, language: str) -> list[str]:
    """Stemmed content words of `text`, stop words of both languages removed."""
    stops = STOP_WORDS[language]
    found = words(text)
    return [
        stem(w)
        for i, w in enumerate(found)
        if w not in stops or (w in _TIMES and i and found[i - 1] in _ASKING)
    ]


def demutations(word: str) -> list[str]:
    """Radical forms a mutated Welsh word may come from."""
    out: list[str] = []
    for mutated, radicals in _MUTATIONS:
        if word.startswith(mutated) and len(word) > len(mutated) + 1:
            rest = word[len(mutated) :]
            out.extend(r + rest for r in radicals)
    if word[:1] in "aeiouwy" and len(word) > 2:
        out.append("g" + word)
    if word.startswith("h") and len(word) > 3 and word[1] in "aeiouwy":
        out.append(word[1:])
    return out


def within_distance(a: str, b: str, limit: int) -> bool:
    """Whether the optimal-string-alignment distance of a and b is at most `limit`
    (a transposition counts once: 'potohle' is one step from 'pothole')."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return False
        previous2, previous = previous, current
    return previous[len(b)] <= limit


def edit_limit(word: str) -> int:
    """How many typing slips to forgive: none in short words, where one slip makes
    another word ('bin'/'bun'), one from four letters, two from eight."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2

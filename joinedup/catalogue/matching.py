"""Need matching: free text → services ranked with a confidence.

Lexical, in memory and independent of the database: every service is a small bag of
stemmed terms from its names, topic and keywords (English and Welsh), each weighted by
the field it came from and by how rare it is across the catalogue (idf). A request's
words are matched exactly, then through Welsh mutations or a restored dropped g, then
with typing slips forgiven, then through synonym groups, each step at a lower weight.
Keyword phrases found whole in the request add a bonus, so "hole in the road" beats
"hole" alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from joinedup.catalogue.text import (
    demutations,
    edit_limit,
    stem,
    terms,
    within_distance,
    words,
)

# Field weights: a word of the service's own name says more than one of many keywords.
NAME_WEIGHT = 2.6
KEYWORD_WEIGHT = 2.5
TOPIC_WEIGHT = 2.0
# How much a word found indirectly counts, against 1.0 for the word itself.
MUTATION_WEIGHT = 0.95
DROPPED_G_WEIGHT = 0.9
FUZZY_WEIGHT = 0.75
SYNONYM_WEIGHT = 0.7
PHRASE_BONUS = 1.2
PHRASE_PART = 0.8
# A word found directly in any field (a topic, or one word of a keyword phrase) fully
# explains that word of the request, for the confidence.
FULL_STRENGTH = KEYWORD_WEIGHT * PHRASE_PART
# Negations are stop words, but "not collected", "never came", "heb ei gasglu" report
# that something expected did not happen: they add a little weight to the catalogue's
# words for a missed service, without counting towards how much of the request a
# service explains.
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "didnt",
        "hasnt",
        "havent",
        "wasnt",
        "werent",
        "isnt",
        "wont",
        "doesnt",
        "dont",
        "cant",
        "aint",
        "heb",
        "ddim",
        "dydy",
        "dyw",
        "nid",
        "na",
    ]
)
NEGATION_CUE = "~not"
NEGATION_MEANS = ("missed",)
NEGATION_WEIGHT = 0.35
# Softmax temperature over scores (which run from about 5 to 40) and how many leading
# candidates share the confidence.
TEMPERATURE = 3.0
CANDIDATES = 5
# Below this, the front door offers choices instead of guessing (issue 3: "when
# confidence is low, the page offers the top choices rather than guessing").
CONFIDENT = 0.45


@dataclass(frozen=True)
class ServiceText:
    code: str
    names: tuple[str, ...]
    topics: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    code: str
    score: float
    confidence: float


@dataclass
class _Doc:
    weights: dict[str, float] = field(default_factory=dict)
    phrases: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, text: str, weight: float, phrase: bool, part: float = 1.0) -> None:
        found = terms(text, "any")
        if phrase and len(set(found)) >= 2:
            # A word that appears only inside a longer keyword ("number" of "number
            # plates") says less on its own than a keyword by itself; the phrase bonus
            # rewards the whole phrase.
            weight *= part
        for term in found:
            if weight > self.weights.get(term, 0.0):
                self.weights[term] = weight
        if phrase and len(set(found)) >= 2:
            self.phrases.append(tuple(dict.fromkeys(found)))


class NeedMatcher:
    def __init__(self, services: Iterable[ServiceText], synonym_groups: Iterable[list[str]]):
        self.docs: dict[str, _Doc] = {}
        for service in services:
            doc = _Doc()
            for name in service.names:
                doc.add(name, NAME_WEIGHT, phrase=True)
            for topic in service.topics:
                doc.add(topic, TOPIC_WEIGHT, phrase=False)
            for keyword in service.keywords:
                doc.add(keyword, KEYWORD_WEIGHT, phrase=True, part=PHRASE_PART)
            self.docs[service.code] = doc
        df: dict[str, int] = defaultdict(int)
        for doc in self.docs.values():
            for term in doc.weights:
                df[term] += 1
        n = max(len(self.docs), 1)
        self.idf = {term: math.log(1 + n / count) for term, count in df.items()}
        self.unknown_idf = math.log(1 + n) / 2
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for code, doc in self.docs.items():
            for term, weight in doc.weights.items():
                self.postings[term].append((code, weight))
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for term in self.idf:
            self.by_length[len(term)].append(term)
        self.synonyms: dict[str, set[str]] = defaultdict(set)
        for group in synonym_groups:
            stems = {t for word in group for t in terms(word, "any")}
            for member in stems:
                self.synonyms[member] |= stems - {member}
        self.negation_means = {
            t: NEGATION_WEIGHT
            for word in NEGATION_MEANS
            for t in terms(word, "any")
            if t in self.idf
        }
        self._match = lru_cache(maxsize=20_000)(self._match_uncached)

    # -- expanding one word ------------------------------------------------------------
    def _fuzzy(self, term: str) -> list[str]:
        limit = edit_limit(term)
        if not limit:
            return []
        found = []
        for length in range(len(term) - limit, len(term) + limit + 1):
            for candidate in self.by_length.get(length, ()):
                same_start = candidate[0] == term[0] or limit > 1
                if same_start and within_distance(term, candidate, limit):
                    found.append(candidate)
        return found

    def _compound(self, term: str) -> dict[str, float]:
        """'streetlamp' → 'street' + 'lamp', when both halves are catalogue words."""
        for cut in range(3, len(term) - 2):
            head, tail = term[:cut], stem(term[cut:])
            if head in self.idf and tail in self.idf:
                return {head: FUZZY_WEIGHT, tail: FUZZY_WEIGHT}
        return {}

    def expand(self, term: str) -> dict[str, float]:
        """Catalogue terms standing for `term`, with how much each counts."""
        direct: dict[str, float] = {}
        fuzzy = False
        if term in self.idf:
            direct[term] = 1.0
        else:
            for radical in demutations(term):
                for candidate in {radical} | set(terms(radical, "any")):
                    if candidate in self.idf:
                        direct[candidate] = MUTATION_WEIGHT
            if not direct and term.endswith("in") and len(term) >= 5:
                # A dropped g ("parkin", "leakin") is how the word is said, not a slip.
                spoken = stem(term + "g")
                if spoken in self.idf:
                    direct[spoken] = DROPPED_G_WEIGHT
            if not direct and term in self.synonyms:
                # A word a synonym group knows is a real word, not a typing slip of a
                # catalogue word ("stole" is not a slip of "stone"): use its synonyms.
                for synonym in self.synonyms[term]:
                    if synonym in self.idf:
                        direct[synonym] = SYNONYM_WEIGHT
                return direct
            if not direct:
                direct.update(self._compound(term))
            if not direct:
                found = self._fuzzy(term)
                fuzzy = bool(found)
                # A slip that could be any of several catalogue words ("past": pass,
                # part, pest, post) says little about which one was meant.
                for candidate in found:
                    direct[candidate] = FUZZY_WEIGHT / math.sqrt(len(found))
        expanded = dict(direct)
        if fuzzy:
            # A guessed correction is not expanded again through synonyms: a guess of
            # a guess ("store" → "stole" → "theft") is noise.
            return expanded
        for found_term, weight in direct.items():
            for synonym in self.synonyms.get(found_term, ()):
                if synonym in self.idf:
                    expanded[synonym] = max(expanded.get(synonym, 0.0), weight * SYNONYM_WEIGHT)
        return expanded

    # -- ranking -----------------------------------------------------------------------
    def match(self, text: str, limit: int = 5) -> list[Match]:
        found = terms(text, "any")
        if found and NEGATIONS.intersection(words(text)):
            found.append(NEGATION_CUE)
        return list(self._match(" ".join(found), limit))

    def _match_uncached(self, normalised: str, limit: int) -> tuple[Match, ...]:
        query = list(dict.fromkeys(normalised.split()))
        if not query:
            return ()
        expansions = [
            dict(self.negation_means) if term == NEGATION_CUE else self.expand(term)
            for term in query
        ]
        importance = [
            0.0
            if term == NEGATION_CUE
            else max((self.idf[t] for t in exp), default=self.unknown_idf)
            for term, exp in zip(query, expansions, strict=True)
        ]
        total_importance = sum(importance) or 1.0
        scores: dict[str, float] = defaultdict(float)
        coverage: dict[str, float] = defaultdict(float)
        for exp, weight_of_word in zip(expansions, importance, strict=True):
            best: dict[str, tuple[float, float]] = {}
            for term, weight in exp.items():
                idf = self.idf[term]
                for code, field_weight in self.postings[term]:
                    score = weight * idf * field_weight
                    if score > best.get(code, (0.0, 0.0))[0]:
                        best[code] = (score, weight * field_weight / FULL_STRENGTH)
            for code, (score, strength) in best.items():
                scores[code] += score
                coverage[code] += weight_of_word * min(strength, 1.0)
        # Each catalogue term reached, how strongly, and by which of the request's words.
        matched: dict[str, float] = {}
        reached_by: dict[str, set[int]] = defaultdict(set)
        for position, exp in enumerate(expansions):
            for term, weight in exp.items():
                matched[term] = max(matched.get(term, 0.0), weight)
                reached_by[term].add(position)
        for code in list(scores):
            bonus = 0.0
            for phrase in self.docs[code].phrases:
                if not all(t in matched for t in phrase):
                    continue
                # A phrase is found whole only when different words of the request
                # reach its terms: one word whose synonyms happen to cover a phrase
                # ("bin" → "lorry" for "bin lorry") is not the phrase.
                if len(set().union(*(reached_by[t] for t in phrase))) < len(phrase):
                    continue
                # A phrase met through synonyms or typing slips counts for less.
                found = sum(self.idf[t] * matched[t] for t in phrase)
                bonus = max(bonus, PHRASE_BONUS * found)
            scores[code] += bonus
            if bonus:
                coverage[code] += 0.25 * total_importance
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES]
        if not ranked:
            return ()
        # Confidence: how much of the request the service explains (fit), times its
        # share of a softmax over the leading candidates, so a near-tie between two
        # services is low confidence however well each one fits.
        top = ranked[0][1]
        weights = [math.exp((score - top) / TEMPERATURE) for _code, score in ranked]
        total = sum(weights)
        results = []
        for (code, score), weight in zip(ranked[:limit], weights, strict=False):
            fit = min(coverage[code] / total_importance, 1.0)
            confidence = fit * weight / total
            results.append(Match(code=code, score=round(score, 3), confidence=round(confidence, 2)))
        return tuple(results)

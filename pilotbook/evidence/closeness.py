"""How close a published pilot is to an idea: the model behind "before you start" (ADR 0016).

"Before you start", the registration page's check, a pilot page's "Similar pilots elsewhere" and
`pilotbook similar` rank search's best candidates for an idea (pilotbook.evidence.search.similar_pilots; in the
bench, ranking.MemoryIndex.similar) by closeness_of_candidates and label each with Closeness.label. The words of
the idea are prepared once (Idea): stemmed as search stems them, tagged with search's synonym groups and the
groups of data/idea_vocabulary.txt, without the vocabulary's context words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .ranking import (
    DEFAULT_PARAMS,
    CorpusStats,
    Params,
    Scorer,
    Thesaurus,
    best_possible,
    default_thesaurus,
    query_weights,
    stems,
)

# The labels a match can have, closest first. "same" and "related" are the words the pages show.
SAME, RELATED = "same", "related"
CLOSENESS_WORDS = {SAME: "the same idea", RELATED: "a related idea"}


@dataclass(frozen=True)
class Closeness:
    """How close a pilot is to an idea, from 0 to 1, and the thresholds of its two labels.

    Parts measured from the idea's side or from a short field, so that a long record is not penalised for being
    long (the cosine this replaced was diluted by every word of a long summary):

    * idea coverage: the share of the idea's words (IDF-weighted; a word also counts as found when a synonym
      group over it, from data/synonyms.txt or data/idea_vocabulary.txt, is in the record) found in the record's
      title, problem, change or lessons. Context words of the vocabulary ("we want to try", "in our district",
      "since covid") are not part of the idea. An idea may carry other context no record repeats, so the share's
      denominator is capped at `cap` times the IDF of a word found in one record: matching that much distinctive
      vocabulary is as good as matching all of it;
    * title coverage: the share of the record's title (IDF-weighted, without its council's name, context words
      such as "randomised trial" and numbers) that the idea mentions, or mentions a synonym of. A title says what
      a pilot was about, and its length does not change when the summary grows;
    * BM25F of the record without length normalisation (b = 0), divided by the idea's best possible score:
      unrelated text added to a record changes neither;
    * rank: the record's search score over the best candidate's (closeness_of_candidates), weighted
      `rank_weight`; the calibration may choose it, and chose 0 on the 98 ideas.

    The weights and thresholds were chosen on all 98 ideas of bench/relevance/ideas.jsonl by
    bench/relevance/calibrate.py, which also prints their k-fold cross-validated figures (README.md there).
    """

    cap: float = 4.0
    title_weight: float = 0.25
    bm25_weight: float = 0.25
    rank_weight: float = 0.0
    related: float = 0.46  # at least "a related idea": shown
    same: float = 0.61  # "the same idea"
    count_unknown_words: bool = True  # words no published pilot uses count in the idea's share (never found)

    def label(self, closeness: float) -> str | None:
        if closeness >= self.same:
            return SAME
        return RELATED if closeness >= self.related else None


CLOSENESS = Closeness()
COVERAGE_FIELDS = ("title", "problem", "change", "lessons")


VOCABULARY_FILE = Path(__file__).parent / "data" / "idea_vocabulary.txt"


class Vocabulary(NamedTuple):
    """What "before you start" knows beyond search's synonyms (data/idea_vocabulary.txt): more groups of words
    that mean the same thing, matched when an idea is compared with a record; and context words officers add
    about their own situation ("we want to try this in our district since covid"), left out of the idea."""

    groups: Thesaurus
    context: frozenset[str]

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        context = [line.split(":", 1)[1] for line in lines if line.startswith("context:")]
        groups = [line.split(",") for line in lines if line and not line.startswith("context:")]
        # Its own feature names ("xv..."), so they never mix with search's stored synonym features ("xs...").
        return cls(Thesaurus(groups, prefix="xv"), frozenset(stems(" ".join(context).replace(",", " "))))


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return Vocabulary.from_text(VOCABULARY_FILE.read_text(encoding="utf-8"))


NO_VOCABULARY = Vocabulary(Thesaurus([]), frozenset())


def _groups_over(words: list[str], *thesauri: Thesaurus) -> dict[int, set[str]]:
    """Word position -> the synonym groups of any of `thesauri` over it."""
    over: dict[int, set[str]] = {}
    for thesaurus in thesauri:
        for first, last, concepts in thesaurus.spans(words):
            for i in range(first, last + 1):
                over.setdefault(i, set()).update(concepts)
    return over


class Idea:
    """An idea's text, prepared once to be compared with many records."""

    def __init__(self, text: str, thesaurus: Thesaurus | None = None, params: Params = DEFAULT_PARAMS,
                 vocabulary: Vocabulary | None = None):
        thesaurus = thesaurus or default_thesaurus()
        self.thesaurus = thesaurus
        self.vocabulary = vocabulary = vocabulary or default_vocabulary()
        words = stems(text)
        over = _groups_over(words, thesaurus, vocabulary.groups)
        self.aspects: dict[str, frozenset[str]] = {}  # each distinct word, with the synonym groups over it
        for i, word in enumerate(words):
            if word not in vocabulary.context:
                self.aspects[word] = self.aspects.get(word, frozenset()) | over.get(i, set())
        self.features = set(self.aspects).union(*self.aspects.values()) if self.aspects else set()
        self.weights = {f: w for f, w in query_weights(text, thesaurus, params).items()
                        if f not in vocabulary.context}
        self.uses_vocabulary = any(g.startswith("xv") for g in self.features)

    def title_words(self, doc: Mapping[str, list[str]]) -> list[tuple[str, frozenset[str]]]:
        """The record's title words (without its council's name), each with the synonym groups over it."""
        council = set(doc.get("council", ()))
        words = [f for f in doc.get("title", ()) if not f.startswith("xs")]
        over = _groups_over(words, self.thesaurus, self.vocabulary.groups)
        out: dict[str, frozenset[str]] = {}
        context = self.vocabulary.context
        for i, word in enumerate(words):
            if word not in council and word not in context and not word.isdigit():
                out[word] = out.get(word, frozenset()) | over.get(i, set())
        return list(out.items())

    def present(self, doc: Mapping[str, list[str]]) -> set[str]:
        """The features of the record's title, problem, change and lessons, with the vocabulary's groups in them."""
        found = set().union(*(doc.get(name, ()) for name in COVERAGE_FIELDS))
        if self.uses_vocabulary:  # only an idea with a vocabulary group can match one
            for name in COVERAGE_FIELDS:
                words = [f for f in doc.get(name, ()) if not f.startswith("xs")]
                found.update(self.vocabulary.groups.concepts(words))
        return found


UNNORMALISED = Params(b=0.0)


class Measure:
    """An idea measured against a collection's statistics, for many records: what closeness_parts needs of the idea
    alone (each of its words' IDF, the share's denominator, its best possible score, a Scorer for its features) is
    worked out once here, not again for every candidate. The figures are closeness_parts' to the last bit: the same
    arithmetic, each sum in the same order.

    `stats.df` must hold the idea's features and the records' title words.
    """

    def __init__(self, idea: Idea, stats: CorpusStats, model: Closeness = CLOSENESS):
        self.idea, self.stats, self.model = idea, stats, model
        self.aspects: list[tuple[str, frozenset[str], float]] = []  # the idea's words in its share, with their IDF
        self.total = 0.0
        for word, groups in idea.aspects.items():
            if not model.count_unknown_words and not stats.df.get(word) and not any(stats.df.get(g) for g in groups):
                continue
            weight = stats.idf(word)
            self.total += weight
            self.aspects.append((word, groups, weight))
        rare = math.log(1 + stats.doc_count)  # the IDF of a word found in one record, roughly
        self.denominator = min(self.total, model.cap * rare)
        self.best = best_possible(idea.weights, stats)
        self.unnormalised = Scorer(idea.weights, stats, UNNORMALISED)
        self._idf: dict[str, float] = {}

    def idf(self, word: str) -> float:
        found = self._idf.get(word)
        if found is None:
            found = self._idf[word] = self.stats.idf(word)
        return found

    def parts(self, doc: Mapping[str, list[str]]) -> tuple[float, float, float]:
        """closeness_parts(idea, doc, stats, model)."""
        idea = self.idea
        present = idea.present(doc)
        found = 0.0
        for word, groups, weight in self.aspects:
            if word in present or not groups.isdisjoint(present):
                found += weight
        coverage = min(found / self.denominator, 1.0) if self.total else 0.0
        title = idea.title_words(doc)
        idf = self.idf
        title_total = sum(idf(word) for word, _ in title)
        title_found = sum(idf(word) for word, groups in title
                          if word in idea.features or not groups.isdisjoint(idea.features))
        bm25 = self.unnormalised(doc) / self.best if self.best else 0.0
        return coverage, (title_found / title_total if title_total else 0.0), min(bm25, 1.0)

    def closeness(self, doc: Mapping[str, list[str]], relative: float = 1.0) -> float:
        """closeness(idea, doc, stats, model, relative)."""
        model = self.model
        coverage, title, bm25 = self.parts(doc)
        rest = 1.0 - model.title_weight - model.bm25_weight - model.rank_weight
        return (rest * coverage + model.title_weight * title + model.bm25_weight * bm25
                + model.rank_weight * min(max(relative, 0.0), 1.0))


def closeness_parts(idea: Idea, doc: Mapping[str, list[str]], stats: CorpusStats,
                    model: Closeness = CLOSENESS) -> tuple[float, float, float]:
    """(idea coverage, title coverage, normalised BM25F) of one record; each from 0 to 1 (see Closeness).

    `stats.df` must hold the idea's features and the record's title words. For many records, use a Measure.
    """
    return Measure(idea, stats, model).parts(doc)


def closeness(idea: Idea, doc: Mapping[str, list[str]], stats: CorpusStats, model: Closeness = CLOSENESS,
              relative: float = 1.0) -> float:
    """How close a record is to an idea, from 0 (nothing shared) to 1; see Closeness. `relative` is the record's
    search score over the best candidate's (1 for the best, as for a record compared alone)."""
    return Measure(idea, stats, model).closeness(doc, relative)


def closeness_of_candidates(idea: Idea, candidates: Iterable[tuple[object, float, Mapping[str, list[str]]]],
                            stats: CorpusStats, model: Closeness = CLOSENESS) -> dict[object, float]:
    """Closeness of each of search's candidates for an idea, given as (key, search score, features): each record's
    score is measured against the best candidate's (the rank part of Closeness)."""
    candidates = list(candidates)
    top = max((found for _, found, _ in candidates), default=0.0)
    measure = Measure(idea, stats, model)
    return {key: measure.closeness(doc, relative=found / top if top > 0 else 0.0) for key, found, doc in candidates}


def title_words_of(docs: Iterable[Mapping[str, list[str]]]) -> set[str]:
    """The title words whose document frequencies closeness() needs, beyond the idea's own: as Idea.title_words
    counts them, without the record's council's name and numbers (a title such as "... (Dorset Council, 2020)"
    would otherwise ask for every council's name among the candidates)."""
    words = set()
    for doc in docs:
        council = set(doc.get("council", ()))
        words.update(f for f in doc.get("title", ()) if not f.startswith("xs") and f not in council and not f.isdigit())
    return words

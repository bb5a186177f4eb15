"""The ranking core of evidence search: tokenise, stem, tag synonyms, score, highlight. Pure Python, no Django.

The same functions rank pilots in the app (pilotbook.evidence.search, which only asks the database for
candidates and corpus statistics) and in the relevance bench (bench/relevance/run.py), so the figures the
bench reports are the ranking users get.

How a text becomes features:
1. words are found on the original text (so highlights keep exact positions), accents folded, lower-cased;
2. English stop words are dropped and each word is stemmed (Snowball English, the stemmer PostgreSQL uses);
3. every phrase of the synonym file (data/synonyms.txt) found in the stemmed word sequence adds its group's
   concept feature (``xs`` + 8 hex digits), so "binmen", "refuse collection crews" and "waste operatives"
   share one feature. Documents and queries are tagged the same way, so a concept's document frequency is
   exact and multi-word synonyms need no phrase queries.

Scoring is BM25F (Robertson and Zaragoza, 2009) over the fields below, with query weights that let a literal
word count more than a synonym of it.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from operator import is_not
from pathlib import Path
from typing import NamedTuple

import snowballstemmer

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"

# Searchable fields, in the order the database index stores them.
FIELDS = ("title", "problem", "change", "lessons", "partners", "council", "facets")

# "no" and "not" are kept: "no access" and "bins not emptied" mean something.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself nor of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves s t d ll m re ve""".split()  # noqa: SIM905
)

MAX_WORD = 40  # longer "words" are URLs, codes or junk; dropping them keeps stored terms short
_WORD = re.compile(r"[^\W_]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_NONE = partial(is_not, None)
# A snowball stemmer keeps the word it is stemming in itself, so two threads sharing one corrupt each other's words
# (IndexError under gunicorn's threads): each thread has its own.
_stemmers = threading.local()


@dataclass(frozen=True)
class Params:
    """Tunable ranking weights; the defaults are the ones tuned on the bench's dev queries only."""

    k1: float = 1.2
    b: float = 0.5
    field_weights: tuple[tuple[str, float], ...] = (
        ("title", 3.0), ("problem", 1.5), ("change", 2.0), ("lessons", 1.0),
        ("partners", 1.0), ("council", 1.0), ("facets", 0.5),
    )
    concept_weight: float = 1.5  # a synonym group matched by the query
    covered_literal_weight: float = 0.5  # a query word that is also part of a matched synonym phrase

    @cached_property
    def _weights(self) -> dict[str, float]:
        return dict(self.field_weights)

    def weight(self, field_name: str) -> float:
        return self._weights.get(field_name, 1.0)


DEFAULT_PARAMS = Params()


class Token(NamedTuple):
    stem: str
    start: int
    end: int


@lru_cache(maxsize=50_000)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return _NOT_ALNUM.sub("", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


@lru_cache(maxsize=100_000)
def _content_stem(raw: str) -> str | None:
    """The stem of a word as found in text, or None for a stop word or junk."""
    word = _fold(raw)
    return stem(word) if word and word not in STOP_WORDS and len(word) <= MAX_WORD else None


def tokenise(text: str) -> list[Token]:
    """Content words of `text`, stemmed, with their character positions in the original text."""
    tokens = []
    for match in _WORD.finditer(text or ""):
        stemmed = _content_stem(match.group())
        if stemmed is not None:
            tokens.append(Token(stemmed, match.start(), match.end()))
    return tokens


def stems(text: str) -> list[str]:
    """The stems of tokenise(text), without positions (the fast path for indexing and queries; no loop in Python:
    an import stems every text of 100,000 documents)."""
    return list(filter(_NOT_NONE, map(_content_stem, _WORD.findall(text or ""))))


def concept_id(first_phrase: str) -> str:
    """A stable feature name for a synonym group: survives other groups being added or removed."""
    return "xs" + hashlib.sha1(first_phrase.encode()).hexdigest()[:8]  # noqa: S324 (a name, not security)


@dataclass(frozen=True)
class PhraseMatch:
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)
    concept: str


class Thesaurus:
    """Synonym groups, matched on stemmed token sequences."""

    def __init__(self, groups: Iterable[Iterable[str]], prefix: str = "xs"):
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        self.groups: dict[str, list[str]] = {}
        for group in groups:
            group = [p.strip() for p in group if p.strip()]
            if not group:
                continue
            cid = prefix + concept_id(group[0])[2:]
            self.groups[cid] = group
            for phrase in group:
                key = tuple(t.stem for t in tokenise(phrase))
                if key:
                    self.phrases.setdefault(key, set()).add(cid)
        self.longest = max((len(k) for k in self.phrases), default=0)
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths_from = {first: sorted(n) for first, n in lengths.items()}  # the phrase lengths per first stem
        self.version = hashlib.sha1(repr(sorted(self.groups.items())).encode()).hexdigest()[:12]  # noqa: S324

    @classmethod
    def from_text(cls, text: str) -> Thesaurus:
        lines = (line.split("#", 1)[0] for line in text.splitlines())
        return cls(line.split(",") for line in lines if line.strip())

    @classmethod
    def from_file(cls, path: Path = SYNONYMS_FILE) -> Thesaurus:
        return cls.from_text(path.read_text(encoding="utf-8"))

    def spans(self, stems: list[str]) -> Iterator[tuple[int, int, list[str]]]:
        """(first, last, concepts) of each synonym phrase in `stems`, in order: its first and last stems' positions
        and its concept ids, sorted. matches() without a PhraseMatch for each (closeness asks for every candidate's
        title and, for an idea with a vocabulary group, four of its fields)."""
        lengths_from, phrases, count = self.lengths_from, self.phrases, len(stems)
        if lengths_from.keys().isdisjoint(stems):  # no phrase starts here (most texts): no loop in Python
            return
        for i, first in enumerate(stems):
            lengths = lengths_from.get(first)
            if lengths is None:
                continue
            for n in lengths:
                if i + n > count:
                    break
                cids = phrases.get(tuple(stems[i:i + n]))
                if cids:
                    yield i, i + n - 1, sorted(cids)

    def matches(self, stems: list[str]) -> list[PhraseMatch]:
        return [PhraseMatch(first, last, cid) for first, last, cids in self.spans(stems) for cid in cids]

    def concepts(self, stems: list[str]) -> list[str]:
        """The concept of each of `matches(stems)`, in its order, without a PhraseMatch for each: what indexing
        needs, and building the frozen PhraseMatch objects was half of finding them (pilotbook import)."""
        return [cid for _first, _last, cids in self.spans(stems) for cid in cids]


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    return Thesaurus.from_file()


def features(text: str, thesaurus: Thesaurus | None = None) -> list[str]:
    """The indexed features of a text: its stems, then one concept feature per synonym phrase found."""
    thesaurus = thesaurus or default_thesaurus()
    found = stems(text)
    return found + thesaurus.concepts(found)


def document_features(fields: Mapping[str, str], thesaurus: Thesaurus | None = None) -> dict[str, list[str]]:
    return {name: features(fields.get(name) or "", thesaurus) for name in FIELDS}


def query_weights(text: str, thesaurus: Thesaurus | None = None, params: Params = DEFAULT_PARAMS) -> dict[str, float]:
    """Each query feature with its weight: literal words 1, synonym groups `concept_weight`."""
    thesaurus = thesaurus or default_thesaurus()
    words = stems(text)
    found = thesaurus.matches(words)
    covered = {i for m in found for i in range(m.first, m.last + 1)}
    weights: dict[str, float] = {}
    for i, s in enumerate(words):
        w = params.covered_literal_weight if i in covered else 1.0
        weights[s] = max(weights.get(s, 0.0), w)
    for m in found:
        weights[m.concept] = max(weights.get(m.concept, 0.0), params.concept_weight)
    return weights


@dataclass
class CorpusStats:
    """What BM25 needs to know about the whole collection."""

    doc_count: int
    avg_length: dict[str, float]
    df: Mapping[str, int] = field(default_factory=dict)

    def idf(self, feature: str) -> float:
        df = self.df.get(feature, 0)
        return math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))


def score(
    weights: Mapping[str, float], doc: Mapping[str, list[str]], stats: CorpusStats, params: Params = DEFAULT_PARAMS
) -> float:
    """BM25F: per-field length-normalised term frequencies are weighted and summed, then saturated once.

    `doc` maps each field to its features in order (document_features); only the query's are counted. To score
    many documents for one query, prepare a Scorer once.
    """
    return Scorer(weights, stats, params)(doc)


class Scorer:
    """score() for one query, prepared once to score many documents (search's candidates, each "before you start"
    candidate's closeness): each feature's IDF and each field's weight and average length are looked up here, not
    again for every document, and a field counts only the query features it holds (a set intersection) rather than
    searching itself once per query feature. The figures are score()'s to the last bit: the same arithmetic, in
    the same order for each sum."""

    def __init__(self, weights: Mapping[str, float], stats: CorpusStats, params: Params = DEFAULT_PARAMS):
        self.features = frozenset(weights)
        # qw * idf is the first product of score()'s ((qw * idf) * tf) / (k1 + tf), so the same float.
        self.idf_weights = [(feature, qw * stats.idf(feature)) for feature, qw in weights.items()]
        self.stats, self.params = stats, params
        self.fields = {name: self._field(name) for name in FIELDS}  # field -> (its weight, its average length)

    def _field(self, name: str) -> tuple[float, float]:
        return self.params.weight(name), self.stats.avg_length.get(name) or 1.0

    def __call__(self, doc: Mapping[str, list[str]]) -> float:
        b, fields, features = self.params.b, self.fields, self.features
        one_minus_b = 1 - b  # score()'s norm, 1 - b + b * length / avg, adds (1 - b) first too
        tf: dict[str, float] = {}
        for name, feats in doc.items():
            if not feats:
                continue
            held = features.intersection(feats)
            if not held:
                continue
            weight, avg = fields[name] if name in fields else self._field(name)
            norm = one_minus_b + b * len(feats) / avg
            for feature in held:
                tf[feature] = tf.get(feature, 0.0) + weight * feats.count(feature) / norm
        if not tf:
            return 0.0
        k1, total = self.params.k1, 0.0
        for feature, idf_weight in self.idf_weights:
            found = tf.get(feature)
            if found:
                total += idf_weight * found / (k1 + found)
        return total


def best_possible(weights: Mapping[str, float], stats: CorpusStats) -> float:
    """The score a document matching every query feature without limit would approach (BM25 saturates at 1)."""
    return sum(qw * stats.idf(f) for f, qw in weights.items())


def counters(doc_features: Mapping[str, list[str]]) -> dict[str, Counter]:
    return {name: Counter(feats) for name, feats in doc_features.items() if feats}


def resemblance(a: Mapping[str, list[str]], b: Mapping[str, list[str]]) -> float:
    """Jaccard similarity of two documents' stems in title, problem and change: near 1 for near-duplicates."""
    def words(doc):
        return {f for name in ("title", "problem", "change") for f in doc.get(name, ()) if not f.startswith("xs")}
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


class MemoryIndex:
    """An in-memory collection ranked by the core; the bench uses it, and it documents the app's semantics."""

    def __init__(self, docs: Mapping[str, Mapping[str, str]], thesaurus: Thesaurus | None = None,
                 params: Params = DEFAULT_PARAMS):
        self.thesaurus = thesaurus or default_thesaurus()
        self.params = params
        self.features = {key: document_features(fields, self.thesaurus) for key, fields in docs.items()}
        self.docs = {key: counters(f) for key, f in self.features.items()}
        df: Counter = Counter()
        totals: Counter = Counter()
        for doc in self.docs.values():
            df.update({f for counts in doc.values() for f in counts})
            totals.update({name: sum(counts.values()) for name, counts in doc.items()})
        n = len(self.docs)
        self.stats = CorpusStats(n, {name: totals[name] / n for name in FIELDS} if n else {}, df)

    def search(self, text: str, limit: int | None = None) -> list[tuple[str, float]]:
        weights = query_weights(text, self.thesaurus, self.params)
        scored = [(key, score(weights, self.features[key], self.stats, self.params))
                  for key, doc in self.docs.items() if any(f in counts for f in weights for counts in doc.values())]
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:limit] if limit else scored

    def similar(self, text: str, model=None, limit: int | None = 5, candidates: int = 50,
                exclude: Iterable[str] = ()) -> list[tuple[str, float, str]]:
        """The records closest to an idea, as "before you start" lists them: (key, closeness, label), closest
        first, only those at least "a related idea", at most `limit`. Candidates are search's best `candidates`
        records not in `exclude`; `model` is a closeness.Closeness (default closeness.CLOSENESS)."""
        from .closeness import CLOSENESS, Idea, closeness_of_candidates  # closeness builds on this module

        model = model or CLOSENESS
        idea = Idea(text, self.thesaurus, self.params)
        exclude = set(exclude)
        ranked = [(key, found) for key, found in self.search(text) if key not in exclude][:candidates]
        close = closeness_of_candidates(idea, ((key, found, self.features[key]) for key, found in ranked),
                                        self.stats, model)
        found = sorted(((k, c) for k, c in close.items() if model.label(c)), key=lambda pair: (-pair[1], pair[0]))
        return [(key, c, model.label(c)) for key, c in found[:limit]]


# Highlighting -----------------------------------------------------------------------------------------------

def highlight(text: str, matched: Iterable[str], thesaurus: Thesaurus | None = None,
              max_chars: int | None = None) -> str:
    """`text` with HTML escaped and the words behind `matched` features wrapped in <mark>.

    A matched synonym phrase is marked whole ("man with a van"). With `max_chars`, a long text is cut to a
    window around the first match, with an ellipsis where text was left out.
    """
    text = text or ""
    thesaurus = thesaurus or default_thesaurus()
    matched = set(matched)
    tokens = tokenise(text)
    spans = [(t.start, t.end) for t in tokens if t.stem in matched]
    for m in thesaurus.matches([t.stem for t in tokens]):
        if m.concept in matched:
            spans.append((tokens[m.first].start, tokens[m.last].end))
    spans = _merge(spans, text)
    lo, hi = _window(text, spans, max_chars)
    out, pos = [], lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:hi]))
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, and spans with only spaces between them, become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start].isspace()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], max_chars: int | None) -> tuple[int, int]:
    if not max_chars or len(text) <= max_chars:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    lo = max(0, first - max_chars // 3)
    if lo:  # start at a word boundary
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < first else lo
    hi = min(len(text), lo + max_chars)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    return lo, hi

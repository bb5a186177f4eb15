"""Search the evidence base: ranked, synonym-aware, highlighted; and "before you start" similar pilots.

    search_pilots("text people before bin day", queryset=Pilot.objects.visible_to(user), limit=20)
    similar_pilots("We want to text residents the night before collection", exclude_council=council)

The database finds candidates (FTS5 on SQLite, a tsvector GIN index on PostgreSQL) among published pilots in
`queryset`; pilotbook.evidence.ranking re-ranks them with BM25F using exact collection statistics, so the order
is the one bench/relevance/run.py measures. Drafts and anything not published are never returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from . import ranking
from .documents import pilot_search_fields
from .models import SearchDocument, SearchIndexState, SearchTerm

CANDIDATES = 200  # how many database matches the core re-ranks; beyond this the database's own rank decides
SNIPPET_CHARS = 240
MATCH_BUDGET = 5000  # PostgreSQL: rank at most about this many matching documents per query (see _selective)
SIMILAR_CANDIDATES = 50  # the best-scoring candidates whose similarity to an idea is worked out
NEAR_DUPLICATE = 0.6  # Jaccard resemblance of title, problem and change above which a hit repeats an earlier one


@dataclass(frozen=True)
class Hit:
    pilot_id: int
    score: float
    highlights: dict[str, SafeString] = field(default_factory=dict)  # field -> escaped HTML with <mark>s
    duplicate_of: int | None = None  # an earlier hit this one nearly repeats (same text, e.g. a second cohort)
    similarity: float | None = None  # similar_pilots only: cosine similarity, 0 to 1


def _published(queryset: QuerySet | None) -> QuerySet:
    """Published pilots whose results are released (an embargo sets published_at in the future)."""
    pilots = queryset if queryset is not None else Pilot.objects.all()
    return pilots.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())


def _candidates_sqlite(features: list[str], pilots: QuerySet) -> list[SearchDocument]:
    visible_sql, visible_params = pilots.values("pk").query.sql_with_params()
    match = " OR ".join(f'"{f}"' for f in features)  # features are [a-z0-9]+ only
    weights = ", ".join(str(w) for _, w in ranking.DEFAULT_PARAMS.field_weights)
    columns = ", ".join(f"evidence_searchdocument.{name}" for name in ("id", "pilot_id", *ranking.FIELDS))
    # visible_sql is Django's own compiled SQL (its values stay parameters); weights and columns are constants.
    sql = " ".join((
        "SELECT " + columns + " FROM evidence_fts",  # noqa: S608 (constants and Django-compiled SQL only)
        "JOIN evidence_searchdocument ON evidence_searchdocument.id = evidence_fts.rowid",
        "WHERE evidence_fts MATCH %s AND evidence_searchdocument.pilot_id IN (" + visible_sql + ")",
        "ORDER BY bm25(evidence_fts, " + weights + ") LIMIT %s",
    ))
    return list(SearchDocument.objects.raw(sql, [match, *visible_params, CANDIDATES]))


def _selective(features: list[str], df: dict[str, int]) -> list[str]:
    """The rarest features, up to about MATCH_BUDGET matching documents in all (at least one feature).

    Ranking every document that shares a common word ("council", "residents") with the query is what makes
    full-text ranking slow on a large collection; rare words decide which documents can be near the top, and the
    core re-ranks the candidates on every feature of the query.
    """
    chosen, total = [], 0
    for feature in sorted(features, key=lambda f: (df.get(f, 0), f)):
        if chosen and total + df.get(feature, 0) > MATCH_BUDGET:
            break
        chosen.append(feature)
        total += df.get(feature, 0)
    return chosen


def _candidates_postgres(features: list[str], df: dict[str, int], pilots: QuerySet) -> list[SearchDocument]:
    """The best CANDIDATES documents by PostgreSQL's own rank, with their features, in one query."""
    query = SearchQuery(" | ".join(_selective(features, df)), search_type="raw", config="simple")
    return list(
        SearchDocument.objects.filter(pilot__in=pilots.values("pk"), vector=query)
        .annotate(rank=SearchRank(F("vector"), query, weights=[0.2, 0.4, 0.7, 1.0]))
        .order_by("-rank", "pk").only("pk", "pilot_id", *ranking.FIELDS)[:CANDIDATES]
    )


def _candidates(features: list[str], df: dict[str, int], pilots: QuerySet) -> list[SearchDocument]:
    if connection.vendor == "postgresql":
        return _candidates_postgres(features, df, pilots)
    return _candidates_sqlite(features, pilots)


def _stats(features: list[str]) -> ranking.CorpusStats:
    state = SearchIndexState.objects.filter(pk=1).first() or SearchIndexState()
    n = max(state.doc_count, 1)
    avg = {name: getattr(state, f"len_{name}") / n for name in ranking.FIELDS}
    df = dict(SearchTerm.objects.filter(term__in=features).values_list("term", "doc_count"))
    return ranking.CorpusStats(state.doc_count, avg, df)


def _document(doc: SearchDocument) -> dict[str, Counter]:
    return ranking.counters({name: getattr(doc, name).split() for name in ranking.FIELDS})


def _ranked(text: str, queryset: QuerySet | None):
    """(weights, stats, [(score, document, counters)]) for the published pilots in queryset matching text."""
    weights = ranking.query_weights(text)
    if not weights:
        return weights, None, []
    features = sorted(weights)
    stats = _stats(features)
    scored = []
    for doc in _candidates(features, stats.df, _published(queryset)):
        counts = _document(doc)
        scored.append((ranking.score(weights, counts, stats), doc, counts))
    scored.sort(key=lambda row: (-row[0], row[1].pilot_id))
    return weights, stats, scored


def _highlights(pilot: Pilot, matched: set[str], counts: dict[str, Counter]) -> dict[str, SafeString]:
    """Title always; other fields only when they hold a matched feature (a snippet without a mark says nothing)."""
    fields = pilot_search_fields(pilot)  # the council is blank when its name is withheld
    out = {"title": mark_safe(ranking.highlight(fields["title"], matched))}  # noqa: S308 (escaped by highlight)
    for name in ("problem", "change", "lessons", "partners", "council"):
        if matched.isdisjoint(counts.get(name, ())):
            continue
        html = ranking.highlight(fields[name], matched, max_chars=SNIPPET_CHARS)
        if "<mark>" in html:
            out[name] = mark_safe(html)  # noqa: S308 (escaped by highlight)
    return out


def _hits(rows, weights, limit: int | None, similarity=None) -> list[Hit]:
    rows = rows[:limit] if limit else rows
    pilots = Pilot.objects.select_related("council", "result").in_bulk([doc.pilot_id for _, doc, _ in rows])
    hits, kept = [], []
    for score, doc, counts in rows:
        features = {name: getattr(doc, name).split() for name in ("title", "problem", "change")}
        duplicate_of = next((pid for pid, other in kept if ranking.resemblance(features, other) >= NEAR_DUPLICATE),
                            None)
        kept.append((doc.pilot_id, features))
        matched = {f for f in weights if any(f in c for c in counts.values())}
        hits.append(Hit(doc.pilot_id, round(score, 6), _highlights(pilots[doc.pilot_id], matched, counts), duplicate_of,
                        similarity(doc) if similarity else None))
    return hits


def search_pilots(query: str, *, queryset: QuerySet | None = None, limit: int | None = None) -> list[Hit]:
    """Published pilots in `queryset` (default: all) matching `query`, best first.

    Pass ``Pilot.objects.visible_to(user)`` (or a filtered one, for facets) so access rules apply.
    """
    weights, _, rows = _ranked(query, queryset)
    return _hits(rows, weights, limit)


def similar_pilots(text: str, *, exclude_council=None, limit: int = 5, queryset: QuerySet | None = None,
                   threshold: float = ranking.SIMILAR_THRESHOLD) -> list[Hit]:
    """Only the confident matches for a plain description of an idea, most similar first; often none.

    Confidence is the cosine similarity of the idea and the pilot (field-weighted tf-idf over stems and synonym
    concepts); the threshold was calibrated on the relevance bench (bench/relevance/README.md).
    """
    pilots = _published(queryset)
    if exclude_council is not None:
        pilots = pilots.exclude(council=exclude_council)
    weights, stats, rows = _ranked(text, pilots)
    rows = rows[:SIMILAR_CANDIDATES]
    if not rows:
        return []
    # Cosine needs every feature's document frequency, not only the query's.
    features = {f for _, _, counts in rows for c in counts.values() for f in c} - set(stats.df)
    stats.df = {**stats.df, **dict(SearchTerm.objects.filter(term__in=features).values_list("term", "doc_count"))}
    idea = ranking.text_vector(text, stats)
    similarity = {doc.pilot_id: ranking.cosine(idea, ranking.weighted_vector(counts, stats)) for _, doc, counts in rows}
    confident = [row for row in rows if similarity[row[1].pilot_id] >= threshold]
    confident.sort(key=lambda row: (-similarity[row[1].pilot_id], row[1].pilot_id))
    return _hits(confident, weights, limit, similarity=lambda doc: round(similarity[doc.pilot_id], 4))

"""Search the evidence base: ranked, synonym-aware, highlighted; and "before you start" similar pilots.

    search_pilots("text people before bin day", queryset=Pilot.objects.visible_to(user), limit=20)
    similar_pilots("We want to text residents the night before collection", exclude_council=council)

The database finds candidates (FTS5 on SQLite, a tsvector GIN index on PostgreSQL) among published pilots in
`queryset`; pilotbook.evidence.ranking re-ranks them with BM25F using exact collection statistics, so the order
is the one bench/relevance/run.py measures. Drafts and anything not published are never returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot, PilotQuerySet

from . import ranking
from .closeness import CLOSENESS, Closeness, Idea, closeness_of_candidates, title_words_of
from .documents import LESSON_FIELDS, pilot_search_fields
from .models import SearchDocument, SearchIndexState, SearchTerm

CANDIDATES = 200  # how many database matches the core re-ranks; beyond this the database's own rank decides
# (Matches pages through every match in that order and counts them all)
SNIPPET_CHARS = 240
RANKED = 400  # PostgreSQL: the best matches ranked before visibility is checked (see _candidates_postgres)
MATCH_BUDGET = 5000  # PostgreSQL: rank at most about this many matching documents per query (see _selective)
MATCH_TABLE = "evidence_searchmatch"  # PostgreSQL: each document's pilot and unweighted vector (migration 0010)
SIMILAR_CANDIDATES = 50  # the best-scoring candidates whose closeness to an idea is worked out
NEAR_DUPLICATE = 0.6  # Jaccard resemblance of title, problem and change above which a hit repeats an earlier one


@dataclass(frozen=True)
class Hit:
    pilot_id: int
    score: float
    highlights: dict[str, SafeString] = field(default_factory=dict)  # field -> escaped HTML with <mark>s
    duplicate_of: int | None = None  # an earlier hit this one nearly repeats (same text, e.g. a second cohort)
    closeness: float | None = None  # similar_pilots only: closeness.closeness to the idea, 0 to 1
    label: str | None = None  # similar_pilots only: closeness.SAME or closeness.RELATED


def _published(queryset: QuerySet | None) -> PilotQuerySet:
    """Published pilots whose results are released (PilotQuerySet.results_released: past any embargo)."""
    return (queryset if queryset is not None else Pilot.objects.all()).results_released()


class Candidate(NamedTuple):
    """A matching document: its pilot and its stored features per field (ranking.FIELDS order)."""

    pilot_id: int
    features: dict[str, list[str]]


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _candidate(row: tuple) -> Candidate:
    """(pilot_id, title, problem, ...) as stored: features are space-separated."""
    return Candidate(row[0], {name: text.split() for name, text in zip(ranking.FIELDS, row[1:], strict=False)})


def _candidates_sqlite(features: list[str], pilots: QuerySet) -> list[Candidate]:
    visible_sql, visible_params = pilots.order_by().values("pk").query.sql_with_params()
    match = " OR ".join(f'"{f}"' for f in features)  # features are [a-z0-9]+ only
    weights = ", ".join(str(w) for _, w in ranking.DEFAULT_PARAMS.field_weights)
    columns = ", ".join(f"d.{name}" for name in ("pilot_id", *ranking.FIELDS))
    table = SearchDocument._meta.db_table
    # visible_sql is Django's own compiled SQL (its values stay parameters); weights and columns are constants.
    sql = " ".join((
        f"SELECT {columns} FROM evidence_fts JOIN {table} d ON d.id = evidence_fts.rowid",  # noqa: S608
        "WHERE evidence_fts MATCH %s AND d.pilot_id IN (" + visible_sql + ")",
        "ORDER BY bm25(evidence_fts, " + weights + "), d.pilot_id LIMIT %s",
    ))
    return [_candidate(row) for row in _rows(sql, [match, *visible_params, CANDIDATES])]


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


def _matching_documents_postgres(within: str = "") -> str:
    """FROM and WHERE of the search documents `d` holding any feature of a tsquery (the parameter), found in
    evidence_searchmatch `m`, their vectors without weights, which hold the GIN index counting uses (0010); the
    documents' own weighted vectors rank them. `within`: more conditions on the matches' `m.pilot_id`.

    For the candidates among the visible pilots only (facets chosen, or too few of the best visible): the matches
    of visible pilots are read first and their documents fetched by pilot (ANY of an array), never a scan of every
    wide document (which PostgreSQL otherwise chooses for a few thousand matches, at twice the time)."""
    return (f"{SearchDocument._meta.db_table} d WHERE d.pilot_id = ANY(ARRAY(SELECT m.pilot_id "  # noqa: S608
            f"FROM {MATCH_TABLE} m WHERE m.vector @@ to_tsquery('simple', %s){within}))")  # (constants; see callers)


def _ranked_documents_postgres() -> str:
    """FROM and WHERE of the search documents `d` holding any feature of a tsquery (the parameter), found by the
    documents' own GIN index (migration 0011): one bitmap scan of the documents, whose weighted vectors rank them.

    For the candidates of a query whose rarest features match at most about MATCH_BUDGET documents. Finding them in
    the match table and fetching each by pilot (_matching_documents_postgres) read about six times the buffers and
    took twice as long (one index descent per match); `v @@ q` matches what `strip(v) @@ q` does for the plain OR
    queries search builds, so the candidates are the same."""
    return f"{SearchDocument._meta.db_table} d WHERE d.vector @@ to_tsquery('simple', %s)"  # noqa: S608 (a constant)


# The visible pilots' rows of the match table holding any feature of a tsquery (selectors.match_rows): PostgreSQL.
MatchRows = Callable[[SearchQuery], QuerySet]


def _tsquery(features: list[str]) -> SearchQuery:
    """Any of these features, as PostgreSQL's GIN indexes find them (SearchMatch.vector, the documents' vector)."""
    return SearchQuery(" | ".join(features), config="simple", search_type="raw")


def _candidates_postgres(features: list[str], df: dict[str, int], pilots: QuerySet,
                         narrowed: bool = False, rows_of: MatchRows | None = None) -> list[Candidate]:
    """The best CANDIDATES documents of visible pilots by PostgreSQL's own rank (ts_rank), best first.

    The best RANKED matches are ranked without looking at pilots (a narrow top-N sort), then checked against
    `pilots`; only when too few of them are visible (a narrow facet, say) is the ranking done again among the
    visible pilots' matches. Either way the result is the best CANDIDATES visible documents by rank. `narrowed`
    (facets chosen, so few of the best are likely visible) goes straight to ranking among the visible pilots.

    Only each match's id, pilot and rank go through the ranking; the stored features (a few hundred bytes a
    document) are read for the CANDIDATES kept, by primary key (_with_features): sorting a few thousand wide rows
    to keep two hundred took about as long as ranking them.

    `rows_of` (the same pilots as `pilots`, as rows of the match table): the visible matches are then found in the
    match table alone, by its copies of the pilots' columns, rather than checked against the pilots one by one.
    """
    rarest = _selective(features, df)
    tsquery = " | ".join(rarest)  # features are [a-z0-9]+ only
    visible_sql, visible_params = pilots.order_by().values("pk").query.sql_with_params()
    rank = "ts_rank('{0.2,0.4,0.7,1.0}', d.vector, to_tsquery('simple', %s)) AS rank"
    # visible_sql is Django's own compiled SQL (its values stay parameters); the rest are constants.
    ranked = f"SELECT d.id, d.pilot_id, {rank} FROM "  # noqa: S608
    if not narrowed:
        rows = _rows(_with_features(
            f"WITH top AS MATERIALIZED ({ranked}{_ranked_documents_postgres()} "  # noqa: S608 (see above)
            "ORDER BY rank DESC, d.id LIMIT %s) SELECT id, rank, (SELECT count(*) FROM top) AS ranked FROM top "
            "WHERE pilot_id IN (" + visible_sql + ") ORDER BY rank DESC, id LIMIT %s", "ranked"),
            [tsquery, tsquery, RANKED, *visible_params, CANDIDATES],
        )
        if len(rows) == CANDIDATES or (rows and rows[0][-1] < RANKED):  # every visible one of the best, or enough
            return [_candidate(row[:-1]) for row in rows]
    # Ranked among the visible pilots' matches only (each checked against `pilots` once).
    if rows_of is not None:
        among, among_params = rows_of(_tsquery(rarest)).values("pk").query.sql_with_params()
        # Django's own compiled SQL (its values stay parameters); the table name is a constant.
        found = f"{SearchDocument._meta.db_table} d WHERE d.pilot_id = ANY(ARRAY({among}))"  # noqa: S608
        found_params = among_params
    else:
        found = _matching_documents_postgres(" AND m.pilot_id IN (" + visible_sql + ")")
        found_params = [tsquery, *visible_params]
    rows = _rows(_with_features(ranked + found + " ORDER BY rank DESC, d.id LIMIT %s"),
                 [tsquery, *found_params, CANDIDATES])
    return [_candidate(row) for row in rows]


def _with_features(best: str, extra: str = "") -> str:
    """SQL of (pilot_id, the stored features..., `extra`) of the documents `best` lists as (id, rank, ...), in
    its order (rank, then id): each document read by its primary key."""
    columns = ", ".join(f"d.{name}" for name in ("pilot_id", *ranking.FIELDS))
    more = f", best.{extra}" if extra else ""
    return (f"SELECT {columns}{more} FROM ({best}) best "  # noqa: S608 (constants and the callers' SQL)
            f"JOIN {SearchDocument._meta.db_table} d ON d.id = best.id ORDER BY best.rank DESC, best.id")


def _candidates(features: list[str], df: dict[str, int], pilots: QuerySet,
                narrowed: bool = False, rows_of: MatchRows | None = None) -> list[Candidate]:
    try:
        if connection.vendor == "postgresql":
            return _candidates_postgres(features, df, pilots, narrowed, rows_of)
        return _candidates_sqlite(features, pilots)
    except EmptyResultSet:  # `pilots` can hold nothing (queryset.none(), an empty pk__in): nothing to compile
        return []


def _stats(features: list[str]) -> ranking.CorpusStats:
    lengths = [f"len_{name}" for name in ranking.FIELDS]
    state = SearchIndexState.objects.filter(pk=1).values_list("doc_count", *lengths).first()
    state = state or (0,) * (1 + len(ranking.FIELDS))
    n = max(state[0], 1)
    avg = {name: total / n for name, total in zip(ranking.FIELDS, state[1:], strict=True)}
    return ranking.CorpusStats(state[0], avg, _document_frequencies(features))


def _document_frequencies(features) -> dict[str, int]:
    if not features:  # nothing to ask (e.g. candidates' titles with no word closeness counts)
        return {}
    table = SearchTerm._meta.db_table
    if connection.vendor == "postgresql":  # one array parameter, not one per feature
        return dict(_rows(f"SELECT term, doc_count FROM {table} WHERE term = ANY(%s)", [list(features)]))  # noqa: S608
    return dict(SearchTerm.objects.filter(term__in=features).values_list("term", "doc_count"))


def _ranked(text: str, queryset: QuerySet | None, narrowed: bool = False, rows_of: MatchRows | None = None):
    """(weights, stats, [(score, candidate)]) for the published pilots in queryset matching text, best first."""
    weights = ranking.query_weights(text)
    if not weights:
        return weights, None, []
    features = sorted(weights)
    stats = _stats(features)
    score = ranking.Scorer(weights, stats)  # prepared once for the query, not for each of its candidates
    scored = [(score(found.features), found)
              for found in _candidates(features, stats.df, _published(queryset), narrowed, rows_of)]
    scored.sort(key=lambda row: (-row[0], row[1].pilot_id))
    return weights, stats, scored


# What _highlights reads of a pilot (pilot_search_fields), so the pilots shown are loaded without the rest.
HIGHLIGHT_FIELDS = ("title", "problem", "change", "partners", "visibility", "service_area", "intervention_type",
                    "council__name", "organisation", "country", "result__summary", *LESSON_FIELDS)


def _highlights(pilot: Pilot, matched: set[str], feats: dict[str, list[str]]) -> dict[str, SafeString]:
    """Title always; other fields only when they hold a matched feature (a snippet without a mark says nothing)."""
    fields = pilot_search_fields(pilot)  # the council is blank when its name is withheld
    out = {"title": mark_safe(ranking.highlight(fields["title"], matched))}  # noqa: S308 (escaped by highlight)
    for name in ("problem", "change", "lessons", "partners", "council"):
        if matched.isdisjoint(feats.get(name, ())):
            continue
        html = ranking.highlight(fields[name], matched, max_chars=SNIPPET_CHARS)
        if "<mark>" in html:
            out[name] = mark_safe(html)  # noqa: S308 (escaped by highlight)
    return out


def _hits(rows, weights, limit: int | None, closeness=None, *, pilots: dict[int, Pilot] | None = None,
          earlier: Iterable[Candidate] = (), highlights: bool = True) -> list[Hit]:
    """Hits for (score, candidate) rows: highlighted from `pilots` (by id; loaded with HIGHLIGHT_FIELDS when not
    given; none loaded without `highlights`), each marked when it nearly repeats an earlier row or one of
    `earlier` (the rows ranked above them)."""
    rows = rows[:limit] if limit else rows
    if pilots is None and highlights:
        pilots = (Pilot.objects.select_related("council", "result").prefetch_related("joint_councils")
                  .only(*HIGHLIGHT_FIELDS).in_bulk([found.pilot_id for _, found in rows]))
    hits, kept = [], [(found.pilot_id, found.features) for found in earlier]
    for score, found in rows:
        duplicate_of = next((pid for pid, other in kept
                             if ranking.resemblance(found.features, other) >= NEAR_DUPLICATE), None)
        kept.append((found.pilot_id, found.features))
        matched = {f for f in weights if any(f in feats for feats in found.features.values())}
        close, label = closeness(found) if closeness else (None, None)
        marked = _highlights(pilots[found.pilot_id], matched, found.features) if highlights else {}
        hits.append(Hit(found.pilot_id, round(score, 6), marked, duplicate_of, close, label))
    return hits


def _ranked_matches(features: list[str]) -> tuple[str, str, list]:
    """(FROM and WHERE, ORDER BY, parameters) of the search documents `d` holding any of `features`, in the
    database's own rank (best first, then by pilot): ts_rank on PostgreSQL, FTS5's bm25 on SQLite."""
    table = SearchDocument._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " | ".join(features)  # features are [a-z0-9]+ only
        # Every match of every feature, checked against the visible pilots by the caller: PostgreSQL joins them as
        # their numbers call for (a hash join when a broad word matches tens of thousands).
        return (f"{MATCH_TABLE} m JOIN {table} d ON d.pilot_id = m.pilot_id "
                "WHERE m.vector @@ to_tsquery('simple', %s)",
                "ts_rank('{0.2,0.4,0.7,1.0}', d.vector, to_tsquery('simple', %s)) DESC, d.pilot_id", [tsquery, tsquery])
    weights = ", ".join(str(w) for _, w in ranking.DEFAULT_PARAMS.field_weights)
    return (f"evidence_fts JOIN {table} d ON d.id = evidence_fts.rowid WHERE evidence_fts MATCH %s",
            f"bm25(evidence_fts, {weights}), d.pilot_id", [" OR ".join(f'"{f}"' for f in features)])


def _matching_pilots(features: list[str]) -> tuple[str, list]:
    """(SQL, parameters) of the ids of the pilots whose search document holds any of `features`, in no order.

    On PostgreSQL from evidence_searchmatch, the documents' vectors without positions or weights: counting every
    match of a broad word reads a third of the pages the weighted documents take (migration 0010). The same
    documents match either way; only ranking needs the weights."""
    if connection.vendor == "postgresql":
        # A constant table name; the query is a parameter (features are [a-z0-9]+ only).
        return (f"SELECT m.pilot_id FROM {MATCH_TABLE} m WHERE m.vector @@ to_tsquery('simple', %s)",  # noqa: S608
                [" | ".join(features)])
    where, _order, params = _ranked_matches(features)
    return f"SELECT d.pilot_id FROM {where}", params[:1]  # noqa: S608 (a constant FROM and WHERE)


class Matches:
    """Every published pilot in `queryset` matching `text` (any of its features), best first, as a sequence that
    a Paginator pages and an export reads to the end; counted and paged by the database, never held in a list.

    The order: the database's best CANDIDATES re-ranked by the core (the order bench/relevance/run.py measures),
    then every other match by the database's own rank. `count()` is how many match; `[start:stop]` gives
    (Hit, Pilot) pairs, the pilots loaded from `shown` (a queryset of them; by default just what highlighting
    reads), so a page asks for its own 20 pilots only. `rows_of` (PostgreSQL): the same pilots as `queryset`'s
    released ones, as rows of the match table for a tsquery (selectors.match_rows), for finding the candidates among
    them and counting them (`match_rows`) without reading the pilots.
    """

    def __init__(self, text: str, *, queryset: QuerySet | None = None, shown: QuerySet | None = None,
                 narrowed: bool = False, rows_of: MatchRows | None = None):
        self.pilots = _published(queryset)
        self.shown = shown
        self.rows_of = rows_of
        self.weights, self.stats, self.head = _ranked(text, self.pilots, narrowed, rows_of)
        self.features = sorted(self.weights)
        self._count: int | None = None
        self._ids: str | None = None  # every match's pilot id (an array's text), when counting read them

    @property
    def queryset(self) -> PilotQuerySet:
        """The matching pilots as a queryset (the count and facet counts), in no particular order."""
        if not self.features:
            return self.pilots.none()
        return self.pilots.filter(pk__in=RawSQL(*_matching_pilots(self.features)))  # noqa: S611

    def match_rows(self) -> QuerySet | None:
        """Every match as a row of the match table (`rows_of`), for counting them there; None without `rows_of` or
        words."""
        return self.rows_of(_tsquery(self.features)) if self.rows_of is not None and self.features else None

    def wants_ids(self, until: int | None) -> bool:
        """Whether counting should hand over every match's pilot id (known_count): on PostgreSQL when the rows to
        be shown, up to `until` (a page's end; None: not known), reach past the head into the tail. Reading them
        costs the count a little more (tens of ms for tens of thousands), so only when the tail is read."""
        return (until is not None and bool(self.features) and len(self.head) < until
                and connection.vendor == "postgresql")

    def known_count(self, count: int, ids: str | None = None) -> None:
        """How many match, as counted with the facets (selectors.counts): not counted again. `ids`: the pilot ids
        of those `count` matches as PostgreSQL's text of an array, read while counting them (kept as text: sent
        back as it came), so the tail is ranked among them alone rather than finding every match and checking it
        against the visible pilots again (twice the work of the count)."""
        self._count = count
        if ids is not None:
            self._ids = ids

    def count(self) -> int:
        if self._count is None:
            self._count = len(self.head) if not self.features or (
                connection.vendor != "postgresql" and len(self.head) < CANDIDATES) else self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _tail(self, offset: int, limit: int | None, columns: str) -> list[tuple]:
        """Rows of `columns` of the matches after the head, by the database's rank, from `offset`."""
        where, order, params = _ranked_matches(self.features)
        head = [found.pilot_id for _, found in self.head]
        if self._ids is not None:
            return self._tail_among(offset, limit, columns, order, params[1:], head)
        try:
            visible_sql, visible_params = self.pilots.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return []
        if connection.vendor == "postgresql":
            outside, outside_params, everything = "NOT (d.pilot_id = ANY(%s))", [head], "ALL"
        else:
            outside, outside_params, everything = f"d.pilot_id NOT IN ({', '.join(['%s'] * len(head))})", head, "-1"
        # Django's own compiled SQL for the visible pilots (its values stay parameters); the rest are constants.
        sql = (f"SELECT {columns} FROM {where} AND d.pilot_id IN ({visible_sql}) "  # noqa: S608
               + (f"AND {outside} " if head else "") + f"ORDER BY {order} LIMIT "
               + ("%s" if limit is not None else everything) + " OFFSET %s")
        where_params = params[:1]
        values = [*where_params, *visible_params, *(outside_params if head else []), *params[1:],
                  *([limit] if limit is not None else []), offset]
        return _rows(sql, values)

    def _tail_among(self, offset: int, limit: int | None, columns: str, order: str, order_params: list,
                    head: list[int]) -> list[tuple]:
        """_tail's rows when counting read every match's pilot (known_count): their documents other than the
        head's, fetched by pilot and ranked as _tail ranks them (PostgreSQL)."""
        # A constant table name and ORDER BY (_ranked_matches); the pilots, query and bounds are parameters.
        sql = (f"SELECT {columns} FROM {SearchDocument._meta.db_table} d "  # noqa: S608
               "WHERE d.pilot_id = ANY(%s::bigint[]) AND NOT (d.pilot_id = ANY(%s)) "
               f"ORDER BY {order} LIMIT " + ("%s" if limit is not None else "ALL") + " OFFSET %s")
        return _rows(sql, [self._ids, head, *order_params, *([limit] if limit is not None else []), offset])

    def rows(self, start: int, stop: int) -> list[tuple[float, Candidate]]:
        """(score, candidate) of the matches from `start` to `stop` in the order above."""
        rows = self.head[start:stop]
        if stop > len(self.head) and self.features:
            first = max(start - len(self.head), 0)
            columns = ", ".join(f"d.{name}" for name in ("pilot_id", *ranking.FIELDS))
            tail = [_candidate(row) for row in self._tail(first, stop - max(start, len(self.head)), columns)]
            rows = rows + [(ranking.score(self.weights, found.features, self.stats), found) for found in tail]
        return rows

    def hits(self, start: int, stop: int) -> list[tuple[Hit, Pilot]]:
        rows = self.rows(start, stop)
        ids = [found.pilot_id for _, found in rows]
        pilots = self.shown.in_bulk(ids) if self.shown is not None else None
        earlier = [found for _, found in self.head[:min(start, len(self.head))]]
        hits = _hits(rows, self.weights, None, pilots=pilots, earlier=earlier)
        if pilots is None:
            return [(hit, None) for hit in hits]
        return [(hit, pilots[hit.pilot_id]) for hit in hits]

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Matches are read a page at a time: matches[start:stop]")
        start, stop, _ = index.indices(self.count())
        return self.hits(start, stop) if stop > start else []

    def pilot_ids(self) -> Iterator[int]:
        """Every match's pilot id in the order above (an export's rows), the tail read in one query."""
        yield from (found.pilot_id for _, found in self.head)
        if self.features:
            yield from (row[0] for row in self._tail(0, None, "d.pilot_id"))


def search_pilots(query: str, *, queryset: QuerySet | None = None, limit: int | None = None) -> list[Hit]:
    """Published pilots in `queryset` (default: all) matching `query`, best first: the first `limit` (default the
    CANDIDATES the core re-ranks; Matches pages through all of them).

    Pass ``Pilot.objects.visible_to(user)`` (or a filtered one, for facets) so access rules apply.
    """
    return [hit for hit, _ in Matches(query, queryset=queryset).hits(0, limit or CANDIDATES)]


def similar_pilots(text: str, *, exclude_council=None, limit: int = 5, queryset: QuerySet | None = None,
                   model: Closeness = CLOSENESS, highlights: bool = True) -> list[Hit]:
    """The published pilots closest to a plain description of an idea, closest first: at most `limit`, each at
    least "a related idea" (Hit.label says which); none when nothing comes that close. Without `highlights` the
    hits have none (Hit.highlights is empty) and no pilot is loaded: a caller that shows no snippets (the
    suggestions) saves reading and marking them.

    Candidates are search's best SIMILAR_CANDIDATES; closeness is closeness.closeness (ADR 0016), calibrated on the
    relevance bench's ideas (bench/relevance/README.md). The same model as MemoryIndex.similar, so the bench
    measures what the pages show.
    """
    pilots = _published(queryset)
    if exclude_council is not None:  # with the case studies it ran together with other councils
        code = getattr(exclude_council, "pk", exclude_council)  # a Council, or its code
        pilots = pilots.exclude(pk__in=Pilot.objects.of_councils(Council.objects.filter(pk=code)).values("pk"))
    weights, stats, rows = _ranked(text, pilots)
    rows = rows[:SIMILAR_CANDIDATES]
    if not rows:
        return []
    # Title coverage needs the candidates' title words' document frequencies, not only the query's.
    missing = title_words_of(found.features for _, found in rows) - set(stats.df)
    stats.df = {**stats.df, **_document_frequencies(missing)}
    idea = Idea(text)
    close = closeness_of_candidates(idea, ((found.pilot_id, found_score, found.features)
                                           for found_score, found in rows), stats, model)
    shown = [row for row in rows if model.label(close[row[1].pilot_id])]
    shown.sort(key=lambda row: (-close[row[1].pilot_id], row[1].pilot_id))
    return _hits(shown, weights, limit, highlights=highlights,
                 closeness=lambda found: (round(close[found.pilot_id], 4), model.label(close[found.pilot_id])))

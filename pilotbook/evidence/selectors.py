"""Reads of the evidence base for its pages, exports and the API: what an evidence search lists, counted and paged
by the database; the pooled groups with their meta-analyses; and the suggestions "before you start" and the first
registration page (pilotbook.site.registration) show a reader, less those they dismissed, with the groups pooling them.

Every read starts from Pilot.objects.visible_to(user).results_released(): only published results whose embargo
has passed, that this person may see. Filtering by nation or council type also applies identifiable_by(user), so
a council whose name is withheld cannot be found out by narrowing the facets. A case study several councils ran is
counted, and found, under each council's nation and type.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils import timezone

from pilotbook.councils.models import Council, Reader
from pilotbook.pilots.access import audience
from pilotbook.pilots.choices import Verdict
from pilotbook.pilots.models import Pilot, PilotQuerySet, joint_pilot_ids, released_q, visible_q, withheld_from

from . import facetcells, pooling
from .forms import COUNCIL_FACETS, FACETS, IDENTIFYING, SearchForm
from .models import FacetCell, KeptCounts, PooledGroup, PooledMembership, SearchMatch
from .pooling import GroupAnalysis
from .search import Hit, Matches
from .suggestions import Suggestion, suggestions_for_idea

EXPORT_CHUNK = 1000  # pilots loaded at a time when an export reads every match
DISMISSED = "pilotbook_dismissed_suggestions"  # the session key of the suggestions a person dismissed
# Per facet, (value, how many pilots have it): the value is a field's (text, or a year's number).
FacetCounts = dict[str, list[tuple[object, int]]]


class Row(TypedDict):
    """One listed pilot, with how the search matched it (None when no words were searched)."""

    pilot: Pilot
    hit: Hit | None


def released(user: Reader) -> PilotQuerySet:
    """The released results `user` may see, with what a page of them shows."""
    return (Pilot.objects.visible_to(user).results_released().select_related("council", "result")
            .prefetch_related("joint_councils"))


def _apply(queryset: PilotQuerySet, filters: dict[str, str], user: Reader) -> PilotQuerySet:
    if IDENTIFYING & filters.keys():
        queryset = queryset.identifiable_by(user)
    for name, value in filters.items():
        if name in COUNCIL_FACETS:
            queryset = queryset.of_councils(Council.objects.filter(**{FACETS[name][0]: value}))
        else:
            queryset = queryset.filter(**{FACETS[name][0]: int(value) if name == "year" else value})
    return queryset


class _Newest:
    """Every pilot of a queryset, newest first, as rows a Paginator pages (the database slices; counted apart)."""

    def __init__(self, queryset: QuerySet[Pilot], count: int):
        self.queryset = queryset.order_by("-published_at", "-pk")
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Row]:
        return [{"pilot": pilot, "hit": None} for pilot in self.queryset[index]]

    def pilot_ids(self) -> Iterator[int]:
        return self.queryset.values_list("pk", flat=True).iterator(chunk_size=EXPORT_CHUNK)


class _Ranked:
    """Every match of a search, best first (search.Matches), as rows a Paginator pages."""

    def __init__(self, matches: Matches):
        self.matches = matches

    def count(self) -> int:
        return self.matches.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Row]:
        return [{"pilot": pilot, "hit": hit} for hit, pilot in self.matches[index]]

    def pilot_ids(self) -> Iterator[int]:
        return self.matches.pilot_ids()


@dataclass
class EvidenceResults:
    """What an evidence search lists: the checked form, the words, the facet filters, every matching row (paged:
    `rows.count()` and `rows[start:stop]`, each {"pilot", "hit"}) and, per facet, (value, how many rows have it)."""

    form: SearchForm
    query: str
    filters: dict[str, str]
    rows: _Newest | _Ranked
    facets: FacetCounts

    def pilots(self, load: Callable[[QuerySet[Pilot]], QuerySet[Pilot]] = lambda queryset: queryset
               ) -> Iterator[Pilot]:
        """Every listed pilot in order (an export's rows), loaded EXPORT_CHUNK at a time through `load`."""
        ids = self.rows.pilot_ids()
        while chunk := list(itertools.islice(ids, EXPORT_CHUNK)):
            loaded = load(Pilot.objects.filter(pk__in=chunk)).in_bulk()
            yield from (loaded[pk] for pk in chunk)


def evidence_results(params: Mapping[str, Any] | None, user: Reader, *, facets: bool = True,
                     until: int | None = None) -> EvidenceResults:
    """What the evidence search lists for these parameters, for the page and its downloads alike: ranked by the
    search when there are words, newest first otherwise; with `facets`, the facet counts. A query that is too long
    matches nothing; the form says why. `until`: the caller shows the rows up to this one (a page's end), so the
    counting can hand the matches' pilots to the search when that page reads past its head (Matches.wants_ids)."""
    form = SearchForm(params or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    filters = form.facets()
    pilots = _apply(released(user), filters, user)
    if form.is_bound and not form.is_valid():
        return EvidenceResults(form, query, filters, _Newest(pilots.none(), 0), {name: [] for name in FACETS})
    if not query:
        total, counted = counts(pilots, user, sorted(filters.items())) if facets else (pilots.count(), {})
        return EvidenceResults(form, query, filters, _Newest(pilots, total), counted)
    rows_of = functools.partial(match_rows, user=user, filters=filters) if connection.vendor == "postgresql" else None
    matches = Matches(query, queryset=pilots, shown=pilots, narrowed=bool(filters), rows_of=rows_of)
    if facets:
        ids: list[str] | None = [] if matches.wants_ids(until) else None
        total, counted = counts(matches.queryset, user, sorted(filters.items()), matches.features, ids=ids,
                                rows=matches.match_rows())
        matches.known_count(total, ids[0] if ids else None)
    else:
        counted = {}
    return EvidenceResults(form, query, filters, _Ranked(matches), counted)


def match_rows(tsquery: SearchQuery, *, user: Reader, filters: dict[str, str]) -> QuerySet[SearchMatch]:
    """PostgreSQL: the rows of the match table (SearchMatch) holding any feature of `tsquery` whose pilots an
    evidence search with these facet `filters` lists to `user`: the same access rules as released(user) on the rows'
    copies of the pilots' columns (visible_q, released_q), and the filters as _apply applies them, told by the facet
    cells (a FacetCell has a column of each facet's name). A pilot matches a council's facet through its own council
    (its cell) or a council it ran the case study with. A row without a cell is checked against the pilots."""
    rows = SearchMatch.objects.filter(visible_q(user), released_q(), vector=tsquery)
    if not filters:
        return rows
    withheld = withheld_from(user)
    if IDENTIFYING & filters.keys() and withheld is not None:  # identifiable_by, on the rows' copies
        rows = rows.exclude(withheld)
    cells = FacetCell.objects.filter(**{name: int(value) if name == "year" else value
                                        for name, value in filters.items() if name not in COUNCIL_FACETS})
    by_cell = Q(facet_cell__in=cells.values("pk"))
    for name in COUNCIL_FACETS & filters.keys():
        councils = Council.objects.filter(**{FACETS[name][0]: filters[name]})
        own = FacetCell.objects.filter(**{name: filters[name]}).values("pk")
        by_cell &= Q(facet_cell__in=own) | Q(pilot__in=joint_pilot_ids(councils))
    without_cell = Q(facet_cell=None) & Q(pilot__in=_apply(Pilot.objects.all(), filters, user).values("pk"))
    return rows.filter(by_cell | without_cell)


def _council_facet_counts(queryset: QuerySet[Pilot], field: str) -> list[tuple[object, int]]:
    """(value of the council's `field`, pilots) over the councils that ran each pilot: a pilot counts once under
    each value among its councils, so a case study two English councils ran counts once under England."""
    counts: Counter[object] = Counter(dict(queryset.exclude(council=None).values_list(f"council__{field}")
                                           .annotate(n=Count("pk")).order_by()))
    counts.update(_joint_council_facet_counts(queryset, [field])[field])
    return list(counts.items())


def _joint_council_facet_counts(pilots: QuerySet[Pilot] | QuerySet[SearchMatch], fields: Sequence[str]
                                ) -> dict[str, Counter[object]]:
    """What the other councils that ran each of `pilots` (a queryset of pilots, or of their SearchMatch rows) add to
    the counts by its own council, per council field: a pilot counts once under each value of `field` that one of
    them has and its own council has not. One query, whatever the fields."""
    rows = Pilot.joint_councils.through.objects.filter(pilot__in=pilots.values_list("pk", flat=True)).values_list(
        "pilot_id", *(f"council__{field}" for field in fields), *(f"pilot__council__{field}" for field in fields))
    found: dict[str, set[tuple[object, int]]] = {field: set() for field in fields}
    for pilot, *values in rows:
        for field, joint, own in zip(fields, values, values[len(fields):], strict=False):
            if joint is not None and own is not None and joint != own:  # as SQL's NOT (joint = own)
                found[field].add((joint, pilot))
    return {field: Counter(value for value, _pilot in pairs) for field, pairs in found.items()}


def _facet_counts_each(queryset: PilotQuerySet, user: Reader) -> tuple[int, FacetCounts]:
    """How many pilots `queryset` holds, and per facet (value, how many have it), one query per facet; the
    identifying facets count only pilots whose council `user` may know."""
    out: FacetCounts = {}
    for name, (field, _choices, _label) in FACETS.items():
        base = queryset if name not in IDENTIFYING else queryset.identifiable_by(user)
        if name in COUNCIL_FACETS:
            out[name] = _council_facet_counts(base, field)
        else:
            out[name] = list(base.values_list(field).annotate(n=Count("pk")).order_by())
    return queryset.count(), out


# PostgreSQL counts every facet in one pass over the matching pilots (GROUPING SETS), each value apart for the
# pilots whose council is withheld from the reader, whom the identifying facets leave out.
_GROUPED = {"service_area": "service_area", "intervention_type": "intervention_type", "verdict": "facet_verdict",
            "design": "design", "organisation": "organisation", "country": "country", "year": "facet_year",
            "nation": "facet_nation", "council_type": "facet_council_type"}


def _facet_counts_by_cell(queryset: PilotQuerySet, user: Reader, ids: list[str] | None = None,
                          rows: QuerySet[SearchMatch] | None = None) -> tuple[int, FacetCounts] | None:
    """PostgreSQL: the matching pilots grouped by their facet cell (facetcells) and whether their council is
    withheld from `user`, one query; the cells added up per facet. None when a pilot has no cell yet. `ids`: the
    ids of the pilots counted, read in the same query (facetcells.counted), are added to this list. `rows`: the same
    pilots' rows of the match table (match_rows), read instead of the pilots."""
    withheld = withheld_from(user)
    source = queryset if rows is None else rows
    pilots = source.order_by().annotate(
        facet_withheld=Value(False) if withheld is None else ExpressionWrapper(withheld, BooleanField()),
    )
    if ids is None:
        grouped = pilots.values_list("facet_cell", "facet_withheld").annotate(n=Count("pk")).query
    else:  # every pilot, grouped by counted() (which keeps them for their ids)
        grouped = pilots.values_list("pk", "facet_cell", "facet_withheld").query
    # EmptyResultSet when nothing can match; the ids are added only when counted by cells (not when None)
    by_cell = facetcells.counted(*grouped.sql_with_params(), ids=ids)
    if by_cell is None:
        return None
    total, counted = by_cell
    _add_joint_councils(counted, source if withheld is None else source.exclude(withheld))
    return total, {name: list(counted[name].items()) for name in FACETS}


def _add_joint_councils(counted: dict[str, Counter[object]],
                        identifiable: QuerySet[Pilot] | QuerySet[SearchMatch]) -> None:
    """Add to the council facets' counts what the other councils that ran each identifiable pilot add."""
    names = sorted(COUNCIL_FACETS)
    joint = _joint_council_facet_counts(identifiable, [FACETS[name][0] for name in names])
    for name in names:
        counted[name].update(joint[FACETS[name][0]])


def _facet_counts_grouped(queryset: PilotQuerySet, user: Reader, ids: list[str] | None = None,
                          rows: QuerySet[SearchMatch] | None = None) -> tuple[int, FacetCounts]:
    try:
        by_cell = _facet_counts_by_cell(queryset, user, ids, rows)
    except EmptyResultSet:
        return 0, {name: [] for name in FACETS}
    if by_cell is not None:
        return by_cell
    withheld = withheld_from(user)
    rows = queryset.order_by().annotate(
        facet_verdict=F("result__verdict"), facet_year=ExtractYear("published_at"),
        facet_nation=F("council__nation"), facet_council_type=F("council__authority_type_name"),
        facet_withheld=Value(False) if withheld is None else ExpressionWrapper(withheld, BooleanField()),
    ).values(*_GROUPED.values(), "facet_withheld")
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return 0, {name: [] for name in FACETS}
    columns = list(_GROUPED.values())
    sets = ", ".join(f"({column}, facet_withheld)" for column in columns)
    flags = ", ".join(f"GROUPING({column})" for column in columns)
    # Django's own compiled SQL for the pilots (its values stay parameters); the column names are constants.
    sql = (f"SELECT {', '.join(columns)}, facet_withheld, COUNT(*), {flags} FROM ({inner}) AS pilots "  # noqa: S608
           f"GROUP BY GROUPING SETS ({sets}, (facet_withheld))")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    total, width = 0, len(columns)
    counted: dict[str, Counter[object]] = {name: Counter() for name in FACETS}
    for row in found:
        values, withheld_row, n, grouped = row[:width], row[width], row[width + 1], row[width + 2:]
        if all(grouped):  # the (facet_withheld) set: how many pilots in all
            total += n
            continue
        name = list(_GROUPED)[grouped.index(0)]
        value = values[grouped.index(0)]
        if value is None or (name in IDENTIFYING and withheld_row):
            continue
        counted[name][int(value) if name == "year" else value] += n
    _add_joint_councils(counted, queryset if withheld is None else queryset.exclude(withheld))
    return total, {name: list(counter.items()) for name, counter in counted.items()}


COUNTS_SECONDS = 60  # the longest counts are kept (a change no save announces, such as a council renamed)


def counts_changed() -> None:
    """Every kept count of the evidence base is out of date (a pilot or its result changed, or an import). Called in
    the transaction that makes the change, so no web process reads the counts it made out of date once it commits."""
    KeptCounts.objects.all().delete()


def counts(queryset: PilotQuerySet, user: Reader, *key: object, ids: list[str] | None = None,
           rows: QuerySet[SearchMatch] | None = None) -> tuple[int, FacetCounts]:
    """How many pilots `queryset` holds (released results `user` may see, narrowed by `key`: the facet filters and
    the search's features) and its facet counts: counted once, then kept for COUNTS_SECONDS or until any change
    (counts_changed). Every match is counted; on PostgreSQL in one pass. `ids`: when counted now on PostgreSQL by
    facet cells, the ids of the pilots counted (PostgreSQL's text of an array; facetcells.counted) are added to this
    list (left as it is when the counts were kept, counted some other way, or too many to hand over). `rows`: the
    same pilots as rows of the match table (match_rows), which PostgreSQL counts without reading the pilots."""
    now = timezone.now()
    # The latest release: an embargo ending (no save marks it) makes it that pilot's, so the counts are made again.
    latest = (Pilot.objects.results_released(now).order_by("-published_at").values_list("published_at", flat=True)
              .first())
    digest = hashlib.sha256(repr((audience(user), latest, *key)).encode()).hexdigest()
    kept = KeptCounts.objects.filter(key=digest, kept_until__gt=now).values_list("counts", flat=True).first()
    if kept is not None:
        total, facets = kept
        return total, {name: [tuple(pair) for pair in pairs] for name, pairs in facets.items()}
    if connection.vendor == "postgresql":
        total, facets = _facet_counts_grouped(queryset, user, ids, rows)
    else:
        total, facets = _facet_counts_each(queryset, user)
    _keep(digest, [total, facets], now)
    return total, facets


def _keep(digest: str, value: list[object], now: datetime) -> None:
    """Keep counts (and forget those out of date) in one transaction. Outside any other transaction (a page's
    request) on PostgreSQL it commits without waiting for the disk: kept counts are made again if a crash loses
    them, so the first visitor after a change does not wait for them to be flushed. Inside another transaction
    (whose other writes must stay durable) it commits as that one does."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        KeptCounts.objects.filter(kept_until__lte=now).delete()
        KeptCounts.objects.bulk_create(
            [KeptCounts(key=digest, counts=value, kept_until=now + timedelta(seconds=COUNTS_SECONDS))],
            update_conflicts=True, unique_fields=["key"], update_fields=["counts", "kept_until"])


class GroupRow(TypedDict):
    group: PooledGroup
    result: GroupAnalysis
    usable: int  # how many of its pilots could be pooled


def group_rows(user: Reader) -> list[GroupRow]:
    """Every pooled group with its meta-analysis as `user` may see it, and how many of its pilots could be pooled."""
    rows: list[GroupRow] = []
    for group in PooledGroup.objects.all():
        result = pooling.analyse_group(group, user)
        rows.append({"group": group, "result": result, "usable": len(result.usable)})
    return rows


def pilots_addable_to(group: PooledGroup) -> PilotQuerySet:
    """The released pilots a moderator may add to `group`, by title: not in it yet, of its kind of change and
    service area where it names them. A case study whose source reported no outcome has nothing to pool, so it is
    not offered."""
    pilots = (Pilot.objects.results_released().exclude(pooled_memberships__group=group)
              .exclude(result__verdict=Verdict.NOT_REPORTED).select_related("council")
              .prefetch_related("joint_councils"))
    if group.intervention_type:
        pilots = pilots.filter(intervention_type=group.intervention_type)
    if group.service_area:
        pilots = pilots.filter(service_area=group.service_area)
    return pilots.order_by("title")


def group_memberships(group: PooledGroup) -> QuerySet[PooledMembership]:
    """A group's pilots, with who added each, for the moderators' page that chooses them."""
    return (group.memberships.select_related("pilot", "pilot__council", "added_by")
            .prefetch_related("pilot__joint_councils"))


class PooledSuggestion(TypedDict):
    """A pooled group shown beside the suggestions, with this reader's analysis and how many members it can use."""

    group: PooledGroup
    result: GroupAnalysis
    usable: int


def suggestions_for(request: HttpRequest, text: str, *,
                    exclude_council: Council | None = None) -> tuple[list[Suggestion], int]:
    """The closest published pilots at other councils (suggestions.Suggestion), minus the ones this person
    dismissed; and how many of the closest were left out because this person dismissed them."""
    return suggestions_for_idea(text, viewer=request.user, exclude_council=exclude_council,
                                dismissed=request.session.get(DISMISSED, []))


def pooled_for(request: HttpRequest, rows: Sequence[Suggestion]) -> list[PooledSuggestion]:
    """Pooled groups holding a suggested pilot or pooling the same kind of change, with this reader's analysis."""
    pilots = {row.pilot.pk for row in rows}
    kinds = {row.pilot.intervention_type for row in rows} - {""}
    if not pilots:
        return []
    groups = (PooledGroup.objects.filter(Q(pilots__in=pilots) | Q(intervention_type__in=kinds))
              .distinct().order_by("title")[:5])
    out: list[PooledSuggestion] = []
    for group in groups:
        analysis = pooling.analyse_group(group, request.user)
        out.append({"group": group, "result": analysis, "usable": len(analysis.usable)})
    return out


def similar_elsewhere(pilot: Pilot, user: Reader) -> list[Suggestion]:
    """"Similar pilots elsewhere": the published pilots closest to this one's title, problem and change, as "before
    you start" would suggest them to `user`, leaving out this pilot and the other pilots `user` may know are its
    council's. A pilot whose council is withheld from `user` is never left out for being its council's, and when
    this pilot's council is withheld from them none is: which pilots are missing must not hint at a council."""
    text = "\n".join(filter(None, (pilot.title, pilot.problem, pilot.change)))
    same = Pilot.objects.filter(pk=pilot.pk)
    if pilot.council_id is not None and pilot.council_shown_to(user):  # a case study an organisation ran has none
        same = same | Pilot.objects.identifiable_by(user).filter(council=pilot.council_id)
    return suggestions_for_idea(text, viewer=user, exclude=same)[0]

"""Reads of the evidence base for its pages, exports and the API: what an evidence search lists, counted and paged
by the database.

Every read starts from Pilot.objects.visible_to(user).results_released(): only published results whose embargo
has passed, that this person may see. Filtering by nation or council type also applies identifiable_by(user), so
a council whose name is withheld cannot be found out by narrowing the facets. A case study several councils ran is
counted, and found, under each council's nation and type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from pilotbook.councils.models import Council
from pilotbook.pilots.models import Pilot

from .forms import COUNCIL_FACETS, FACETS, IDENTIFYING, SearchForm
from .search import Matches

EXPORT_CHUNK = 1000  # pilots loaded at a time when an export reads every match


def released(user) -> QuerySet:
    """The released results `user` may see, with what a page of them shows."""
    return (Pilot.objects.visible_to(user).results_released().select_related("council", "result")
            .prefetch_related("joint_councils"))


def _apply(queryset, filters: dict[str, str], user):
    if IDENTIFYING & filters.keys():
        queryset = queryset.identifiable_by(user)
    for name, value in filters.items():
        if name in COUNCIL_FACETS:
            queryset = queryset.of_councils(Council.objects.filter(**{FACETS[name][0]: value}))
        else:
            queryset = queryset.filter(**{FACETS[name][0]: int(value) if name == "year" else value})
    return queryset


class _Newest:
    """Every pilot of a queryset, newest first, as rows a Paginator pages (the database counts and slices)."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset.order_by("-published_at", "-pk")
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict]:
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

    def __getitem__(self, index: slice) -> list[dict]:
        return [{"pilot": pilot, "hit": hit} for hit, pilot in self.matches[index]]

    def pilot_ids(self) -> Iterator[int]:
        return self.matches.pilot_ids()


@dataclass
class EvidenceResults:
    """What an evidence search lists: the checked form, the words, the facet filters, every matching row (paged:
    `rows.count()` and `rows[start:stop]`, each {"pilot", "hit"}) and the matching pilots as a queryset."""

    form: SearchForm
    query: str
    filters: dict[str, str]
    rows: _Newest | _Ranked
    matched: QuerySet

    def pilots(self, load: Callable[[QuerySet], QuerySet] = lambda queryset: queryset) -> Iterator[Pilot]:
        """Every listed pilot in order (an export's rows), loaded EXPORT_CHUNK at a time through `load`."""
        ids = list(self.rows.pilot_ids())
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start:start + EXPORT_CHUNK]
            loaded = load(Pilot.objects.filter(pk__in=chunk)).in_bulk()
            yield from (loaded[pk] for pk in chunk)


def evidence_results(params, user) -> EvidenceResults:
    """What the evidence search lists for these parameters, for the page and its downloads alike: ranked by the
    search when there are words, newest first otherwise. A query that is too long matches nothing; the form says
    why."""
    form = SearchForm(params or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    filters = form.facets()
    pilots = _apply(released(user), filters, user)
    if form.is_bound and not form.is_valid():
        pilots = pilots.none()
        return EvidenceResults(form, query, filters, _Newest(pilots), pilots)
    if query:
        matches = Matches(query, queryset=pilots, shown=pilots)
        return EvidenceResults(form, query, filters, _Ranked(matches), matches.queryset)
    return EvidenceResults(form, query, filters, _Newest(pilots), pilots)


def _council_facet_counts(queryset, field: str) -> list[tuple[str, int]]:
    """(value of the council's `field`, pilots) over the councils that ran each pilot: a pilot counts once under
    each value among its councils, so a case study two English councils ran counts once under England."""
    counts = Counter(dict(queryset.exclude(council=None).values_list(f"council__{field}").annotate(n=Count("pk"))
                          .order_by()))
    others = (Pilot.joint_councils.through.objects.filter(pilot__in=queryset.values("pk"))
              .exclude(**{f"council__{field}": F(f"pilot__council__{field}")})
              .values_list(f"council__{field}").annotate(n=Count("pilot", distinct=True)).order_by())
    counts.update(dict(others))
    return list(counts.items())


def facet_counts(queryset, user) -> dict[str, list[tuple[object, int]]]:
    """For each facet, (value, how many of `queryset` have it); the identifying facets count only pilots whose
    council `user` may know."""
    out = {}
    for name, (field, _choices, _label) in FACETS.items():
        base = queryset if name not in IDENTIFYING else queryset.identifiable_by(user)
        if name in COUNCIL_FACETS:
            out[name] = _council_facet_counts(base, field)
        else:
            out[name] = list(base.values_list(field).annotate(n=Count("pk")).order_by())
    return out

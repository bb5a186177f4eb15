"""Services that keep the search index in step with published pilots.

Called by the receivers in signals.py whenever a pilot or its result is saved, so publishing, a moderator's
correction in the admin or a change of visibility reach search at once; ``pilotbook evidence_reindex`` rebuilds
everything (needed after editing data/synonyms.txt). Only published pilots are indexed.
"""

from __future__ import annotations

import itertools
from collections import Counter

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F

from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from . import facetcells, ranking
from .documents import pilot_search_fields
from .models import SearchDocument, SearchIndexState, SearchTerm
from .selectors import counts_changed

# tsvector weights on PostgreSQL: A title; B problem and change; C lessons and partners; D council and facets.
VECTOR_WEIGHTS = {"title": "A", "problem": "B", "change": "B", "lessons": "C", "partners": "C", "council": "D",
                  "facets": "D"}


def _features_of(doc: SearchDocument) -> dict[str, list[str]]:
    return {name: getattr(doc, name).split() for name in ranking.FIELDS}


def _state() -> SearchIndexState:
    state, _ = SearchIndexState.objects.get_or_create(pk=1)
    return state


def _adjust(features: dict[str, list[str]], sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one document's contribution to the term counts and totals."""
    terms = {f for feats in features.values() for f in feats}
    if sign > 0:
        SearchTerm.objects.bulk_create([SearchTerm(term=t) for t in terms], ignore_conflicts=True)
    SearchTerm.objects.filter(term__in=terms).update(doc_count=F("doc_count") + sign)
    lengths = {f"len_{name}": F(f"len_{name}") + sign * len(features.get(name, [])) for name in ranking.FIELDS}
    _state()
    SearchIndexState.objects.filter(pk=1).update(doc_count=F("doc_count") + sign, **lengths)


def _fill_vectors(queryset) -> None:
    if connection.vendor != "postgresql":
        return
    vector = None
    for name, weight in VECTOR_WEIGHTS.items():
        part = SearchVector(name, weight=weight, config="simple")
        vector = part if vector is None else vector + part
    queryset.update(vector=vector)


@transaction.atomic
def search_index_pilot(*, pilot: Pilot) -> SearchDocument | None:
    """Index `pilot` if it is published, or take it out of the index if it is not."""
    if pilot.status != Status.PUBLISHED and pilot.published_at is None:
        return None  # never published, so never indexed: no query on every draft save
    counts_changed()  # a published pilot changed (its result, who may see it, or its unpublishing)
    facetcells.refresh([pilot.pk])  # its facet values as one number, for counting (saved already: post_save)
    existing = SearchDocument.objects.select_for_update().filter(pilot_id=pilot.pk).first()
    if pilot.status != Status.PUBLISHED:
        if existing:
            existing.delete()  # the pre_delete receiver takes its counts out
        return None
    thesaurus = ranking.default_thesaurus()
    features = ranking.document_features(pilot_search_fields(pilot), thesaurus)
    if existing:
        if _features_of(existing) == features:
            return existing
        _adjust(_features_of(existing), -1)
    doc = existing or SearchDocument(pilot=pilot)
    for name, feats in features.items():
        setattr(doc, name, " ".join(feats))
    doc.save()
    _adjust(features, +1)
    _fill_vectors(SearchDocument.objects.filter(pk=doc.pk))
    return doc


def search_unindex(*, document: SearchDocument) -> None:
    """Take a document's counts out of the totals (called just before it is deleted)."""
    counts_changed()
    _adjust(_features_of(document), -1)


@transaction.atomic
def search_reindex_all(*, batch_size: int = 1000) -> int:
    """Rebuild the whole index from the published pilots; returns how many were indexed."""
    with connection.cursor() as cursor:  # bypasses per-row delete receivers: the totals are rebuilt below
        cursor.execute(f"DELETE FROM {SearchDocument._meta.db_table}")  # noqa: S608 (a constant table name)
    SearchTerm.objects.all().delete()
    counts_changed()
    thesaurus = ranking.default_thesaurus()
    pilots = (Pilot.objects.filter(status=Status.PUBLISHED).select_related("council", "result")
              .prefetch_related("joint_councils").order_by("pk"))
    count, df, totals = _index_documents(pilots.iterator(chunk_size=batch_size), thesaurus, batch_size)
    SearchTerm.objects.bulk_create([SearchTerm(term=t, doc_count=n) for t, n in df.items()], batch_size=batch_size)
    SearchIndexState.objects.update_or_create(pk=1, defaults={
        "doc_count": count, "thesaurus_version": thesaurus.version,
        **{f"len_{name}": totals[name] for name in ranking.FIELDS},
    })
    return count


def _index_documents(pilots, thesaurus: ranking.Thesaurus, batch_size: int) -> tuple[int, Counter, Counter]:
    """Insert a search document for each published pilot in `pilots` (none indexed yet), and give each its facet
    cell (facetcells); returns how many, their document frequencies and their field lengths, for the caller to
    record."""
    documents = NewDocuments(thesaurus)
    pilots = iter(pilots)
    while batch := list(itertools.islice(pilots, batch_size)):  # `pilots` may read from the database: not mid-COPY
        documents.add(batch)
    documents.close()
    return documents.count, documents.df, documents.totals


# The fields whose texts many documents share: who ran it (a council's name) and the facets' labels. Their features
# are worked out once per text for a whole import or rebuild (at most MAX_KNOWN texts kept).
REPEATED_FIELDS = frozenset({"council", "facets"})
MAX_KNOWN = 20_000


class NewDocuments:
    """Search documents for newly published pilots, added a batch at a time in the caller's transaction.

    On PostgreSQL each batch is copied (COPY) into a temporary table and inserted from it with the weighted tsvector
    built in the same INSERT. `add` may be given a raw psycopg cursor on the transaction's own connection (the
    import writes its batches on a second thread, docs/adr/0018): it then asks the database nothing through Django.
    `close` drops the temporary table; `finish` also adds the document frequencies and lengths to the index."""

    TABLE = "new_search_documents"

    def __init__(self, thesaurus: ranking.Thesaurus | None = None):
        self.thesaurus = thesaurus or ranking.default_thesaurus()
        self.df: Counter = Counter()
        self.totals: Counter = Counter()
        self.count = 0
        self._known: dict[str, list[str]] = {}  # features by text, of REPEATED_FIELDS
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:  # in the caller's transaction (ON COMMIT DROP); constant names
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} (pilot_id integer, "
                               + ", ".join(f"{name} text" for name in ranking.FIELDS) + ") ON COMMIT DROP")

    def prepare(self, pilots) -> list[tuple[Pilot, tuple[str, ...]]]:
        """Each published pilot among these with its document's texts (ranking.FIELDS' features), counted into the
        document frequencies and lengths: indexing's work in Python, which asks the database nothing and needs no
        pilot's id, so the import does it on its checking thread while the writer copies (docs/adr/0018)."""
        prepared = []
        for pilot in pilots:
            if pilot.status != Status.PUBLISHED:
                continue
            features = self._features(pilot_search_fields(pilot))
            self.df.update({f for feats in features.values() for f in feats})
            self.totals.update({name: len(feats) for name, feats in features.items()})
            prepared.append((pilot, tuple(" ".join(features[name]) for name in ranking.FIELDS)))
        self.count += len(prepared)
        return prepared

    def _rows(self, pilots) -> list[tuple]:
        return [(pilot.pk, *texts) for pilot, texts in self.prepare(pilots)]

    def _features(self, fields: dict[str, str]) -> dict[str, list[str]]:
        """ranking.document_features(fields), with the features of a text of REPEATED_FIELDS worked out once per
        distinct text (the lists are shared, and only read)."""
        known = self._known
        features = {}
        for name in ranking.FIELDS:
            text = fields.get(name) or ""
            if name in REPEATED_FIELDS:
                found = known.get(text)
                if found is None:
                    found = ranking.features(text, self.thesaurus)
                    if len(known) < MAX_KNOWN:
                        known[text] = found
                features[name] = found
            else:
                features[name] = ranking.features(text, self.thesaurus)
        return features

    def add(self, pilots, cursor=None, cells_known: bool = False, prepared=None) -> None:
        """Index these saved pilots (the unpublished among them are left out); `cursor`, a raw psycopg cursor;
        `cells_known`: the pilots were written with their facet cells (facetcells.cells_for), else they are given
        them here; `prepared`: what `prepare(pilots)` gave before they were saved, if it was asked."""
        rows = self._rows(pilots) if prepared is None else [(pilot.pk, *texts) for pilot, texts in prepared]
        names = ("pilot_id", *ranking.FIELDS)
        if not self.postgres:
            SearchDocument.objects.bulk_create(SearchDocument(**dict(zip(names, row, strict=True))) for row in rows)
            return
        if not rows:
            return
        if cursor is None:
            with connection.cursor() as wrapper:
                self._copy(wrapper.cursor, rows, cells_known)
        else:
            self._copy(cursor, rows, cells_known)

    def _copy(self, cursor, rows: list[tuple], cells_known: bool) -> None:
        columns = ", ".join(("pilot_id", *ranking.FIELDS))
        vector = " || ".join(f"setweight(to_tsvector('simple', {name}), '{weight}')"
                             for name, weight in VECTOR_WEIGHTS.items())
        with cursor.copy(f"COPY {self.TABLE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {SearchDocument._meta.db_table} ({columns}, indexed_at, vector) "  # noqa: S608
                       f"SELECT {columns}, now(), {vector} FROM {self.TABLE}")
        cursor.execute(f"TRUNCATE {self.TABLE}")
        if not cells_known:  # their facet cells, on the same cursor
            facetcells.refresh([row[0] for row in rows], cursor=cursor)

    def close(self) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")

    def finish(self) -> int:
        """Drop the temporary table and add the documents' counts to the index; how many were indexed."""
        self.close()
        if not self.count:
            return 0
        counts_changed()
        _add_term_counts(self.df)
        _state()
        SearchIndexState.objects.filter(pk=1).update(doc_count=F("doc_count") + self.count,
                                                     **{f"len_{name}": F(f"len_{name}") + self.totals[name]
                                                        for name in ranking.FIELDS})
        return self.count


def _add_term_counts(df: Counter, batch_size: int = 1000) -> None:
    """Add document frequencies to SearchTerm in place (INSERT ... ON CONFLICT DO UPDATE, on both databases), so
    a pilot indexed at the same time by search_index_pilot is not lost."""
    table = SearchTerm._meta.db_table
    items = list(df.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), batch_size):
            chunk = items[start:start + batch_size]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, doc_count) VALUES {values} "  # noqa: S608 (constant table name)
                f"ON CONFLICT (term) DO UPDATE SET doc_count = {table}.doc_count + excluded.doc_count",
                [x for pair in chunk for x in pair],
            )


@transaction.atomic
def search_index_new(pilots, *, batch_size: int = 2000) -> int:
    """Index many newly published pilots at once (pilotbook import); returns how many were indexed.

    `pilots` are saved Pilot objects not yet in the index, with their council (and result, if any) attached and
    their joint councils prefetched.
    Term counts and totals are added to, not rebuilt, so the rest of the index is untouched.
    """
    documents = NewDocuments()
    pilots = iter(pilots)
    while batch := list(itertools.islice(pilots, batch_size)):
        documents.add(batch)
    return documents.finish()

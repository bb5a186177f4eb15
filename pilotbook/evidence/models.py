"""The search index of published pilots: one document of stemmed features per pilot, term counts and totals.

Kept in step with pilots by pilotbook.evidence.index (called from the receivers in signals.py). On SQLite an
FTS5 table (``evidence_fts``, migration 0002) mirrors SearchDocument through triggers; on PostgreSQL the
``vector`` column holds a weighted tsvector with a GIN index. Either finds candidates; the ranking core re-ranks.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from pilotbook.pilots.models import Pilot


class SearchDocument(models.Model):
    """A published pilot's searchable fields as space-separated features (stems and synonym concepts)."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="search_document")
    title = models.TextField(blank=True)
    problem = models.TextField(blank=True)
    change = models.TextField(blank=True)
    lessons = models.TextField(blank=True)
    partners = models.TextField(blank=True)
    council = models.TextField(blank=True)
    facets = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)  # filled on PostgreSQL only
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Search document for pilot {self.pilot_id}"


class SearchTerm(models.Model):
    """How many indexed pilots contain a feature: BM25's document frequency, exact on both databases."""

    term = models.CharField(max_length=64, primary_key=True)
    doc_count = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.doc_count}"


class SearchIndexState(models.Model):
    """The one row of collection totals: pilots indexed and the total length of each field, in features."""

    doc_count = models.IntegerField(default=0)
    len_title = models.BigIntegerField(default=0)
    len_problem = models.BigIntegerField(default=0)
    len_change = models.BigIntegerField(default=0)
    len_lessons = models.BigIntegerField(default=0)
    len_partners = models.BigIntegerField(default=0)
    len_council = models.BigIntegerField(default=0)
    len_facets = models.BigIntegerField(default=0)
    thesaurus_version = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"Search index of {self.doc_count} pilots"

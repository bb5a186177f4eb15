"""The search index of published pilots: one document of stemmed features per pilot, term counts and totals.

Kept in step with pilots by pilotbook.evidence.index (called from the receivers in signals.py). On SQLite an
FTS5 table (``evidence_fts``, migration 0002) mirrors SearchDocument through triggers; on PostgreSQL the
``vector`` column holds a weighted tsvector with a GIN index. Either finds candidates; the ranking core re-ranks.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from pilotbook.councils.models import Council
from pilotbook.pilots.choices import InterventionType, ServiceArea
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


class SearchMatch(models.Model):
    """PostgreSQL only: evidence_searchmatch, a search document's vector without positions or weights (GIN-indexed,
    migration 0010) and a copy of the five columns of its pilot that the access rules read (0012), kept by triggers.
    Counting a search's matches and their facets reads this table alone: PilotQuerySet's rules apply to it as they
    are (visible_q, released_q, withheld_from). Django never creates it (the migrations' SQL does)."""

    pilot = models.OneToOneField(Pilot, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    vector = SearchVectorField(null=True)
    status = models.CharField(max_length=20)
    visibility = models.CharField(max_length=20)
    council = models.ForeignKey(Council, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    published_at = models.DateTimeField(null=True)
    facet_cell = models.IntegerField(null=True)

    class Meta:
        managed = False
        db_table = "evidence_searchmatch"

    def __str__(self) -> str:
        return f"Search match of pilot {self.pilot_id}"


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


class KeptCounts(models.Model):
    """How many released results match a search (or a browse) and its facet counts, for one kind of reader: counted
    once and kept a minute, or until a pilot or its result changes (pilotbook.evidence.selectors.counts)."""

    key = models.CharField(max_length=64, primary_key=True)  # sha256 of the reader, the filters and the features
    counts = models.JSONField()  # [total, {facet: [[value, count], ...]}]
    kept_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"Counts {self.key[:8]} kept until {self.kept_until:%H:%M:%S}"


class FacetCell(models.Model):
    """One combination of the evidence search's facet values (pilotbook.evidence.facetcells): a published pilot's
    `facet_cell` names its own, so the facets of many pilots are counted by grouping on one number. `key` is the
    values joined (made in SQL by facetcells.KEY), NULL marked apart from empty text."""

    key = models.TextField(unique=True)
    service_area = models.CharField(max_length=30, null=True)
    intervention_type = models.CharField(max_length=30, null=True)
    verdict = models.CharField(max_length=25, null=True)
    design = models.CharField(max_length=30, null=True)
    organisation = models.CharField(max_length=200, null=True)
    country = models.CharField(max_length=2, null=True)
    year = models.IntegerField(null=True)  # of published_at in settings.TIME_ZONE
    nation = models.CharField(max_length=50, null=True)
    council_type = models.CharField(max_length=200, null=True)
    anonymous = models.BooleanField()  # published with the council's name withheld (Visibility.PUBLIC_ANONYMOUS)

    def __str__(self) -> str:
        return f"Facet cell {self.pk}"


class PooledGroup(models.Model):
    """Pilots that tested the same kind of change on a comparable outcome, pooled by meta-analysis.

    Moderators make groups and choose their members; the page pools whichever members the viewer may see.
    """

    class Measure(models.TextChoices):
        GENERIC = "GENERIC", "Effect in the outcome's own unit (from each recorded result)"
        RR = "RR", "Risk ratio (yes-or-no outcomes analysed in Pilotbook)"
        OR = "OR", "Odds ratio (yes-or-no outcomes analysed in Pilotbook)"
        RD = "RD", "Risk difference (yes-or-no outcomes analysed in Pilotbook)"
        MD = "MD", "Mean difference (measurements analysed in Pilotbook)"
        SMD = "SMD", "Standardised mean difference, Hedges' g (measurements analysed in Pilotbook)"

    title = models.CharField("title", max_length=200)
    slug = models.SlugField(unique=True, max_length=80)
    description = models.TextField("what the pilots have in common", blank=True)
    intervention_type = models.CharField("type of change", max_length=30, blank=True,
                                         choices=InterventionType.choices)
    service_area = models.CharField("service area", max_length=30, blank=True, choices=ServiceArea.choices)
    outcome = models.CharField("the comparable outcome", max_length=200)
    measure = models.CharField("effect measure", max_length=10, choices=Measure.choices, default=Measure.GENERIC)
    pilots = models.ManyToManyField(Pilot, through="PooledMembership", related_name="pooled_groups")
    created_by = models.ForeignKey("councils.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    RESERVED_SLUGS = {"new"}  # addresses of pages beside the groups' own (evidence/pooled/new/)

    class Meta:
        ordering = [Lower("title"), "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pooled-group", args=[self.slug])

    def clean(self):
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError(f"The address “{self.slug}” belongs to another page; choose another slug.")


class PooledMembership(models.Model):
    group = models.ForeignKey(PooledGroup, on_delete=models.CASCADE, related_name="memberships")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="pooled_memberships")
    added_by = models.ForeignKey("councils.User", on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("why it belongs", max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "pilot"], name="pilot_once_per_group")]

    def __str__(self) -> str:
        return f"{self.pilot} in {self.group}"

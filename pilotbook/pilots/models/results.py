"""What a pilot produced: amendments to its frozen plan, its headline result, the analyses behind it and the
uploads waiting to be analysed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbook.pilots.choices import MEASURED_VERDICTS, Verdict
from pilotbook.web.choices import ChoiceLabels

from .pilot import Pilot


class Amendment(models.Model):
    """A change to a frozen plan, with its reason, kept forever and listed on the pilot page."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("reason for the change"))
    after_results_seen = models.BooleanField(_("made after results were seen"))
    changes = models.JSONField(help_text="{field: {'old': value, 'new': value}} in the plan's canonical form")
    plan_hash_before = models.CharField(max_length=64)
    plan_hash_after = models.CharField(max_length=64)

    class Meta:
        ordering = ["pilot", "number"]
        constraints = [models.UniqueConstraint(fields=["pilot", "number"], name="amendment_number_per_pilot")]

    def __str__(self) -> str:
        return f"Amendment {self.number} to {self.pilot}"


class Result(ChoiceLabels, models.Model):
    """The headline result of a pilot's primary outcome: the effect (new minus old), its 95% CI and the verdict.

    The verdict is never typed in: pilotbook.pilots.services.result_record() derives it with
    pilotbook.stats.verdicts.judge() from the CI and the registered better direction and worthwhile effect.
    The one exception is an imported case study (``source == REPORTED``, `pilotbook import`): its verdict is the
    one its source reported, shown as such, and its effect and interval may be unknown (null).
    """

    class Source(models.TextChoices):
        PILOTBOOK = "pilotbook", _("Judged by Pilotbook from the effect and its confidence interval")
        REPORTED = "reported", _("Reported by the source; not checked by Pilotbook")

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="result")
    estimate = models.DecimalField(_("effect"), max_digits=14, decimal_places=4, null=True, blank=True)
    ci_low = models.DecimalField(_("95% confidence interval, lower end"), max_digits=14, decimal_places=4,
                                 null=True, blank=True)
    ci_high = models.DecimalField(_("95% confidence interval, upper end"), max_digits=14, decimal_places=4,
                                  null=True, blank=True)
    source = models.CharField(_("verdict from"), max_length=10, choices=Source.choices, default=Source.PILOTBOOK)
    sample_size = models.PositiveIntegerField(_("sample analysed"), null=True, blank=True)
    sample = models.CharField(_("sample, as the source described it"), max_length=200, blank=True,
                              help_text=_("For example \u201c705 care users\u201d (imported case studies)."))
    stopped_early = models.BooleanField(
        _("stopped early, as the source reported"), default=False,
        help_text=_("The source reports the trial was stopped or abandoned before its planned end; it is listed in "
                    "\u201cwhat didn't work\u201d."))
    method = models.CharField(_("method"), max_length=200, blank=True)
    summary = models.TextField(_("what happened"), blank=True)
    verdict = models.CharField(max_length=25, choices=Verdict.choices, editable=False)
    reaches_worthwhile = models.BooleanField(default=False, editable=False)
    analysis = models.ForeignKey(
        "Analysis", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The analysis in Pilotbook this result came from; empty when the council analysed it elsewhere",
    )
    recorded_at = models.DateTimeField(auto_now=True)  # last changed
    # When the result was first recorded: the day it was reported, for reporting rates. A correction later does
    # not make an on-time report late.
    first_recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="reported") | models.Q(estimate__isnull=False, ci_low__isnull=False,
                                                                 ci_high__isnull=False),
                name="result_judged_has_effect_and_interval",
            ),
            models.CheckConstraint(
                condition=~models.Q(verdict=Verdict.NOT_REPORTED)
                | models.Q(source="reported", estimate__isnull=True, ci_low__isnull=True, ci_high__isnull=True),
                name="result_not_reported_only_from_a_source_without_numbers",
                violation_error_message=_("\u201cOutcome not reported\u201d comes only from an imported case study's "
                                          "source, and has no effect or interval."),
            ),
        ]

    def __str__(self) -> str:
        return f"Result of {self.pilot}"

    @property
    def has_interval(self) -> bool:
        return self.estimate is not None and self.ci_low is not None and self.ci_high is not None

    @property
    def is_reported(self) -> bool:
        return self.source == self.Source.REPORTED

    @property
    def is_measured(self) -> bool:
        """Whether the verdict says anything about the outcome: not so for "outcome not reported by the source",
        which is counted apart and never in verdict counts, ratings or pooling."""
        return self.verdict in MEASURED_VERDICTS


class Analysis(models.Model):
    """One run of the evaluation engine on a pilot's data: what went in (sufficient statistics only) and out.

    Uploaded rows are personal data, so they are never stored here: ``dataset`` holds per-group totals
    (counts, sums, sums of squares), or for time-to-event outcomes the (time, event) pairs with nothing that
    identifies anyone. ``output`` is pilotbook.stats.analysis.Analysis.to_dict().
    """

    class Purpose(models.TextChoices):
        FINAL = "final", _("Final analysis")
        INTERIM = "interim", _("Interim look")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded rows")
        SUMMARY = "summary", _("Summary figures typed in")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="analyses")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.FINAL)
    look_number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Interim look number, from 1")
    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255, blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text="Which column held what, and the control group")
    spec = models.JSONField(default=dict, help_text="The AnalysisSpec used: kind, design, better, worthwhile")
    dataset = models.JSONField(help_text="Sufficient statistics (pilotbook.stats.dataset.Dataset.to_json())")
    output = models.JSONField(help_text="pilotbook.stats.analysis.Analysis.to_dict()")
    interim_decision = models.JSONField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pilot", "-created_at"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} of {self.pilot} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("analysis-detail", args=[self.pilot_id, self.pk])


class PendingUpload(models.Model):
    """An uploaded file between upload and column mapping; deleted when analysed, or after an hour unused."""

    token = models.CharField(max_length=32, unique=True)
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    columns = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    # Per column, kept at upload so later pages need not read the file: its groups with their row counts, or why
    # it cannot be the group column (pilotbook.stats.dataset.column_facts). Empty for uploads from before.
    facts = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Upload {self.filename} for {self.pilot_id}"

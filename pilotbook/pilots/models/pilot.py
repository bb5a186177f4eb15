"""A pilot: its plan, its lifecycle and who may read and change it (PilotQuerySet.visible_to, Pilot.can_change)."""

from __future__ import annotations

import contextlib
import datetime as dt
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council
from pilotbook.pilots import plan as plan_module
from pilotbook.pilots.choices import (
    ENDED_STATUSES,
    FROZEN_STATUSES,
    MSMS_LEVEL,
    PUBLIC_VISIBILITIES,
    BetterDirection,
    Design,
    FailureReason,
    InterventionType,
    OutcomeKind,
    ServiceArea,
    Status,
    StoppingRule,
    Visibility,
)
from pilotbook.pilots.countries import validate_country
from pilotbook.web.choices import ChoiceLabels

from .rules import (
    REGISTRATION_TIME_ZONE,
    SHORT_TEXT,
    SOURCE_URL_MAX_LENGTH,
    CouncilCount,
    member_council_ids,
    validate_further_sources,
    validate_year,
)


def joint_pilot_ids(councils: models.QuerySet[Council]) -> models.QuerySet[Any, dict[str, Any]]:
    """A subquery: the pilots that any of `councils` (a Council queryset) ran together with other councils."""
    return Pilot.joint_councils.through.objects.filter(council__in=councils).values("pilot_id")


def withheld_from(user) -> Q | None:
    """The condition on pilots whose council's name is withheld from this person (PilotQuerySet.identifiable_by
    leaves them out; counting them apart, as the evidence facets do, uses it as it is); None for a moderator."""
    if user.is_authenticated and user.is_moderator:
        return None
    own = sorted(member_council_ids(user))
    return Q(visibility=Visibility.PUBLIC_ANONYMOUS) & ~Q(council_id__in=own)


def visible_q(user) -> Q:
    """The one place that says who may read which pilot (tested as a matrix in tests/test_access_matrix.py), as a
    condition on a pilot's status, visibility and council_id (so it applies as it is to the copies of those columns
    in pilotbook.evidence.models.SearchMatch):

    - anyone: pilots past draft that their council made public;
    - a member of any council: every pilot past draft, and their own councils' drafts;
    - a platform moderator: everything (an empty condition).
    """
    public = Q(visibility__in=PUBLIC_VISIBILITIES) & ~Q(status=Status.DRAFT)
    if not user.is_authenticated:
        return public
    if user.is_moderator:
        return Q()
    council_codes = sorted(member_council_ids(user))
    if not council_codes:
        return public
    return ~Q(status=Status.DRAFT) | Q(council_id__in=council_codes)


def released_q(at=None) -> Q:
    """Published, and past any embargo at `at` (default now): what the shared evidence base shows, as a condition on
    a pilot's status and published_at (SearchMatch has copies of both)."""
    return Q(status=Status.PUBLISHED, published_at__lte=at or timezone.now())


class PilotQuerySet(models.QuerySet["Pilot"]):
    def visible_to(self, user) -> PilotQuerySet:
        """The pilots this person may read (visible_q)."""
        return self.filter(visible_q(user))

    def identifiable_by(self, user) -> PilotQuerySet:
        """Pilots whose council this person may know: all but those published with the name withheld,
        unless they are that council's members or a moderator. Filtering by council or nation uses this,
        so a withheld name cannot be found out by filtering."""
        withheld = withheld_from(user)
        return self.all() if withheld is None else self.exclude(withheld)

    def of_councils(self, councils) -> PilotQuerySet:
        """Pilots that any of `councils` (a Council queryset) ran, alone or with other councils (a case study that
        several councils ran is found under each). Filter with identifiable_by first where names may be withheld."""
        return self.filter(Q(council__in=councils) | Q(pk__in=joint_pilot_ids(councils)))

    def council_count(self, user) -> CouncilCount:
        """How many councils these pilots come from, as this person may know it: the councils they may know the
        names of (each council of a case study several ran together), or one when every pilot's council is withheld
        from them. A withheld pilot may come from a council already counted, so counting it exactly would give the
        council away (as pilotbook.evidence.pooling does); the count then says it is the fewest there can be.
        Pilots an organisation ran without a council count no council."""
        known = self.identifiable_by(user)
        named = set(known.exclude(council=None).order_by().values_list("council_id", flat=True).distinct())
        named.update(Pilot.joint_councils.through.objects.filter(pilot__in=known.values("pk")).order_by()
                     .values_list("council_id", flat=True).distinct())
        withheld = self.exclude(pk__in=known.values("pk")).exists()
        return CouncilCount(len(named) or int(withheld), at_least=withheld)

    def results_released(self, at=None) -> PilotQuerySet:
        """Published pilots whose embargo, if any, has passed: what the shared evidence base shows (released_q)."""
        return self.filter(released_q(at))


def next_release() -> dt.datetime | None:
    """When the next published result under embargo is released (pilotbook.web.versions' clock), or None if none is
    waiting. One query on the published_at index."""
    return (Pilot.objects.filter(status=Status.PUBLISHED, published_at__gt=timezone.now()).order_by("published_at")
            .values_list("published_at", flat=True).first())


class Pilot(ChoiceLabels, models.Model):
    """A small trial of a new way of working at one council, registered before it starts; or a case study imported
    from a source (pilotbook import), which one council, several councils together, or another organisation ran.

    `council` is the council whose members own the pilot. Every pilot registered in Pilotbook has one. An imported
    case study has the first council its source names, and the others in `joint_councils`; one that an organisation
    ran without a council (a charity, a council abroad) has none, and names the `organisation` (docs/adr/0011).
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("council"),
                                null=True, blank=True,
                                help_text=_("Empty only for a case study an organisation ran without a UK council."))
    joint_councils = models.ManyToManyField(
        Council, related_name="joint_pilots", blank=True, verbose_name=_("other councils that ran it"),
        help_text=_("A case study several councils ran together: the others beside its council."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The plan. Fields are blank-able because a draft is saved one question page at a time;
    # pilotbook.pilots.plan.missing_fields() says what registration still needs.
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"), blank=True)
    change = models.TextField(_("the change being tried"), blank=True)
    service_area = models.CharField(_("service area"), max_length=30, choices=ServiceArea.choices, blank=True)
    intervention_type = models.CharField(
        _("intervention type"), max_length=30, choices=InterventionType.choices, blank=True
    )
    partners = models.TextField(_("partners involved"), blank=True)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    outcome_name = models.CharField(_("primary outcome"), max_length=200, blank=True)
    outcome_unit = models.CharField(_("unit"), max_length=60, blank=True)
    outcome_kind = models.CharField(_("kind of outcome"), max_length=20, choices=OutcomeKind.choices, blank=True)
    better_direction = models.CharField(
        _("which direction is better"), max_length=10, choices=BetterDirection.choices, blank=True
    )
    worthwhile_effect = models.DecimalField(
        _("smallest effect worth having"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    secondary_outcomes = models.TextField(_("secondary outcomes"), blank=True)
    design = models.CharField(_("design"), max_length=30, choices=Design.choices, blank=True)
    planned_sample = models.PositiveIntegerField(_("planned sample"), null=True, blank=True)
    planned_clusters = models.PositiveIntegerField(_("planned number of clusters"), null=True, blank=True)
    stopping_rule = models.CharField(
        _("stopping rule"), max_length=20, choices=StoppingRule.choices, default=StoppingRule.NONE
    )
    interim_looks = models.PositiveSmallIntegerField(
        _("planned interim looks"), default=0, help_text=_("Looks at the data before the final analysis.")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    results_due_date = models.DateField(_("results due"), null=True, blank=True)
    setup_cost = models.DecimalField(_("set-up cost (£)"), max_digits=12, decimal_places=2, null=True, blank=True)
    running_cost = models.DecimalField(_("running cost (£)"), max_digits=12, decimal_places=2, null=True, blank=True)
    value_per_outcome = models.DecimalField(
        _("value of one unit of improvement (£)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    # Sharing is a council's choice at any time, not part of the scientific plan.
    visibility = models.CharField(
        _("who may see it"), max_length=20, choices=Visibility.choices, default=Visibility.COUNCILS
    )

    # Lifecycle.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_plan = models.JSONField(null=True, blank=True, editable=False)
    registered_plan_hash = models.CharField(max_length=64, blank=True, editable=False)
    plan_hash = models.CharField(max_length=64, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    results_seen_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    # Publishing: lessons learned in a fixed short format (required to publish), and for pilots that did not
    # work, the main structured reason, for the "what didn't work" register.
    lessons_aim = models.TextField(_("what we set out to do"), blank=True, validators=SHORT_TEXT)
    lessons_happened = models.TextField(_("what happened"), blank=True, validators=SHORT_TEXT)
    lessons_why = models.TextField(_("why"), blank=True, validators=SHORT_TEXT)
    lessons_differently = models.TextField(_("what we would do differently"), blank=True, validators=SHORT_TEXT)
    failure_reason = models.CharField(
        _("main reason it did not work"), max_length=30, choices=FailureReason.choices, blank=True, db_index=True
    )
    failure_detail = models.TextField(_("more about the reason"), blank=True, validators=SHORT_TEXT)
    # A publication date in the future is an embargo: until then only the council and moderators see the result.
    embargo_until = models.DateField(_("embargo until"), null=True, blank=True)

    is_demo = models.BooleanField(_("demo data"), default=False)
    # Imported records (pilotbook import): the source's own identifier and the page the case study came from.
    external_id = models.CharField(_("identifier in the source"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=SOURCE_URL_MAX_LENGTH, blank=True)
    # Imported case studies: who ran it when no UK council did (or beside the councils), where, when, and more about
    # the source (who published it, other reports of it, and the licence or attribution its text needs).
    organisation = models.CharField(_("organisation that ran it"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[validate_country],
                               help_text=_("ISO 3166-1 alpha-2 code, such as AU; for a case study run outside the "
                                           "UK's councils."))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=[validate_year],
                                            help_text=_("The year the case study ran or was reported."))
    source_name = models.CharField(_("published by"), max_length=200, blank=True)
    further_sources = models.JSONField(_("further sources"), default=list, blank=True,
                                       validators=[validate_further_sources])
    source_licence = models.CharField(_("licence or attribution of the source"), max_length=300, blank=True)
    # The evidence search's facet values of a published pilot as one number (pilotbook.evidence.facetcells: an
    # evidence_facetcell row), so its facets are counted by one key; kept by the search index's services.
    facet_cell = models.IntegerField(null=True, blank=True, editable=False)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["council", "status"]),
            models.Index(fields=["service_area", "intervention_type"]),
            # Lists newest first (the API, exports, browsing) read the first page off this instead of sorting all.
            models.Index(fields=["-updated_at", "-id"], name="pilot_newest_first"),
            # Counting what one audience may see (visible_to) reads only this; results_released and the next
            # embargo to end (next_release) read published_at.
            models.Index(fields=["visibility", "status"], name="pilot_visibility_status"),
            models.Index(fields=["published_at"], name="pilot_published_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~models.Q(external_id=""),
                                    name="pilot_external_id_unique"),
            models.CheckConstraint(
                condition=models.Q(council__isnull=False) | ~models.Q(organisation=""),
                name="pilot_has_council_or_organisation",
                violation_error_message=_("A pilot needs a council, or the organisation that ran it."),
            ),
            models.CheckConstraint(
                condition=~models.Q(visibility=Visibility.PUBLIC_ANONYMOUS) | models.Q(council__isnull=False),
                name="pilot_withheld_name_has_a_council",
                violation_error_message=_("Only a council's name can be withheld: a case study an organisation ran "
                                          "without a council is public or for councils only."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilot-detail", args=[self.pk])

    # Who ran it.
    def all_councils(self) -> list[Council]:
        """The councils that ran it: its council first, then any that ran it together (by name). Lists of pilots
        prefetch_related("joint_councils") so this asks nothing more of the database."""
        joint = getattr(self, "_known_joint_councils", None)
        if joint is None:
            joint = self.joint_councils.all() if self.pk else []
        return [*([self.council] if self.council_id else []), *sorted(joint, key=lambda c: c.name)]

    def know_joint_councils(self, councils) -> None:
        """Tell a pilot just created with these joint councils (pilotbook import, 100,000 at a time) what
        all_councils would ask the database; only for that object, only until it is thrown away."""
        self._known_joint_councils = list(councils)

    @property
    def organisation_text(self) -> str:
        """The organisation with its country, as pages name it: "City of Melbourne (Australia)"."""
        from pilotbook.pilots.countries import country_name

        if not self.organisation:
            return ""
        return f"{self.organisation} ({country_name(self.country)})" if self.country else self.organisation

    def ran_by(self) -> str:
        """Who ran it, in words: its councils and the organisation ("Leeds, Bradford and Keep Britain Tidy").
        Callers check council_shown_to first: this names the councils."""
        names = [council.name for council in self.all_councils()]
        if self.organisation:
            names.append(self.organisation_text)
        if len(names) < 2:
            return "".join(names)
        return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}

    # Rules that depend only on the pilot itself.
    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def msms_level(self) -> int | None:
        return MSMS_LEVEL.get(self.design) if self.design else None

    def default_results_due_date(self) -> dt.date | None:
        if self.end_date is None:
            return None
        return self.end_date + timedelta(days=settings.PILOTBOOK_RESULTS_DUE_AFTER_DAYS)

    def plan(self) -> dict:
        return plan_module.plan_of(self)

    # Pre-registration. Registering freezes the plan (ADR 0003), but a plan frozen after the pilot began could have
    # been written knowing how it was going, so "pre-registered" means frozen on or before the day it started.
    @property
    def registered_on(self) -> dt.date | None:
        """The UK calendar day the plan was registered (frozen), or None if it never was (drafts, imported case
        studies)."""
        return self.registered_at.astimezone(REGISTRATION_TIME_ZONE).date() if self.registered_at else None

    @property
    def started_on(self) -> dt.date | None:
        """The day the pilot started, for judging pre-registration: the earliest of the start date in the
        registered plan, the start date in the plan now (an amendment may have moved it) and the UK day someone
        pressed "Start the pilot" in Pilotbook (started_at). "Start" could mean the planned date or that button;
        the earlier is the honest reading, since a plan frozen after either had a pilot already under way (a
        pilot started in the world on 1 September and in Pilotbook in December started on 1 September)."""
        days = [self.start_date]
        if self.registered_plan:
            with contextlib.suppress(TypeError, ValueError):  # the frozen plan holds an ISO date
                days.append(dt.date.fromisoformat(self.registered_plan.get("start_date") or ""))
        if self.started_at:
            days.append(self.started_at.astimezone(REGISTRATION_TIME_ZONE).date())
        days = [day for day in days if day is not None]
        return min(days) if days else None

    @property
    def preregistered(self) -> bool:
        """Whether the plan was registered on or before the day the pilot started (see started_on). Never for a
        pilot that was not registered in Pilotbook, such as an imported case study."""
        registered, started = self.registered_on, self.started_on
        return registered is not None and started is not None and registered <= started

    @property
    def registered_after_start(self) -> bool:
        """Registered in Pilotbook, but only after the pilot had started."""
        return self.registered_at is not None and not self.preregistered

    def start_date_has_passed(self, today: dt.date | None = None) -> bool:
        """Whether the planned start date is before today (UK): registering now would be after it started."""
        today = today or timezone.now().astimezone(REGISTRATION_TIME_ZONE).date()
        return self.start_date is not None and self.start_date < today

    def visible_to_user(self, user) -> bool:
        """PilotQuerySet.visible_to for this one pilot, without asking the database: the pilot's page checks a pilot
        kept in the page cache with it (pilots.access.shown_pilot_or_404). The same rule, line for line;
        tests/test_access_matrix.py checks that both agree for every persona and every kind of pilot."""
        public = self.visibility in PUBLIC_VISIBILITIES and self.status != Status.DRAFT
        if not user.is_authenticated:
            return public
        if user.is_moderator:
            return True
        council_codes = member_council_ids(user)
        if not council_codes:
            return public
        return self.status != Status.DRAFT or self.council_id in council_codes

    def council_shown_to(self, user) -> bool:
        """Whether this person may see which council ran the pilot (withheld names stay withheld)."""
        if self.visibility != Visibility.PUBLIC_ANONYMOUS:
            return True
        return user.is_authenticated and (user.is_moderator or self.council_id in member_council_ids(user))

    def result_shown_to(self, user) -> bool:
        """Other councils and the public see a result once it is published and any embargo has passed."""
        if self.status == Status.PUBLISHED and self.published_at and self.published_at <= timezone.now():
            return True
        return user.is_authenticated and (user.is_moderator or self.council_id in member_council_ids(user))

    @property
    def is_case_study(self) -> bool:
        """An imported case study: published with the result its source reported."""
        result = getattr(self, "result", None)
        return result is not None and result.is_reported

    @property
    def lessons(self) -> list[tuple[str, str]]:
        return [(str(Pilot._meta.get_field(name).verbose_name).capitalize(), getattr(self, name))
                for name in ("lessons_aim", "lessons_happened", "lessons_why", "lessons_differently")
                if getattr(self, name)]

    def can_change(self, user) -> bool:
        """Only members of the owning council change a pilot (moderators correct records in the admin)."""
        return user.is_authenticated and user.memberships.filter(council_id=self.council_id).exists()

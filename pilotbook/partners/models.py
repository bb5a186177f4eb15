"""Partner organisations and where they meet residents, partnerships with them, and shared-service arrangements.

Fields follow Open Referral UK v3 `organization` and `location` so imports and exports map one to one.
Pilotbook lists organisations that can notice vulnerable residents, never the residents: no field here may
hold personal data about a resident (tests/partners/test_models.py checks the field names).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council

from .choices import ArrangementModel, Frequency, ResidentGroup, Source, Stage, WouldRepeat
from .orgid import validate_org_id


class Shape(models.TextChoices):
    """Marker shapes, so sectors differ in shape as well as colour (colour alone fails people who cannot see it)."""

    CIRCLE = "circle", _("Circle")
    SQUARE = "square", _("Square")
    TRIANGLE = "triangle", _("Triangle")
    DIAMOND = "diamond", _("Diamond")
    STAR = "star", _("Star")
    HEXAGON = "hexagon", _("Hexagon")
    CROSS = "cross", _("Cross")
    PENTAGON = "pentagon", _("Pentagon")


class SectorQuerySet(models.QuerySet["Sector"]):
    def for_council(self, council) -> SectorQuerySet:
        """The maintained list plus the sectors this council added."""
        return self.filter(Q(council__isnull=True) | Q(council=council))


class Sector(models.Model):
    """A kind of organisation. Council-less rows are the maintained list (data migration 0002)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, null=True, blank=True, related_name="sectors",
                                help_text=_("Empty for the maintained list every council shares."))
    slug = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(_("marker colour"), max_length=7, default="#505a5f")
    shape = models.CharField(_("marker shape"), max_length=10, choices=Shape.choices, default=Shape.CIRCLE)
    typical_groups = models.JSONField(
        default=list, blank=True, help_text=_("Resident groups this kind of organisation usually meets."))
    keywords = models.JSONField(
        default=list, blank=True, help_text=_("Words that name this sector in a pilot's list of partners."))

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], condition=Q(council__isnull=True), name="maintained_sector_slug"),
            models.UniqueConstraint(fields=["council", "slug"], name="council_sector_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation whose staff meet residents (Open Referral UK `organization`)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="partners", verbose_name=_("council"))
    oruk_id = models.UUIDField(_("Open Referral id"), default=uuid.uuid4, editable=False)
    identifier = models.CharField(
        _("org-id identifier"), max_length=60, blank=True, validators=[validate_org_id],
        help_text=_("For example GB-CHC-1234567 (a charity), GB-COH-01234567 (a company) or GB-NHS-RXX (NHS)."))
    osm_id = models.CharField(_("OpenStreetMap id"), max_length=40, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("what they do"), blank=True)
    email = models.EmailField(_("organisation email address"), blank=True,
                              help_text=_("A shared address such as info@..., not a person's own."))
    website = models.URLField(_("website"), blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="partners", verbose_name=_("sector"))
    visits_homes = models.BooleanField(_("visits residents' homes"), default=False)
    can_refer = models.BooleanField(_("can notice and refer residents who may be vulnerable"), default=False)
    referral_route = models.TextField(
        _("how they refer"), blank=True,
        help_text=_("The route, such as 'calls the council's adult social care front door'. "
                    "Never write about individual residents."))
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL, editable=False)
    attribution = models.CharField(
        _("licence notice"), max_length=500, blank=True, editable=False,
        help_text=_("The notice the data's licence requires wherever it is shown, such as OpenStreetMap's ODbL "
                    "notice for places imported from OpenStreetMap."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "identifier"], condition=~Q(identifier=""),
                                    name="partner_identifier_per_council"),
            models.UniqueConstraint(fields=["council", "osm_id"], condition=~Q(osm_id=""),
                                    name="partner_osm_id_per_council"),
            models.UniqueConstraint(fields=["council", "oruk_id"], name="partner_oruk_id_per_council"),
        ]
        indexes = [models.Index(fields=["council", "sector"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partner-detail", args=[self.council_id, self.pk])

    def can_change(self, user) -> bool:
        return can_change_council(user, self.council_id)


def can_change_council(user, council_code: str) -> bool:
    """Only members of a council change its partners, partnerships and arrangements (moderators use the admin)."""
    return user.is_authenticated and user.memberships.filter(council_id=council_code).exists()


class Location(models.Model):
    """Where a partner is (Open Referral UK `location` with one physical address)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="locations")
    oruk_id = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(_("location name"), max_length=200, blank=True)
    address_1 = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(49.0), MaxValueValidator(61.5)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-9.0), MaxValueValidator(2.5)])

    class Meta:
        ordering = ["partner", "pk"]

    def __str__(self) -> str:
        return self.name or f"{self.latitude:.5f}, {self.longitude:.5f}"


class Touchpoint(models.Model):
    """A partner meets a group of residents, this often."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="touchpoints")
    group = models.CharField(_("resident group"), max_length=30, choices=ResidentGroup.choices)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)

    class Meta:
        ordering = ["partner", "group"]
        constraints = [models.UniqueConstraint(fields=["partner", "group"], name="one_touchpoint_per_group")]
        indexes = [models.Index(fields=["group", "partner"])]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_group_display()} ({self.get_frequency_display()})"


class Partnership(models.Model):
    """Working with a partner on a topic, tracked through the pipeline by its owner (often the council's champion)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="partnerships")
    topic = models.CharField(_("what it is about"), max_length=200,
                             help_text=_("For example 'spotting isolated older people on delivery rounds'."))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="owned_partnerships", verbose_name=_("owner"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_date = models.DateField(_("next step by"), null=True, blank=True)
    pilots = models.ManyToManyField("pilots.Pilot", blank=True, related_name="partnerships",
                                    verbose_name=_("pilots it led to"))
    stage_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_step_date", "pk"]
        indexes = [models.Index(fields=["stage"])]

    def __str__(self) -> str:
        return f"{self.partner}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("partnership-detail", args=[self.partner.council_id, self.pk])

    def can_change(self, user) -> bool:
        return self.partner.can_change(user)


class PartnershipReview(models.Model):
    """What a partnership achieved and whether the council would do it again."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="review")
    achieved = models.TextField(_("what it achieved"))
    would_repeat = models.CharField(_("would you do it again?"), max_length=20, choices=WouldRepeat.choices)
    lessons = models.TextField(_("what others should know"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Review of {self.partnership}"


class Arrangement(models.Model):
    """How a council delivers a service: in-house, shared, outsourced, on an outcomes contract, or in partnership.

    Costs and savings are per year in pounds; savings are against the baseline, each with where it came from.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="arrangements",
                                verbose_name=_("recorded by"))
    service = models.CharField(_("service"), max_length=200)
    model = models.CharField(_("arrangement"), max_length=20, choices=ArrangementModel.choices)
    councils = models.ManyToManyField(Council, blank=True, related_name="shared_arrangements",
                                      verbose_name=_("other councils involved"))
    provider = models.CharField(_("provider or partner"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    baseline_cost = models.DecimalField(_("baseline cost a year (£)"), max_digits=14, decimal_places=2,
                                        null=True, blank=True)
    predicted_saving = models.DecimalField(_("predicted saving a year (£)"), max_digits=14, decimal_places=2,
                                           null=True, blank=True)
    predicted_source = models.CharField(_("source of the prediction"), max_length=300, blank=True)
    realised_saving = models.DecimalField(_("realised saving a year (£)"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    realised_source = models.CharField(_("source of the realised saving"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service"]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_model_display()}, {self.council})"

    def can_change(self, user) -> bool:
        return can_change_council(user, self.council_id)

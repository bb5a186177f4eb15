"""Hack days: a council's staff event where ideas are submitted, teams form, people vote and the organiser
shortlists ideas, each of which can become a pilot draft.

Who may see a hack day (HackDayQuerySet.visible_to, tested as a matrix in tests/hackdays/test_access.py):
- members of the hack day's council: always (it is their event, from the day it is announced);
- members of other councils: once voting has closed, so ideas are not copied or judged while staff are still
  working on them, and so every council can learn from what came of each idea;
- platform moderators: always;
- the public (nobody signed in): never. Ideas are staff's unfinished thinking, not published results; what
  came of them is public through the pilots they became.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilotbook.councils.models import Council, Role
from pilotbook.pilots.models import Pilot


class Stage(models.TextChoices):
    IDEAS = "ideas", _("Collecting ideas")
    VOTING = "voting", _("Voting open")
    CLOSED = "closed", _("Voting closed")


class HackDayQuerySet(models.QuerySet["HackDay"]):
    def visible_to(self, user) -> HackDayQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_moderator:
            return self.all()
        own = sorted(user.council_codes())
        if not own:
            return self.none()
        return self.filter(Q(council_id__in=own) | Q(stage=Stage.CLOSED))


class HackDay(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="hack_days", verbose_name=_("council"))
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    title = models.CharField(_("name of the hack day"), max_length=200)
    theme = models.TextField(_("theme"), help_text=_("What the day is about, in a sentence or two."))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True,
                             help_text=_("The address or room. Leave empty if the day is online only."))
    online_link = models.URLField(_("online link"), blank=True,
                                  help_text=_("For example the video call address. Leave empty if in person only."))
    votes_per_person = models.PositiveSmallIntegerField(
        _("votes per person"), default=3, help_text=_("How many ideas each person may vote for.")
    )
    hide_results_until_closed = models.BooleanField(
        _("hide vote counts until voting closes"), default=True,
        help_text=_("So early counts do not sway later voters."),
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.IDEAS, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HackDayQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("hack day")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hackday-detail", args=[self.pk])

    def is_member(self, user) -> bool:
        """Only staff of the hack day's council submit ideas, vote and join teams."""
        return user.is_authenticated and user.memberships.filter(council_id=self.council_id).exists()

    def can_manage(self, user) -> bool:
        """The organiser or an admin of the council moves the stages, shortlists and creates pilots."""
        if not user.is_authenticated:
            return False
        if user.pk == self.organiser_id:
            return self.is_member(user)
        return user.memberships.filter(council_id=self.council_id, role=Role.ADMIN).exists()

    @property
    def counts_visible(self) -> bool:
        return self.stage == Stage.CLOSED or not self.hide_results_until_closed

    @property
    def accepts_ideas(self) -> bool:
        return self.stage in (Stage.IDEAS, Stage.VOTING)


class Challenge(models.Model):
    """A problem the council invites staff to tackle on the day."""

    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="challenges")
    title = models.CharField(_("challenge"), max_length=200)
    description = models.TextField(_("more about the challenge"), blank=True)

    class Meta:
        ordering = ["hack_day", "pk"]

    def __str__(self) -> str:
        return self.title


class Idea(models.Model):
    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="ideas")
    challenge = models.ForeignKey(Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas",
                                  verbose_name=_("challenge it tackles"))
    title = models.CharField(_("title of the idea"), max_length=200)
    problem = models.TextField(_("the problem"))
    idea = models.TextField(_("the idea"))
    expected_benefit = models.TextField(_("expected benefit"))
    who_affected = models.TextField(_("who it affects"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    shortlisted_at = models.DateTimeField(null=True, blank=True)
    # The link from idea to pilot lives here, so the pilot registry does not depend on hack days; the pilot
    # reaches its idea through the reverse accessor `pilot.hackday_idea`.
    pilot = models.OneToOneField(Pilot, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="hackday_idea")

    class Meta:
        ordering = ["hack_day", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hackday-detail", args=[self.hack_day_id]) + f"#idea-{self.pk}"

    @property
    def is_shortlisted(self) -> bool:
        return self.shortlisted_at is not None


class Team(models.Model):
    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=100)
    idea = models.ForeignKey(Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams",
                             verbose_name=_("idea the team works on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["hack_day", "name"]
        constraints = [models.UniqueConstraint(fields=["hack_day", "name"], name="team_name_per_hack_day")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """One team per person per hack day: joining another team moves you."""

    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hack_day", "user"], name="one_team_per_person_per_hack_day")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Vote(models.Model):
    """One person's vote for one idea. The unique constraint stops a second vote for the same idea even if
    two requests race; the limit per person is kept by pilotbook.hackdays.services.vote_cast, which locks
    the hack day row while it counts."""

    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="votes")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "voter"], name="one_vote_per_idea_per_person")]
        indexes = [models.Index(fields=["hack_day", "voter"])]

    def __str__(self) -> str:
        return f"{self.voter} for {self.idea}"

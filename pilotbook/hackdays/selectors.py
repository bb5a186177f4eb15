"""Reads for hack day pages: each idea with its votes and what became of it, and the sector-wide counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from pilotbook.councils.models import Reader
from pilotbook.pilots.choices import Verdict
from pilotbook.pilots.models import Pilot, Result
from pilotbook.pilots.presenters import verdict_tag_class

from .models import HackDay, Idea, Team, TeamMember, Vote


@dataclass(frozen=True)
class IdeaOutcome:
    idea: Idea
    votes: int | None  # None while counts are hidden
    voted: bool  # whether the viewer voted for it
    pilot: Pilot | None  # the pilot it became, if the viewer may see it and may know its council
    verdict: str  # the pilot's verdict label, if its result is shown to the viewer
    verdict_class: str
    # The pilot was published with its council's name withheld from the viewer: this page names the council, so
    # it says nothing of that pilot.
    pilot_withheld: bool = False

    @property
    def became(self) -> str:
        if self.idea.pilot_id:
            return "piloted"
        return "shortlisted" if self.idea.is_shortlisted else ""


def idea_outcomes(hack_day: HackDay, user: Reader) -> list[IdeaOutcome]:
    ideas = list(hack_day.ideas.select_related("challenge", "submitted_by", "pilot__result")
                 .annotate(vote_count=Count("votes")))
    visible = Pilot.objects.visible_to(user).filter(hackday_idea__hack_day=hack_day)
    visible_pilots = set(visible.identifiable_by(user).values_list("pk", flat=True))
    withheld = set(visible.values_list("pk", flat=True)) - visible_pilots
    mine: set[int] = set()
    if user.is_authenticated:
        mine = set(Vote.objects.filter(hack_day=hack_day, voter=user).values_list("idea_id", flat=True))
    outcomes = []
    for idea in ideas:
        pilot = idea.pilot if idea.pilot_id in visible_pilots else None
        verdict = verdict_class = ""
        result: Result | None = getattr(pilot, "result", None) if pilot else None
        if pilot is not None and result is not None and pilot.result_shown_to(user):
            verdict, verdict_class = result.get_verdict_display(), verdict_tag_class(result.verdict)
        outcomes.append(IdeaOutcome(idea=idea, votes=idea.vote_count if hack_day.counts_visible else None,
                                    voted=idea.pk in mine, pilot=pilot, verdict=verdict,
                                    verdict_class=verdict_class, pilot_withheld=idea.pilot_id in withheld))
    if hack_day.counts_visible:
        outcomes.sort(key=lambda o: (-(o.votes or 0), o.idea.created_at))  # votes are set when counts are visible
    return outcomes


def votes_left(hack_day: HackDay, user: Reader) -> int:
    if not user.is_authenticated:
        return 0
    return max(0, hack_day.votes_per_person - Vote.objects.filter(hack_day=hack_day, voter=user).count())


def team_of(hack_day: HackDay, user: Reader) -> Team | None:
    if not user.is_authenticated:
        return None
    member = TeamMember.objects.filter(hack_day=hack_day, user=user).select_related("team").first()
    return member.team if member else None


@dataclass(frozen=True)
class SectorCounts:
    hack_days: int
    ideas: int
    shortlisted: int
    piloted: int
    published: int
    worked: int
    no_worthwhile_effect: int
    made_worse: int
    inconclusive: int


def sector_counts(user: Reader) -> SectorCounts:
    """Counts across every council. Verdicts are counted only for released results (published, past any embargo)
    of pilots this person may see, so the numbers never reveal a result its council has not shared with them."""
    ideas = Idea.objects.all()
    released = (Pilot.objects.visible_to(user).results_released()
                .filter(hackday_idea__isnull=False, result__isnull=False))
    by_verdict = dict(released.values_list("result__verdict").annotate(n=Count("pk")).order_by())
    return SectorCounts(
        hack_days=HackDay.objects.count(),
        ideas=ideas.count(),
        shortlisted=ideas.filter(shortlisted_at__isnull=False).count(),
        piloted=ideas.filter(pilot__isnull=False).count(),
        published=sum(by_verdict.values()),
        worked=by_verdict.get(Verdict.WORKED, 0),
        no_worthwhile_effect=by_verdict.get(Verdict.NO_WORTHWHILE_EFFECT, 0),
        made_worse=by_verdict.get(Verdict.MADE_WORSE, 0),
        inconclusive=by_verdict.get(Verdict.INCONCLUSIVE, 0),
    )

"""Every write to hack days goes through these functions; each runs in one transaction.

Votes and stage changes lock the hack day row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers anyway), so two votes sent at once by the same person cannot both pass the
count check, and no vote slips in after the organiser has closed voting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council, User
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.services import pilot_create_draft

from .models import Challenge, HackDay, Idea, Stage, Team, TeamMember, Vote

NEXT_STAGE: dict[str, str] = {Stage.IDEAS: Stage.VOTING, Stage.VOTING: Stage.CLOSED}


class HackDayError(ValidationError):
    """Something the hack day's state does not allow; the message is for the person."""


def _locked(hack_day: HackDay) -> HackDay:
    return HackDay.objects.select_for_update().get(pk=hack_day.pk)


def _require_member(hack_day: HackDay, user: User) -> None:
    if not hack_day.is_member(user):
        raise PermissionDenied(_("Only staff of %(council)s take part in this hack day.") % {
            "council": hack_day.council.name})


def _require_manager(hack_day: HackDay, user: User) -> None:
    if not hack_day.can_manage(user):
        raise PermissionDenied(_("Only the organiser or a council admin can do this."))


@transaction.atomic
def hackday_create(*, council: Council, user: User, title: str, theme: str, date: dt.date,
                   challenges: Iterable[str] = (), **fields: Any) -> HackDay:
    if not user.memberships.filter(council=council).exists():
        raise PermissionDenied(_("Only staff of a council can organise its hack days."))
    hack_day = HackDay(council=council, organiser=user, title=title, theme=theme, date=date, **fields)
    hack_day.full_clean()
    hack_day.save()
    for line in challenges:
        if line.strip():
            Challenge.objects.create(hack_day=hack_day, title=line.strip()[:200])
    return hack_day


@transaction.atomic
def hackday_advance(*, hack_day: HackDay, user: User) -> HackDay:
    """Open voting, or close it. Closing shows the counts and the hack day to other councils."""
    _require_manager(hack_day, user)
    hack_day = _locked(hack_day)
    if hack_day.stage not in NEXT_STAGE:
        raise HackDayError(_("Voting has already closed."))
    hack_day.stage = NEXT_STAGE[hack_day.stage]
    hack_day.save(update_fields=["stage", "updated_at"])
    return hack_day


def idea_submit(*, hack_day: HackDay, user: User, title: str, problem: str, idea: str, expected_benefit: str,
                who_affected: str, challenge: Challenge | None = None) -> Idea:
    _require_member(hack_day, user)
    if not hack_day.accepts_ideas:
        raise HackDayError(_("Voting has closed, so no more ideas can be added."))
    if challenge is not None and challenge.hack_day_id != hack_day.pk:
        raise HackDayError(_("Choose one of this hack day's challenges."))
    new = Idea(hack_day=hack_day, submitted_by=user, title=title, problem=problem, idea=idea,
               expected_benefit=expected_benefit, who_affected=who_affected, challenge=challenge)
    new.full_clean()
    new.save()
    return new


@transaction.atomic
def team_form(*, hack_day: HackDay, user: User, name: str, idea: Idea | None = None) -> Team:
    """Form a team (optionally around an idea) and join it, leaving any other team at this hack day."""
    _require_member(hack_day, user)
    if idea is not None and idea.hack_day_id != hack_day.pk:
        raise HackDayError(_("Choose one of this hack day's ideas."))
    if Team.objects.filter(hack_day=hack_day, name__iexact=name.strip()).exists():
        raise HackDayError(_("There is already a team called %(name)s. Choose another name or join it.")
                           % {"name": name.strip()})
    team = Team.objects.create(hack_day=hack_day, name=name.strip(), idea=idea, created_by=user)
    _join(team, user)
    return team


@transaction.atomic
def team_join(*, team: Team, user: User) -> Team:
    _require_member(team.hack_day, user)
    _join(team, user)
    return team


def _join(team: Team, user: User) -> None:
    TeamMember.objects.filter(hack_day_id=team.hack_day_id, user=user).delete()
    TeamMember.objects.create(hack_day_id=team.hack_day_id, team=team, user=user)


@transaction.atomic
def vote_cast(*, idea: Idea, user: User) -> Vote:
    hack_day = _locked(idea.hack_day)
    _require_member(hack_day, user)
    if hack_day.stage != Stage.VOTING:
        raise HackDayError(_("Voting is not open."))
    if Vote.objects.filter(idea=idea, voter=user).exists():
        raise HackDayError(_("You have already voted for this idea."))
    used = Vote.objects.filter(hack_day=hack_day, voter=user).count()
    if used >= hack_day.votes_per_person:
        raise HackDayError(
            _("You have used all %(limit)s of your votes. Take one back to vote for this idea.")
            % {"limit": hack_day.votes_per_person})
    try:
        with transaction.atomic():
            return Vote.objects.create(hack_day=hack_day, idea=idea, voter=user)
    except IntegrityError:
        # Only reachable if the lock above were bypassed; the constraint is the last line of defence.
        raise HackDayError(_("You have already voted for this idea.")) from None


@transaction.atomic
def vote_withdraw(*, idea: Idea, user: User) -> None:
    hack_day = _locked(idea.hack_day)
    if hack_day.stage != Stage.VOTING:
        raise HackDayError(_("Voting is not open."))
    Vote.objects.filter(idea=idea, voter=user).delete()


@transaction.atomic
def idea_shortlist(*, idea: Idea, user: User, shortlisted: bool = True) -> Idea:
    hack_day = _locked(idea.hack_day)
    _require_manager(hack_day, user)
    if hack_day.stage != Stage.CLOSED:
        raise HackDayError(_("Close voting before shortlisting, so the shortlist can use the votes."))
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not shortlisted and idea.pilot_id:
        raise HackDayError(_("This idea is already a pilot, so it stays on the shortlist."))
    idea.shortlisted_at = (idea.shortlisted_at or timezone.now()) if shortlisted else None
    idea.save(update_fields=["shortlisted_at"])
    return idea


def pilot_fields_from(idea: Idea) -> dict[str, str]:
    """What carries over from the idea to the pilot's plan (the council finishes the rest before registering)."""
    return {
        "title": idea.title[:200],
        "problem": f"{idea.problem}\n\n{_('Who it affects:')} {idea.who_affected}".strip(),
        "change": idea.idea,
        "hypothesis": idea.expected_benefit,
    }


@transaction.atomic
def idea_create_pilot(*, idea: Idea, user: User) -> Pilot:
    """One action: a shortlisted idea becomes a pilot draft of the hack day's council, linked both ways."""
    hack_day = idea.hack_day
    _require_manager(hack_day, user)
    idea = Idea.objects.select_for_update().select_related("hack_day__council").get(pk=idea.pk)
    if not idea.is_shortlisted:
        raise HackDayError(_("Shortlist the idea before making it a pilot."))
    if idea.pilot_id:
        raise HackDayError(_("This idea is already a pilot."))
    pilot = pilot_create_draft(council=hack_day.council, user=user, **pilot_fields_from(idea))
    idea.pilot = pilot
    idea.save(update_fields=["pilot"])
    return pilot

"""Hack day rules enforced by the services: who takes part, vote limits, stages, shortlist, idea to pilot."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from pilotbook.hackdays import services
from pilotbook.hackdays.models import Idea, Stage, TeamMember, Vote
from pilotbook.pilots.choices import Status

from .conftest import make_hack_day, make_idea

pytestmark = pytest.mark.django_db


def test_creating_a_hack_day_records_its_challenges_and_organiser(hack_day_factory, champion):
    hack_day = hack_day_factory()
    assert hack_day.organiser == champion
    assert [c.title for c in hack_day.challenges.all()] == ["Residents miss bin days",
                                                           "Crews cannot find assisted collections"]
    assert hack_day.stage == Stage.IDEAS


def test_someone_from_another_council_cannot_organise_our_hack_day(home_council, other_officer):
    with pytest.raises(PermissionDenied):
        make_hack_day(home_council, other_officer)


def test_only_staff_of_the_council_submit_ideas(hack_day_factory, officer, other_officer, moderator):
    hack_day = hack_day_factory()
    assert make_idea(hack_day, officer).submitted_by == officer
    for outsider in (other_officer, moderator):
        with pytest.raises(PermissionDenied):
            make_idea(hack_day, outsider)


def test_no_ideas_after_voting_closes(hack_day_factory, officer):
    hack_day = hack_day_factory(Stage.CLOSED)
    with pytest.raises(services.HackDayError, match="no more ideas"):
        make_idea(hack_day, officer)


def test_votes_only_while_voting_is_open(hack_day_factory, officer):
    hack_day = hack_day_factory()
    idea = make_idea(hack_day, officer)
    with pytest.raises(services.HackDayError, match="Voting is not open"):
        services.vote_cast(idea=idea, user=officer)
    services.hackday_advance(hack_day=hack_day, user=hack_day.organiser)
    services.vote_cast(idea=idea, user=officer)
    services.hackday_advance(hack_day=hack_day, user=hack_day.organiser)
    with pytest.raises(services.HackDayError, match="Voting is not open"):
        services.vote_withdraw(idea=idea, user=officer)


def test_nobody_votes_twice_for_the_same_idea(hack_day_factory, officer):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.vote_cast(idea=idea, user=officer)
    with pytest.raises(services.HackDayError, match="already voted for this idea"):
        services.vote_cast(idea=idea, user=officer)
    assert Vote.objects.filter(voter=officer).count() == 1


def test_the_database_refuses_a_second_vote_for_the_same_idea(hack_day_factory, officer):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    Vote.objects.create(hack_day=hack_day, idea=idea, voter=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(hack_day=hack_day, idea=idea, voter=officer)


def test_each_person_has_the_organisers_number_of_votes(hack_day_factory, officer, champion):
    hack_day = hack_day_factory(Stage.VOTING, votes_per_person=2)
    ideas = [make_idea(hack_day, champion, title=f"Idea {n}") for n in range(3)]
    services.vote_cast(idea=ideas[0], user=officer)
    services.vote_cast(idea=ideas[1], user=officer)
    with pytest.raises(services.HackDayError, match="used all 2 of your votes"):
        services.vote_cast(idea=ideas[2], user=officer)
    # Taking a vote back frees it for another idea.
    services.vote_withdraw(idea=ideas[0], user=officer)
    services.vote_cast(idea=ideas[2], user=officer)
    assert set(Vote.objects.filter(voter=officer).values_list("idea__title", flat=True)) == {"Idea 1", "Idea 2"}


def test_people_from_other_councils_cannot_vote(hack_day_factory, officer, other_officer):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    with pytest.raises(PermissionDenied):
        services.vote_cast(idea=idea, user=other_officer)


def test_a_person_is_in_one_team_at_a_time(hack_day_factory, officer, champion, other_officer):
    hack_day = hack_day_factory()
    idea = make_idea(hack_day, officer)
    first = services.team_form(hack_day=hack_day, user=officer, name="Bin brains", idea=idea)
    second = services.team_form(hack_day=hack_day, user=champion, name="Route finders")
    services.team_join(team=second, user=officer)
    assert TeamMember.objects.get(hack_day=hack_day, user=officer).team == second
    assert not first.members.exists()
    with pytest.raises(services.HackDayError, match="already a team called"):
        services.team_form(hack_day=hack_day, user=champion, name="bin BRAINS")
    with pytest.raises(PermissionDenied):
        services.team_join(team=first, user=other_officer)


def test_only_the_organiser_or_a_council_admin_moves_stages_and_shortlists(hack_day_factory, officer,
                                                                          council_admin, other_officer):
    hack_day = hack_day_factory()
    for person in (officer, other_officer):
        with pytest.raises(PermissionDenied):
            services.hackday_advance(hack_day=hack_day, user=person)
    services.hackday_advance(hack_day=hack_day, user=council_admin)
    services.hackday_advance(hack_day=hack_day, user=council_admin)
    hack_day.refresh_from_db()
    assert hack_day.stage == Stage.CLOSED
    with pytest.raises(services.HackDayError, match="already closed"):
        services.hackday_advance(hack_day=hack_day, user=hack_day.organiser)


def test_shortlisting_waits_until_voting_closes(hack_day_factory, officer, champion):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    with pytest.raises(services.HackDayError, match="Close voting"):
        services.idea_shortlist(idea=idea, user=champion)
    services.hackday_advance(hack_day=hack_day, user=champion)
    with pytest.raises(PermissionDenied):
        services.idea_shortlist(idea=idea, user=officer)
    assert services.idea_shortlist(idea=idea, user=champion).is_shortlisted


def test_a_shortlisted_idea_becomes_a_pilot_draft_linked_both_ways(hack_day_factory, officer, champion):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    with pytest.raises(services.HackDayError, match="Shortlist the idea"):
        services.idea_create_pilot(idea=idea, user=champion)
    services.idea_shortlist(idea=idea, user=champion)
    with pytest.raises(PermissionDenied):
        services.idea_create_pilot(idea=idea, user=officer)
    pilot = services.idea_create_pilot(idea=idea, user=champion)
    assert pilot.status == Status.DRAFT
    assert pilot.council == hack_day.council
    assert pilot.title == "Text reminder the night before"
    assert "Residents forget which week is recycling." in pilot.problem
    assert "Households who sign up." in pilot.problem
    assert pilot.change == "Send a text the evening before collection."
    assert pilot.hypothesis == "Fewer missed collections and complaints."
    assert pilot.hackday_idea == Idea.objects.get(pk=idea.pk)
    assert Idea.objects.get(pk=idea.pk).pilot == pilot
    with pytest.raises(services.HackDayError, match="already a pilot"):
        services.idea_create_pilot(idea=idea, user=champion)
    with pytest.raises(services.HackDayError, match="stays on the shortlist"):
        services.idea_shortlist(idea=idea, user=champion, shortlisted=False)

"""Votes sent at the same moment by the same person, on the real PostgreSQL server: the limit and the
one-vote-per-idea rule must hold even when the requests race (SELECT ... FOR UPDATE on the hack day row,
and the unique constraint)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from pilotbook.councils.models import Role
from pilotbook.hackdays import services
from pilotbook.hackdays.models import Stage, Vote
from tests.factories import CouncilFactory, member

from .conftest import make_hack_day, make_idea

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite serialises every write transaction, so requests cannot race"),
]

THREADS = 8


def _race(calls):
    """Run each call in its own thread and database connection, all released at once; return the outcomes."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            call()
            return "ok"
        except services.HackDayError as exc:
            return exc.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def voting_day():
    council = CouncilFactory(code="RAC", name="Raceshire")
    organiser = member(council, Role.CHAMPION, email="organiser@race.example")
    voter = member(council, Role.OFFICER, email="voter@race.example")
    hack_day = make_hack_day(council, organiser, stage=Stage.VOTING, votes_per_person=2)
    return hack_day, voter


def test_concurrent_votes_for_the_same_idea_count_once(voting_day):
    hack_day, voter = voting_day
    idea = make_idea(hack_day, voter)
    outcomes = _race([lambda: services.vote_cast(idea=idea, user=voter)] * THREADS)
    assert outcomes.count("ok") == 1
    assert Vote.objects.filter(idea=idea, voter=voter).count() == 1


def test_concurrent_votes_for_different_ideas_cannot_exceed_the_limit(voting_day):
    hack_day, voter = voting_day
    ideas = [make_idea(hack_day, voter, title=f"Idea {n}") for n in range(THREADS)]
    outcomes = _race([lambda idea=idea: services.vote_cast(idea=idea, user=voter) for idea in ideas])
    assert outcomes.count("ok") == 2
    assert Vote.objects.filter(hack_day=hack_day, voter=voter).count() == 2

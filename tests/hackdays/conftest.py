import datetime as dt

import pytest

from pilotbook.hackdays import services
from pilotbook.hackdays.models import Stage


def make_hack_day(council, organiser, stage=Stage.IDEAS, **fields):
    defaults = {"title": "Spring hack day", "theme": "Fewer missed bin collections", "date": dt.date(2027, 3, 18),
                "place": "Council offices, Hailsham", "votes_per_person": 2,
                "challenges": ["Residents miss bin days", "Crews cannot find assisted collections"]}
    hack_day = services.hackday_create(council=council, user=organiser, **{**defaults, **fields})
    if stage in (Stage.VOTING, Stage.CLOSED):
        services.hackday_advance(hack_day=hack_day, user=organiser)
    if stage == Stage.CLOSED:
        services.hackday_advance(hack_day=hack_day, user=organiser)
    hack_day.refresh_from_db()
    return hack_day


def make_idea(hack_day, user, title="Text reminder the night before"):
    return services.idea_submit(hack_day=hack_day, user=user, title=title,
                                problem="Residents forget which week is recycling.",
                                idea="Send a text the evening before collection.",
                                expected_benefit="Fewer missed collections and complaints.",
                                who_affected="Households who sign up.")


@pytest.fixture
def hack_day_factory(home_council, champion):
    """Hack days of the home council, organised by the champion, at any stage."""
    def make(stage=Stage.IDEAS, **fields):
        return make_hack_day(home_council, champion, stage=stage, **fields)
    return make

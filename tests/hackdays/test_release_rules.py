"""Hack day pages show what became of an idea by the pilot's release and identity rules: a hack day names its
council, so a pilot published with that name withheld is not linked from it (nor it from the pilot), and the
sector-wide counts include only verdicts the viewer may see."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from pilotbook.hackdays import services
from pilotbook.hackdays.models import Idea, Stage
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import make_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def piloted_idea(hack_day_factory, officer, champion):
    """A closed hack day of the home council whose idea became a pilot; returns (hack day, link to a pilot)."""
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    services.idea_shortlist(idea=idea, user=champion)

    def link(**pilot_fields):
        pilot = make_pilot(hack_day.council, officer, status=Status.PUBLISHED, title="Nameless texts pilot",
                           **pilot_fields)
        Idea.objects.filter(pk=idea.pk).update(pilot=pilot)
        return pilot

    return hack_day, link


def test_a_hack_day_does_not_show_the_pilot_of_a_council_that_withheld_its_name(piloted_idea, persona_client):
    hack_day, link = piloted_idea
    link(visibility="public_anonymous")
    page = persona_client("other_officer").get(hack_day.get_absolute_url()).content.decode()
    assert "Homeshire" in page and "Nameless texts pilot" not in page and "What became of it" not in page
    assert "Worked" not in page
    page = persona_client("officer").get(hack_day.get_absolute_url()).content.decode()
    assert "Nameless texts pilot" in page and "Worked" in page


def test_a_pilot_page_does_not_name_the_hack_day_of_a_council_that_withheld_its_name(piloted_idea, other_officer,
                                                                                   officer):
    hack_day, link = piloted_idea
    pilot = link(visibility="public_anonymous")
    template = Template("{% load page_sections %}{% page_sections 'pilot' 'after_actions' pilot %}")
    request = RequestFactory().get("/")
    request.user = other_officer
    assert template.render(Context({"request": request, "pilot": pilot})).strip() == ""
    request.user = officer
    assert hack_day.title in template.render(Context({"request": request, "pilot": pilot}))


def test_hack_day_impact_counts_only_the_verdicts_the_viewer_may_see(piloted_idea, persona_client):
    _hack_day, link = piloted_idea
    link(visibility="councils")
    anonymous = persona_client("anonymous").get(reverse("hackday-impact")).context["counts"]
    member = persona_client("other_officer").get(reverse("hackday-impact")).context["counts"]
    assert (anonymous.piloted, anonymous.published, anonymous.worked) == (1, 0, 0)
    assert (member.piloted, member.published, member.worked) == (1, 1, 1)

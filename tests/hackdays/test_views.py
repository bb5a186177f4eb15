"""Hack day pages: organising one, adding ideas, hidden vote counts, what became of each idea, the sector-wide
count and the pilot page's link back to its idea."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from pilotbook.hackdays import services
from pilotbook.hackdays.models import HackDay, Idea, Stage
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import make_idea

pytestmark = pytest.mark.django_db


def link(idea, pilot):
    """Link an idea to a pilot made through the lifecycle services (as if the idea's pilot had since run)."""
    Idea.objects.filter(pk=idea.pk).update(pilot=pilot)


def test_organising_a_hack_day_through_the_form(persona_client, champion):
    client = persona_client("champion")
    response = client.post(reverse("hackday-create"), {
        "title": "Summer hack day", "theme": "Quicker repairs", "date_0": "2", "date_1": "7", "date_2": "2027",
        "starts_at": "9:30", "ends_at": "16:00", "place": "", "online_link": "", "votes_per_person": "3",
        "hide_results_until_closed": "on", "challenges": "Repairs take weeks\n\nTenants report twice\n"})
    assert response.status_code == 200
    assert "Enter the place, the online link, or both" in response.content.decode()
    response = client.post(reverse("hackday-create"), {
        "title": "Summer hack day", "theme": "Quicker repairs", "date_0": "2", "date_1": "7", "date_2": "2027",
        "starts_at": "9:30", "ends_at": "16:00", "place": "Town hall", "votes_per_person": "3",
        "hide_results_until_closed": "on", "challenges": "Repairs take weeks\n\nTenants report twice\n"})
    hack_day = HackDay.objects.get()
    assert response.status_code == 302 and response.url == hack_day.get_absolute_url()
    assert hack_day.organiser == champion and hack_day.council_id == "HOM"
    assert hack_day.challenges.count() == 2


def test_adding_an_idea_needs_every_answer(hack_day_factory, persona_client):
    hack_day = hack_day_factory()
    url = reverse("hackday-idea-new", args=[hack_day.pk])
    response = persona_client("officer").post(url, {"title": "Text reminders"})
    assert "Enter the problem" in response.content.decode()
    response = persona_client("officer").post(url, {
        "title": "Text reminders", "problem": "Missed bins", "idea": "Texts", "expected_benefit": "Fewer misses",
        "who_affected": "Households", "challenge": str(hack_day.challenges.first().pk)})
    assert response.status_code == 302
    assert hack_day.ideas.get().challenge == hack_day.challenges.first()


def test_vote_counts_are_hidden_until_voting_closes_if_the_organiser_chooses(hack_day_factory, officer,
                                                                             champion, persona_client):
    hidden = hack_day_factory(Stage.VOTING, hide_results_until_closed=True)
    shown = hack_day_factory(Stage.VOTING, hide_results_until_closed=False, title="Open counts")
    for hack_day in (hidden, shown):
        services.vote_cast(idea=make_idea(hack_day, officer), user=officer)
    assert "1 vote" not in persona_client("champion").get(hidden.get_absolute_url()).content.decode()
    assert "1 vote" in persona_client("champion").get(shown.get_absolute_url()).content.decode()
    services.hackday_advance(hack_day=hidden, user=champion)
    assert "1 vote" in persona_client("champion").get(hidden.get_absolute_url()).content.decode()


def test_a_second_vote_for_the_same_idea_is_refused_with_a_message(hack_day_factory, officer, persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    url = reverse("hackday-vote", args=[hack_day.pk, idea.pk])
    client = persona_client("officer")
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 409
    assert "You have already voted for this idea." in response.content.decode()


def test_the_hack_day_page_shows_what_became_of_every_idea(hack_day_factory, home_council, officer, champion,
                                                            persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    ignored = make_idea(hack_day, officer, title="Bigger bins")
    listed = make_idea(hack_day, officer, title="Bin day stickers")
    piloted = make_idea(hack_day, officer, title="Text reminder")
    services.hackday_advance(hack_day=hack_day, user=champion)
    for idea in (listed, piloted):
        services.idea_shortlist(idea=idea, user=champion)
    # The piloted idea's pilot has since run and been published.
    link(piloted, make_pilot(home_council, officer, status=Status.PUBLISHED, title="Text reminder pilot"))
    page = persona_client("other_officer").get(hack_day.get_absolute_url()).content.decode()
    assert ignored.title in page
    assert page.count("Shortlisted") == 2
    assert "Piloted" in page and "Text reminder pilot" in page
    assert "Worked" in page


def test_an_unpublished_verdict_is_not_shown_to_other_councils(hack_day_factory, home_council, officer, champion,
                                                               persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    services.idea_shortlist(idea=idea, user=champion)
    link(idea, make_pilot(home_council, officer, status=Status.RESULTS_RECORDED, title="Unpublished pilot"))
    assert "Worked" in persona_client("officer").get(hack_day.get_absolute_url()).content.decode()
    assert "Worked" not in persona_client("other_officer").get(hack_day.get_absolute_url()).content.decode()


def test_sector_counts_ideas_that_became_pilots_and_how_many_worked(hack_day_factory, home_council, officer,
                                                                     champion, persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    ideas = [make_idea(hack_day, officer, title=f"Idea {n}") for n in range(4)]
    services.hackday_advance(hack_day=hack_day, user=champion)
    for idea, status in zip(ideas[:3], (Status.PUBLISHED, Status.RESULTS_RECORDED, Status.DRAFT), strict=True):
        services.idea_shortlist(idea=idea, user=champion)
        link(idea, make_pilot(home_council, officer, status=status, title=f"Pilot of {idea.title}"))
    # Another council's officer may see the published pilot (shared with councils only), so its verdict counts.
    counts = persona_client("other_officer").get(reverse("hackday-impact")).context["counts"]
    assert (counts.ideas, counts.shortlisted, counts.piloted, counts.published, counts.worked) == (4, 3, 3, 1, 1)


def test_pilot_page_snippet_links_back_to_the_idea(hack_day_factory, officer, champion, other_officer):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    services.idea_shortlist(idea=idea, user=champion)
    pilot = services.idea_create_pilot(idea=idea, user=champion)
    template = Template("{% load page_sections %}{% page_sections 'pilot' 'after_actions' pilot %}")
    request = RequestFactory().get("/")
    request.user = other_officer
    html = template.render(Context({"request": request, "pilot": pilot}))
    assert "This pilot came from a hack-day idea" in html
    assert f'href="{idea.get_absolute_url()}"' in html
    request.user = officer
    other = make_pilot(hack_day.council, officer)
    assert template.render(Context({"request": request, "pilot": other})).strip() == ""


def test_making_a_pilot_from_the_page_goes_to_the_new_draft(hack_day_factory, officer, champion, persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    services.idea_shortlist(idea=idea, user=champion)
    response = persona_client("champion").post(reverse("hackday-idea-pilot", args=[hack_day.pk, idea.pk]))
    idea.refresh_from_db()
    assert response.status_code == 302 and response.url == idea.pilot.get_absolute_url()


def test_the_organiser_opens_and_closes_voting_from_the_page(hack_day_factory, persona_client):
    hack_day = hack_day_factory()
    client = persona_client("champion")
    url = reverse("hackday-advance", args=[hack_day.pk])
    assert client.post(url).status_code == 302
    hack_day.refresh_from_db()
    assert hack_day.stage == Stage.VOTING
    client.post(url)
    hack_day.refresh_from_db()
    assert hack_day.stage == Stage.CLOSED
    response = client.post(url)
    assert response.status_code == 409 and "Voting has already closed." in response.content.decode()

"""Every UK council loaded from mySociety's list, council pages and the council list."""

import pytest
from django.urls import reverse

from pilotbook.councils.models import Council
from pilotbook.councils.services import councils_load
from pilotbook.pilots.choices import Status

from .factories import make_pilot


@pytest.fixture
def councils(db):
    councils_load()


def test_all_470_authorities_load_with_their_attributes(councils):
    assert Council.objects.count() == 470
    wealden = Council.objects.get(pk="WEA")
    assert wealden.name == "Wealden" and wealden.gss_code.startswith("E07")
    assert wealden.nation == "England" and wealden.population > 100_000 and wealden.is_current
    assert Council.objects.filter(nation="Wales").count() == 22


def test_ended_councils_keep_their_dates_and_successors(councils):
    allerdale = Council.objects.get(pk="ALL")
    assert allerdale.end_date.isoformat() == "2023-04-01" and not allerdale.is_current
    assert [c.code for c in allerdale.successors.all()] == ["CBD"]
    assert allerdale in Council.objects.get(pk="CBD").predecessors.all()
    assert Council.objects.filter(successors__isnull=False).distinct().count() > 20


def test_loading_twice_updates_rather_than_duplicates(councils):
    councils_load()
    assert Council.objects.count() == 470


def test_council_page_shows_details_and_only_pilots_you_may_see(councils, persona_client, officer):
    wealden = Council.objects.get(pk="WEA")
    make_pilot(wealden, officer, status=Status.PUBLISHED, visibility="public", title="Public letter")
    make_pilot(wealden, officer, status=Status.REGISTERED, title="Members-only letter")
    page = persona_client("anonymous").get(reverse("council-detail", args=["wea"])).content.decode()
    assert "Wealden District Council" in page and "E07000065" in page
    assert "Public letter" in page and "Members-only letter" not in page


def test_former_council_page_links_to_its_successor(councils, client):
    page = client.get(reverse("council-detail", args=["ALL"])).content.decode()
    assert "This council ended on 1 April 2023" in page and "/councils/CBD/" in page


def test_council_list_searches_and_hides_former_councils_unless_asked(councils, client):
    url = reverse("council-list")
    assert "Allerdale" not in client.get(url + "?q=allerdale").content.decode()
    assert "Allerdale" in client.get(url + "?q=allerdale&include_former=on").content.decode()
    page = client.get(url + "?nation=Wales").content.decode()
    assert "22 councils" in page and "Gwynedd" in page


def test_the_footer_credits_the_council_data(client, db):
    assert "Contains data from mySociety" in client.get(reverse("home")).content.decode()


def test_unknown_council_is_not_found(client, db):
    assert client.get(reverse("council-detail", args=["ZZZ"])).status_code == 404

"""Atom feeds of new results: public, released results only; a withheld council's pilots stay out of its feed."""

from xml.etree import ElementTree

import pytest

from .helpers import every_kind, published

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    return [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}author/{ATOM}name"), e.findtext(f"{ATOM}summary"))
            for e in feed.iter(f"{ATOM}entry")]


@pytest.fixture
def kinds(home_council, officer):
    return every_kind(home_council, officer)


def test_new_results_lists_only_public_released_results(client, kinds, officer):
    titles = [title for title, _, _ in entries(client, "/feeds/results/")]
    assert sorted(titles) == ["Public arrears letter: Worked", "Withheld arrears letter: Worked"]


def test_signing_in_does_not_change_a_feed(client, kinds, officer):
    client.force_login(officer)
    titles = [title for title, _, _ in entries(client, "/feeds/results/")]
    assert len(titles) == 2 and not any("Councils-only" in t or "Embargoed" in t for t in titles)


def test_a_withheld_council_is_not_named_in_the_feed(client, kinds):
    rows = {title: (author, summary) for title, author, summary in entries(client, "/feeds/results/")}
    author, summary = rows["Withheld arrears letter: Worked"]
    assert author == "Name withheld" and "Homeshire" not in summary
    assert rows["Public arrears letter: Worked"][0] == "Homeshire"


def test_per_council_feed_never_lists_pilots_published_with_the_name_withheld(client, kinds):
    titles = [title for title, _, _ in entries(client, "/feeds/results/council/HOM/")]
    assert titles == ["Public arrears letter: Worked"]
    assert client.get("/feeds/results/council/NOPE/").status_code == 404


def test_per_service_area_feed(client, kinds, home_council, officer):
    published(home_council, officer, title="Bin day texts", service_area="waste")
    assert [t for t, _, _ in entries(client, "/feeds/results/service-area/waste/")] == ["Bin day texts: Worked"]
    assert len(entries(client, "/feeds/results/service-area/housing/")) == 2
    assert client.get("/feeds/results/service-area/bins/").status_code == 404


def test_a_hostile_title_is_escaped_in_the_feed(client, home_council, officer):
    published(home_council, officer, title="<script>alert(1)</script> letter")
    response = client.get("/feeds/results/")
    assert b"<script>" not in response.content
    assert entries(client, "/feeds/results/")[0][0] == "<script>alert(1)</script> letter: Worked"


def test_entry_ids_are_lasting_iris(client, kinds, settings):
    settings.PILOTBOOK_SITE_URL = "https://pilotbook.example.gov.uk"
    feed = ElementTree.fromstring(client.get("/feeds/results/").content)  # noqa: S314 - our own output
    ids = sorted(e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry"))
    assert ids == sorted(f"tag:pilotbook.example.gov.uk,2026:pilots/{kinds[k].pk}/result"
                         for k in ("public", "anonymous"))


def test_a_result_without_a_service_area_has_no_empty_one_in_its_summary(client, home_council, officer):
    from pilotbook.pilots.models import Pilot

    pilot = published(home_council, officer, title="Imported without an area")
    Pilot.objects.filter(pk=pilot.pk).update(service_area="")  # as an imported case study may have
    (entry,) = entries(client, "/feeds/results/")
    assert entry[2].startswith("Homeshire. Effect") and ". ." not in entry[2]


def test_a_summary_is_plain_text_and_says_so_so_a_lesson_mentioning_tags_keeps_them(client, home_council, officer):
    from pilotbook.pilots.models import Pilot

    pilot = published(home_council, officer)
    Pilot.objects.filter(pk=pilot.pk).update(lessons_happened="We put <b>Pay now</b> in bold & it worked.")
    feed = ElementTree.fromstring(client.get("/feeds/results/").content)  # noqa: S314 - our own output
    [summary] = feed.iter(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text.endswith("We put <b>Pay now</b> in bold & it worked.")


@pytest.mark.parametrize("address", ["/feeds/results/", "/feeds/results/council/hom/",
                                     "/feeds/results/service-area/housing/"])
def test_feed_ids_and_links_use_the_configured_site_address_not_the_host_header(address, client, kinds, settings):
    settings.PILOTBOOK_SITE_URL = "https://pilotbook.example.gov.uk"
    body = client.get(address, HTTP_HOST="localhost").content
    assert b"localhost" not in body and b"testserver" not in body
    feed = ElementTree.fromstring(body)  # noqa: S314 - our own output
    assert feed.findtext(f"{ATOM}id").startswith("tag:pilotbook.example.gov.uk,2026:feeds/results")
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert links and all(href.startswith("https://pilotbook.example.gov.uk/") for href in links)
    self_link = next(link.get("href") for link in feed.iter(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link == "https://pilotbook.example.gov.uk" + address.replace("hom", "HOM")

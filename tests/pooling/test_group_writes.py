"""Only platform moderators make groups and choose their pilots, through the pages and the Django admin; everyone
else is sent to sign in or refused, and nothing changes."""

import pytest
from django.urls import reverse

from pilotbook.evidence.models import PooledGroup, PooledMembership
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import COUNTS, analysed_binary

pytestmark = pytest.mark.django_db
PERSONAS = ["anonymous", "officer", "other_officer", "moderator"]
# What each persona gets from a moderators-only page: sent to sign in, refused, or shown the page.
EXPECTED_STATUS = {"anonymous": 302, "officer": 403, "other_officer": 403, "moderator": 200}


@pytest.fixture
def texts(councils):
    council, user = councils[0]
    return analysed_binary(council, user, COUNTS[0], "Texts at Poolford")


@pytest.fixture
def group(db):
    return PooledGroup.objects.create(title="Reminder texts", slug="reminder-texts", outcome="Paid on time",
                                      measure="RR")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_see_the_pages_that_change_groups(persona, persona_client, group):
    client = persona_client(persona)
    for url in (reverse("pooled-group-create"), reverse("pooled-group-pilots", args=[group.slug])):
        response = client.get(url)
        assert response.status_code == EXPECTED_STATUS[persona], url
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_make_a_group(persona, persona_client, moderator):
    response = persona_client(persona).post(reverse("pooled-group-create"), {
        "title": "Clearer letters", "outcome": "Days to contact", "measure": "GENERIC",
        "intervention_type": "letter_message", "service_area": "housing"})
    made = PooledGroup.objects.filter(title="Clearer letters").first()
    assert (made is not None) == (persona == "moderator")
    if made:
        assert made.created_by == moderator and made.slug == "clearer-letters"
        assert response["Location"] == reverse("pooled-group-pilots", args=[made.slug])
    else:
        assert response.status_code == EXPECTED_STATUS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_add_a_pilot_and_who_added_it_is_kept(persona, persona_client, group, texts, moderator):
    persona_client(persona).post(reverse("pooled-group-pilots", args=[group.slug]),
                                 {"pilot": texts.pk, "note": "Same reminder, same deadline"})
    membership = PooledMembership.objects.filter(group=group, pilot=texts).first()
    assert (membership is not None) == (persona == "moderator")
    if membership:
        assert membership.added_by == moderator and membership.note == "Same reminder, same deadline"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_remove_a_pilot(persona, persona_client, group, texts):
    PooledMembership.objects.create(group=group, pilot=texts)
    persona_client(persona).post(reverse("pooled-group-remove", args=[group.slug, texts.pk]))
    assert group.memberships.exists() == (persona != "moderator")


def test_removing_is_a_post_only_action(persona_client, group, texts):
    PooledMembership.objects.create(group=group, pilot=texts)
    response = persona_client("moderator").get(reverse("pooled-group-remove", args=[group.slug, texts.pk]))
    assert response.status_code == 405 and group.memberships.exists()


def test_a_moderator_can_only_add_released_pilots(persona_client, group, home_council, officer):
    draft = make_pilot(home_council, officer, Status.DRAFT, title="Still a draft", visibility="public")
    unpublished = analysed_binary(home_council, officer, COUNTS[1], "Not yet published", release=False)
    client = persona_client("moderator")
    page = client.get(reverse("pooled-group-pilots", args=[group.slug])).content.decode()
    assert "Still a draft" not in page and "Not yet published" not in page
    for pilot in (draft, unpublished):
        response = client.post(reverse("pooled-group-pilots", args=[group.slug]), {"pilot": pilot.pk})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not group.memberships.exists()


def test_the_same_pilot_cannot_be_added_twice(persona_client, group, texts):
    PooledMembership.objects.create(group=group, pilot=texts)
    response = persona_client("moderator").post(reverse("pooled-group-pilots", args=[group.slug]),
                                                {"pilot": texts.pk})
    assert response.status_code == 200 and group.memberships.count() == 1


def test_two_groups_whose_titles_make_the_same_address_get_their_own(persona_client):
    client = persona_client("moderator")
    for title in ("Texts", "Texts!"):
        client.post(reverse("pooled-group-create"), {"title": title, "outcome": "Paid", "measure": "RR"})
    assert sorted(PooledGroup.objects.values_list("slug", flat=True)) == ["texts", "texts-2"]


def test_a_group_without_a_title_is_refused_with_a_message(persona_client):
    response = persona_client("moderator").post(reverse("pooled-group-create"), {"outcome": "Paid", "measure": "RR"})
    assert response.status_code == 200 and "Enter a title for the group" in response.content.decode()
    assert not PooledGroup.objects.exists()


def test_a_group_takes_only_listed_kinds_of_change_and_service_areas(persona_client, group):
    client = persona_client("moderator")
    data = {"title": group.title, "outcome": group.outcome, "measure": "RR", "intervention_type": "bogus",
            "service_area": "x" * 200}
    response = client.post(reverse("pooled-group-edit", args=[group.slug]), data)
    page = response.content.decode()
    assert response.status_code == 200 and page.count("Select a valid choice") == 4  # summary and field
    assert page.count('<option value="">Any</option>') == 2 and "---------" not in page
    group.refresh_from_db()
    assert group.intervention_type == "" and group.service_area == ""
    client.post(reverse("pooled-group-edit", args=[group.slug]), {**data, "intervention_type": "nudge",
                                                                      "service_area": "waste"})
    group.refresh_from_db()
    assert (group.intervention_type, group.service_area) == ("nudge", "waste")


# --- the Django admin -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_reach_pooled_groups_in_the_admin(persona, persona_client, group):
    client = persona_client(persona)
    for url in (reverse("admin:evidence_pooledgroup_changelist"), reverse("admin:evidence_pooledgroup_add"),
                reverse("admin:evidence_pooledgroup_change", args=[group.pk])):
        response = client.get(url)
        if persona == "moderator":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and reverse("admin:login") in response["Location"], url


def admin_group_form(**extra) -> dict:
    """The admin's add form with no pilot rows (the rows' management form is ignored while the inline is hidden)."""
    return {"title": "Texts in the admin", "slug": "texts-in-the-admin", "outcome": "Paid on time", "measure": "RR",
            "description": "", "intervention_type": "", "service_area": "",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000", **extra}


def with_one_pilot(pilot) -> dict:
    return {"memberships-TOTAL_FORMS": "1", "memberships-0-pilot": str(pilot.pk),
            "memberships-0-note": "Added in the admin"}


def test_a_moderator_makes_a_group_in_the_admin(persona_client, moderator):
    response = persona_client("moderator").post(reverse("admin:evidence_pooledgroup_add"),
                                                admin_group_form(created_by=str(moderator.pk)))
    assert response.status_code == 302
    assert PooledGroup.objects.filter(slug="texts-in-the-admin").exists()


def test_a_moderator_adds_pilots_to_a_group_in_the_admin(persona_client, texts, moderator):
    response = persona_client("moderator").post(reverse("admin:evidence_pooledgroup_add"),
                                                admin_group_form(created_by=str(moderator.pk), **with_one_pilot(texts)))
    assert response.status_code == 302
    assert list(PooledGroup.objects.get(slug="texts-in-the-admin").pilots.all()) == [texts]


def test_the_admin_records_which_moderator_made_the_group(persona_client, moderator):
    response = persona_client("moderator").post(reverse("admin:evidence_pooledgroup_add"), admin_group_form())
    assert response.status_code == 302
    assert PooledGroup.objects.get(slug="texts-in-the-admin").created_by == moderator

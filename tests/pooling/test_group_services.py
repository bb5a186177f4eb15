"""Writes to pooled groups go through pilotbook.evidence.services: a group's address is unique by the database's
constraint, so two moderators making groups of the same title at the same moment both succeed, with different
addresses, and nothing is half-written."""

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, connection

from pilotbook.evidence import services
from pilotbook.evidence.models import PooledGroup, PooledMembership

from .conftest import COUNTS, analysed_binary

FIELDS = {"outcome": "Days to contact", "measure": "GENERIC", "description": "", "intervention_type": "",
          "service_area": ""}


@pytest.mark.django_db
def test_groups_of_the_same_title_take_the_next_free_number(moderator):
    made = [services.group_create(created_by=moderator, title="Clearer letters", **FIELDS) for _ in range(3)]
    assert [group.slug for group in made] == ["clearer-letters", "clearer-letters-2", "clearer-letters-3"]
    assert made[0].created_by == moderator


@pytest.mark.django_db
def test_a_title_that_would_take_another_pages_address_does_not(moderator):
    assert services.group_create(created_by=moderator, title="New", **FIELDS).slug == "new-group"
    assert services.group_create(created_by=moderator, title="!!!", **FIELDS).slug == "group"


@pytest.mark.django_db
def test_losing_the_race_for_an_address_takes_the_next_one(moderator):
    """Another moderator saved "clearer-letters" between this one looking for a free address and saving: the unique
    constraint refuses the insert, and the group is saved at the next free address."""
    PooledGroup.objects.create(title="Clearer letters", slug="clearer-letters", outcome="Days")
    looks = iter(["clearer-letters", "clearer-letters-2"])  # the first look was before the other group was saved
    with mock.patch.object(services, "_free_slug", side_effect=lambda base: next(looks)):
        group = services.group_create(created_by=moderator, title="Clearer  letters", **FIELDS)
    assert group.slug == "clearer-letters-2" and PooledGroup.objects.count() == 2


@pytest.mark.django_db
def test_a_clash_that_is_not_the_address_is_not_retried(moderator):
    with mock.patch.object(PooledGroup, "save", side_effect=IntegrityError("another constraint")), \
            pytest.raises(IntegrityError, match="another constraint"):
        services.group_create(created_by=moderator, title="Clearer letters", **FIELDS)
    assert not PooledGroup.objects.exists()


@pytest.mark.django_db
def test_changing_a_group_keeps_its_address(moderator):
    group = services.group_create(created_by=moderator, title="Clearer letters", **FIELDS)
    services.group_update(group=group, title="Plainer letters", outcome="Days to first contact")
    group.refresh_from_db()
    assert (group.slug, group.title, group.outcome) == ("clearer-letters", "Plainer letters", "Days to first contact")


@pytest.mark.django_db
def test_a_pilot_is_added_once_and_removed(councils, moderator):
    council, officer = councils[0]
    pilot = analysed_binary(council, officer, COUNTS[0], "Texts at Poolford")
    group = services.group_create(created_by=moderator, title="Reminder texts", **FIELDS)
    services.membership_add(group=group, pilot_id=pilot.pk, added_by=moderator, note="Same reminder")
    with pytest.raises(services.AlreadyInGroup):
        services.membership_add(group=group, pilot_id=pilot.pk, added_by=moderator)
    assert list(PooledMembership.objects.values_list("note", flat=True)) == ["Same reminder"]
    services.membership_remove(group=group, pilot_id=pilot.pk)
    assert not group.memberships.exists()


@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                    reason="two connections at once need the PostgreSQL server")
@pytest.mark.django_db(transaction=True)
def test_two_moderators_making_the_same_group_at_once_both_succeed(moderator):
    """Both look for a free address before either saves (a barrier holds them), so both try "clearer-letters": the
    database lets one have it and the other takes "clearer-letters-2"."""
    barrier = threading.Barrier(2, timeout=10)
    real_free_slug = services._free_slug
    seen = threading.local()

    def free_slug_then_wait(base):
        slug = real_free_slug(base)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return slug

    made, failed = [], []

    def make():
        try:
            made.append(services.group_create(created_by=moderator, title="Clearer letters", **FIELDS).slug)
        except Exception as error:  # reported by the assertion below
            failed.append(error)
        finally:
            connection.close()

    with mock.patch.object(services, "_free_slug", side_effect=free_slug_then_wait):
        threads = [threading.Thread(target=make) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert failed == [] and sorted(made) == ["clearer-letters", "clearer-letters-2"]
    assert sorted(PooledGroup.objects.values_list("slug", flat=True)) == ["clearer-letters", "clearer-letters-2"]

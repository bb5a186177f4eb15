"""Discussion keeps a pilot's withheld council name withheld on everything attached to the pilot, not only on the
pilot's own page, and only notifies the people who follow what was discussed."""

import pytest

from pilotbook.discussion import services
from pilotbook.discussion.models import Notification
from pilotbook.evidence.models import PooledGroup
from pilotbook.materials.services import material_add
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

pytestmark = pytest.mark.django_db


def test_a_team_answer_on_a_material_does_not_name_a_council_that_withheld_its_name(home_council, officer,
                                                                                   persona_client):
    pilot = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public_anonymous")
    letter = material_add(pilot=pilot, user=officer, title="Arrears letter", kind="letter", body="Dear tenant")
    services.comment_post(target=letter, author=officer, body="Ask us for the Word version.")
    for persona in ("anonymous", "other_officer"):
        page = persona_client(persona).get(letter.get_absolute_url()).content.decode()
        assert "Ask us for the Word version." in page and "A member of the pilot&#x27;s team" in page
        assert "Homeshire" not in page and "Olu Officer" not in page
    assert "Olu Officer (Homeshire)" in persona_client("champion").get(letter.get_absolute_url()).content.decode()


def test_comments_on_materials_and_pooled_groups_do_not_notify_everyone_who_follows_anything(
        home_council, officer, other_officer):
    followed = make_pilot(home_council, officer, Status.PUBLISHED, title="Followed pilot")
    services.follow_add(user=other_officer, subject="pilot", value=str(followed.pk))
    letter = material_add(pilot=make_pilot(home_council, officer, Status.PUBLISHED), user=officer,
                          title="Arrears letter", kind="letter", body="Dear tenant")
    group = PooledGroup.objects.create(title="Reminder texts", slug="texts", outcome="Paid on time")
    services.comment_post(target=letter, author=officer, body="Ask us for the Word version.")
    services.comment_post(target=group, author=officer, body="Worth pooling.")
    assert not Notification.objects.filter(recipient=other_officer).exists()
    services.comment_post(target=followed, author=officer, body="Update on the pilot.")
    assert Notification.objects.filter(recipient=other_officer, reason="followed").count() == 1

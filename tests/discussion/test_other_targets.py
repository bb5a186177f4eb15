"""Comments and questions on pooled groups and reusable materials, with the same rules as on pilots."""

import pytest
from django.urls import reverse

from pilotbook.discussion.models import Comment
from pilotbook.evidence.models import PooledGroup
from pilotbook.materials.services import material_add
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

pytestmark = pytest.mark.django_db


def post(client, slug, pk, body, kind="comment"):
    return client.post(reverse("discussion-comment-create", args=[slug, pk]), {"kind": kind, "body": body})


def test_a_pooled_group_can_be_discussed_by_signed_in_members(client, other_officer):
    group = PooledGroup.objects.create(title="Reminder texts", slug="texts", outcome="Paid on time")
    client.force_login(other_officer)
    assert "Your comment or question" in client.get(group.get_absolute_url()).content.decode()
    post(client, "pooled-group", group.pk, "Did anyone try **email** as well?", kind="question")
    assert Comment.objects.get().body.startswith("Did anyone")
    page = client.get(group.get_absolute_url()).content.decode()
    assert "<strong>email</strong>" in page
    client.logout()
    post(client, "pooled-group", group.pk, "Anonymous spam")
    assert Comment.objects.count() == 1


def test_a_material_is_discussed_once_its_pilot_is_published_and_its_team_answers(client, officer, other_officer,
                                                                                 home_council):
    running = make_pilot(home_council, officer, Status.RUNNING, title="Running pilot", visibility="public")
    draft_material = material_add(pilot=running, user=officer, title="Draft letter", kind="letter", body="Dear tenant")
    client.force_login(other_officer)
    post(client, "material", draft_material.pk, "Can I use this?")
    assert not Comment.objects.exists()

    published = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public")
    letter = material_add(pilot=published, user=officer, title="Arrears letter", kind="letter", body="Dear tenant")
    post(client, "material", letter.pk, "Can we reuse <script>alert(1)</script> this letter?", kind="question")
    question = Comment.objects.get()
    client.force_login(officer)
    client.post(reverse("discussion-comment-reply", args=[question.pk]),
                {f"reply-{question.pk}-body": "Yes, please do."})
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Yes, please do." in page and "<script>alert(1)</script>" not in page

"""Discussion keeps a pilot's withheld council name withheld on everything attached to the pilot, not only on the
pilot's own page."""

import pytest

from pilotbook.discussion import services
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


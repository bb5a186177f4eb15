"""Who may see and change what: every pilot view against every persona.

Rules (pilotbook.pilots.models.PilotQuerySet.visible_to and Pilot.can_change):
- a draft is seen only by its own council (and moderators); to anyone else it does not exist (404);
- a registered pilot is seen by every signed-in council member; a public one by anybody;
- only the owning council's members change a pilot: others get 403, anonymous visitors are sent to sign in.
"""

import pytest
from django.urls import reverse

from pilotbook.pilots.choices import Status

from .conftest import PERSONAS
from .factories import LESSONS, make_pilot

OWN = ("officer", "champion", "council_admin")


def expected(rule: dict, persona: str) -> int:
    if persona in rule:
        return rule[persona]
    return rule["own"] if persona in OWN else rule["default"]


SIGN_IN = 302
# Pages that change a pilot: (url name, pilot status, extra url args, rule)
CHANGE_RULE = {"own": 200, "anonymous": SIGN_IN, "other_officer": 403, "moderator": 403, "default": 403}
DRAFT_CHANGE_RULE = {**CHANGE_RULE, "other_officer": 404}  # a draft must not even be revealed to outsiders

PAGES = [
    ("pilot-detail", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-plan-json", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-detail", Status.REGISTERED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-plan-json", Status.REGISTERED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-detail", Status.PUBLISHED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-step", Status.DRAFT, ("idea",), DRAFT_CHANGE_RULE),
    ("pilot-step", Status.DRAFT, ("dates",), DRAFT_CHANGE_RULE),
    ("pilot-check", Status.DRAFT, (), DRAFT_CHANGE_RULE),
    ("pilot-amend", Status.REGISTERED, ("outcome",), CHANGE_RULE),
    ("pilot-start", Status.REGISTERED, (), CHANGE_RULE),
    ("pilot-end-early", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-result", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-publish", Status.RESULTS_RECORDED, (), CHANGE_RULE),
    ("pilot-sharing", Status.REGISTERED, (), CHANGE_RULE),
    ("measure", Status.RUNNING, (), CHANGE_RULE),
    ("measure-upload", Status.RUNNING, (), CHANGE_RULE),
    ("measure-summary", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-report", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-report", Status.PUBLISHED, (), {"own": 200, "anonymous": 404, "default": 200}),
]


@pytest.fixture
def owned_pilot(home_council, officer):
    def make(status, visibility="councils"):
        return make_pilot(home_council, officer, status=status, visibility=visibility)

    return make


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "status", "args", "rule"), PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_pilot_page_access(persona, name, status, args, rule, owned_pilot, persona_client):
    pilot = owned_pilot(status)
    response = persona_client(persona).get(reverse(name, args=[pilot.pk, *args]))
    assert response.status_code == expected(rule, persona)
    if response.status_code == SIGN_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pilot_is_readable_by_everyone(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.PUBLISHED, visibility="public")
    assert persona_client(persona).get(pilot.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_draft_is_still_private_to_its_council(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.DRAFT, visibility="public")
    status = persona_client(persona).get(pilot.get_absolute_url()).status_code
    assert status == (200 if persona in (*OWN, "moderator") else 404)


# Writes: a POST from someone who may not change the pilot must change nothing.
WRITES = [
    ("pilot-start", Status.REGISTERED, (), {}, Status.RUNNING),
    ("pilot-publish", Status.RESULTS_RECORDED, (), {**LESSONS, "visibility": "councils"}, Status.PUBLISHED),
    ("pilot-end-early", Status.RUNNING, (), {"status": "withdrawn", "reason": "No longer needed."}, Status.WITHDRAWN),
    ("pilot-end-early", Status.RUNNING, (), {"status": "stopped_early", "reason": "Too few took part.",
                                             "failure_reason": "too_small"}, Status.STOPPED_EARLY),
    ("pilot-result", Status.RUNNING, (), {"estimate": "-10", "ci_low": "-15", "ci_high": "-5"},
     Status.RESULTS_RECORDED),
    ("pilot-check", Status.DRAFT, (), {}, Status.REGISTERED),
    ("measure-summary", Status.RUNNING, (), {"g1_label": "Old", "g1_n": "200", "g1_mean": "40", "g1_sd": "12",
                                              "g2_label": "New", "g2_n": "200", "g2_mean": "30", "g2_sd": "12"},
     Status.RUNNING),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "status", "args", "data", "after"), WRITES, ids=lambda v: v if isinstance(v, str)
                         else "")
def test_only_own_council_can_move_a_pilot_along(persona, name, status, args, data, after, owned_pilot,
                                                  persona_client):
    pilot = owned_pilot(status)
    response = persona_client(persona).post(reverse(name, args=[pilot.pk, *args]), data)
    pilot.refresh_from_db()
    if persona in OWN:
        assert response.status_code == 302
        assert pilot.status == after
    else:
        assert response.status_code in (302, 403, 404)
        assert pilot.status == status
        assert not pilot.analyses.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_analysis_page_is_only_for_the_owning_council(persona, owned_pilot, persona_client):
    from pilotbook.pilots import measure

    pilot = owned_pilot(Status.RUNNING)
    officer = pilot.created_by
    analysis = measure.summary_analyse(pilot=pilot, user=officer, control="Old", groups=[
        {"label": "Old", "n": 200, "mean": 40, "sd": 12}, {"label": "New", "n": 200, "mean": 30, "sd": 12}])
    response = persona_client(persona).get(reverse("analysis-detail", args=[pilot.pk, analysis.pk]))
    assert response.status_code == expected(CHANGE_RULE, persona)
    response = persona_client(persona).post(reverse("analysis-detail", args=[pilot.pk, analysis.pk]), {})
    pilot.refresh_from_db()
    assert (pilot.status == Status.RESULTS_RECORDED) == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_amend_a_frozen_plan(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.REGISTERED)
    data = {"planned_sample": "999", "planned_clusters": "", "stopping_rule": "none",
            "reason": "More cases than expected.",
            "results_seen": "no"}
    persona_client(persona).post(reverse("pilot-amend", args=[pilot.pk, "sample"]), data)
    pilot.refresh_from_db()
    assert (pilot.planned_sample == 999) == (persona in OWN)
    assert pilot.amendments.count() == (1 if persona in OWN else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_edit_a_draft(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.DRAFT)
    persona_client(persona).post(reverse("pilot-step", args=[pilot.pk, "partners"]), {"partners": "Hacked"})
    pilot.refresh_from_db()
    assert (pilot.partners == "Hacked") == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_browse_lists_drafts_only_to_their_council(persona, owned_pilot, persona_client):
    draft = owned_pilot(Status.DRAFT)
    draft.title = "Secret draft idea"
    draft.save()
    owned_pilot(Status.REGISTERED)
    page = persona_client(persona).get(reverse("pilot-list")).content.decode()
    assert ("Secret draft idea" in page) == (persona in (*OWN, "moderator"))
    assert ("Clearer arrears letter" in page) == (persona != "anonymous")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 200),
     ("moderator", 200)],
)
def test_dashboard_needs_sign_in(persona, status, persona_client):
    assert persona_client(persona).get(reverse("dashboard")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 200),
     ("moderator", 403)],
)
def test_registering_needs_a_council(persona, status, persona_client, home_council, other_council):
    assert persona_client(persona).get(reverse("pilot-create")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 403),
     ("moderator", 200)],
)
def test_council_team_is_for_its_members(persona, status, persona_client, home_council):
    assert persona_client(persona).get(reverse("council-team", args=["HOM"])).status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_council_admin_can_invite(persona, persona_client, home_council):
    from pilotbook.councils.models import Invitation

    persona_client(persona).post(reverse("council-team", args=["HOM"]), {"email": "new@home.example",
                                                                         "role": "officer"})
    assert Invitation.objects.filter(email="new@home.example").exists() == (persona == "council_admin")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("officer", 302), ("other_officer", 302), ("moderator", 200)],
)
def test_only_moderators_reach_the_admin(persona, status, persona_client, home_council):
    assert persona_client(persona).get(reverse("admin:pilots_pilot_changelist")).status_code == status

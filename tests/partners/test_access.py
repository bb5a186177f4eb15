"""Who may see and change partner records: every partner view against every persona.

Rules (pilotbook.partners.access): anyone signed in reads; only members of the owning council change;
other councils' members and moderators get 403 on change pages (moderators correct records in the admin);
anonymous visitors are sent to sign in.
"""

import pytest
from django.urls import reverse

from pilotbook.partners.models import Partner, Partnership
from tests.conftest import PERSONAS

OWN = ("officer", "champion", "council_admin")
SIGN_IN = 302
READ = {"anonymous": SIGN_IN, "default": 200}
CHANGE = {"anonymous": SIGN_IN, "own": 200, "default": 403}


def expected(rule, persona):
    if persona in rule:
        return rule[persona]
    return rule["own"] if persona in OWN and "own" in rule else rule["default"]


# (url name, which object's pk, rule)
PAGES = [
    ("partner-map", None, READ),
    ("partner-map-data", None, READ),
    ("partner-coverage", None, READ),
    ("partner-unlikely", None, READ),
    ("partner-export-csv", None, READ),
    ("partner-export-json", None, READ),
    ("partner-template-csv", None, READ),
    ("council-champions", None, READ),
    ("partner-pipeline", None, READ),
    ("partner-pipeline-list", None, READ),
    ("partner-detail", "partner", READ),
    ("partnership-detail", "partnership", READ),
    ("partner-create", None, CHANGE),
    ("partner-import", None, CHANGE),
    ("sector-create", None, CHANGE),
    ("arrangement-create", None, CHANGE),
    ("partner-edit", "partner", CHANGE),
    ("partnership-create", "partner", CHANGE),
    ("partnership-move", "partnership", CHANGE),
    ("partnership-review", "partnership", CHANGE),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "obj", "rule"), PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_partner_page_access(persona, name, obj, rule, home_partnership, persona_client, other_council):
    args = ["HOM"] + ([home_partnership.partner.pk] if obj == "partner" else
                      [home_partnership.pk] if obj == "partnership" else [])
    response = persona_client(persona).get(reverse(name, args=args))
    assert response.status_code == expected(rule, persona)
    if response.status_code == SIGN_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["partner-index", "champions-directory", "arrangement-comparison"])
def test_cross_council_pages_need_sign_in(persona, name, persona_client, home_council):
    response = persona_client(persona).get(reverse(name))
    assert response.status_code == (SIGN_IN if persona == "anonymous" else 200)


def test_a_partner_is_not_found_under_another_councils_code(home_partner, persona_client, other_council):
    client = persona_client("other_officer")
    assert client.get(reverse("partner-edit", args=["OTH", home_partner.pk])).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_edit_its_partners(persona, home_partner, persona_client, other_council):
    data = {"name": "Hacked", "sector": home_partner.sector_id, "latitude": "50.9", "longitude": "0.1",
            "frequency": "weekly"}
    persona_client(persona).post(reverse("partner-edit", args=["HOM", home_partner.pk]), data)
    home_partner.refresh_from_db()
    assert (home_partner.name == "Hacked") == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_add_partners(persona, persona_client, home_council, other_council):
    from tests.partners.conftest import sector

    data = {"name": "New pantry", "sector": sector("voluntary-community").pk, "latitude": "50.9",
            "longitude": "0.1", "frequency": "weekly"}
    persona_client(persona).post(reverse("partner-create", args=["HOM"]), data)
    assert Partner.objects.filter(name="New pantry", council=home_council).exists() == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_move_a_partnership_along(persona, home_partnership, persona_client, other_council):
    persona_client(persona).post(reverse("partnership-advance", args=["HOM", home_partnership.pk]))
    persona_client(persona).post(reverse("partnership-move", args=["HOM", home_partnership.pk]),
                                 {"stage": "ended"})
    home_partnership.refresh_from_db()
    assert home_partnership.stage == ("ended" if persona in OWN else "identified")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_import(persona, persona_client, home_council, other_council):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.partners.conftest import DATA

    upload = SimpleUploadedFile("p.csv", (DATA / "partners.csv").read_bytes())
    persona_client(persona).post(reverse("partner-import", args=["HOM"]), {"file": upload})
    assert Partner.objects.filter(council=home_council).count() == (3 if persona in OWN else 0)


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("officer", 302), ("moderator", 200)])
def test_moderators_reach_partners_in_the_admin(persona, status, persona_client, home_partnership):
    for model in ("partner", "partnership", "sector", "arrangement"):
        response = persona_client(persona).get(reverse(f"admin:partners_{model}_changelist"))
        assert response.status_code == status
    if persona == "moderator":
        page = persona_client(persona).get(reverse("admin:partners_partner_change",
                                                   args=[home_partnership.partner.pk]))
        assert page.status_code == 200
    assert Partnership.objects.count() == 1

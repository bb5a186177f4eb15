"""Pages signed in share what they build among people the access rules treat alike, never anything personal
(ADR 0020): each person gets their own CSRF token and their own name, and a council that withheld its name is named
to its own members only, whoever asked for the page first."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotbook.councils.models import Role
from pilotbook.pilots.choices import Status

from .factories import CouncilFactory, make_pilot, member

SEARCH = reverse("evidence-search") + "?q=arrears"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_two_officers_of_one_council_get_their_own_token_and_name(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    colleague = member(home_council, Role.OFFICER, email="colleague@home.example", full_name="Cleo Colleague")
    clients = {"Olu Officer": signed_in(officer), "Cleo Colleague": signed_in(colleague)}
    for url in (pilot.get_absolute_url(), SEARCH):
        tokens = {}
        for name, client in clients.items():  # the second is served what the first built
            page = client.get(url).content.decode()
            other = next(n for n in clients if n != name)
            assert f"Signed in as {name}." in page and other not in page
            tokens[name] = TOKEN.findall(page)
            assert tokens[name]  # the sign-out form at least
        assert not set(tokens["Olu Officer"]) & set(tokens["Cleo Colleague"])
        # Each token is good for its own person only: signing out with the other's is refused.
        assert clients["Olu Officer"].post(reverse("logout"), {"csrfmiddlewaretoken": tokens["Cleo Colleague"][0]},
                                           ).status_code == 403
        assert clients["Olu Officer"].post(reverse("logout"), {"csrfmiddlewaretoken": tokens["Olu Officer"][0]},
                                           ).status_code == 302
        clients["Olu Officer"].force_login(officer)


def test_a_withheld_name_is_named_to_its_council_only_whoever_asked_first(home_council, other_council, officer,
                                                                          other_officer):
    withheld = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public_anonymous",
                          title="Clearer rent arrears letter")
    third = member(CouncilFactory(code="THI", name="Thirdbury"), Role.OFFICER, email="officer@third.example")
    for url in (SEARCH, withheld.get_absolute_url()):
        for order in ((other_officer, officer, third), (officer, other_officer, third)):
            pages = {user: signed_in(user).get(url).content.decode() for user in order}
            assert "Homeshire" in pages[officer], url
            assert "Homeshire" not in pages[other_officer] and "Homeshire" not in pages[third], url


def test_members_of_councils_a_page_does_not_depend_on_share_it(home_council, other_council, officer, other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    third = member(CouncilFactory(code="THI", name="Thirdbury"), Role.OFFICER, email="officer@third.example")
    for url in (pilot.get_absolute_url(), SEARCH):
        first, second = signed_in(other_officer), signed_in(third)
        first.get(url)
        with CaptureQueriesContext(connection) as built_for_another:
            second.get(url)
        with CaptureQueriesContext(connection) as again:
            second.get(url)
        assert len(built_for_another) == len(again), url  # nothing was built for the second council's officer

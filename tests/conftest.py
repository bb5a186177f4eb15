"""Named personas shared by the whole suite; each encodes an access rule.

- officer: an officer of the home council (owns the pilots made in tests);
- champion and council_admin: other roles at the home council;
- other_officer: an officer of another council;
- moderator: a platform moderator, member of no council;
- anonymous: nobody signed in (use the plain `client`).
"""

import pytest
from django.test import Client

from pilotbook.councils.models import Role

from .factories import CouncilFactory, UserFactory, member

PERSONAS = ("anonymous", "officer", "champion", "council_admin", "other_officer", "moderator")


@pytest.fixture
def home_council(db):
    return CouncilFactory(code="HOM", name="Homeshire")


@pytest.fixture
def other_council(db):
    return CouncilFactory(code="OTH", name="Otherborough")


@pytest.fixture
def officer(home_council):
    return member(home_council, Role.OFFICER, email="officer@home.example", full_name="Olu Officer")


@pytest.fixture
def champion(home_council):
    return member(home_council, Role.CHAMPION, email="champion@home.example", full_name="Cat Champion")


@pytest.fixture
def council_admin(home_council):
    return member(home_council, Role.ADMIN, email="admin@home.example", full_name="Ada Admin")


@pytest.fixture
def other_officer(other_council):
    return member(other_council, Role.OFFICER, email="officer@other.example", full_name="Otto Other")


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@pilotbook.example", full_name="Mo Moderator", is_moderator=True)


@pytest.fixture
def persona_client(request, db):
    """A test client signed in as the named persona; `persona_client("anonymous")` is signed out."""

    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for production; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

import pytest

from pilotbook.pilots.choices import Status
from tests.factories import make_pilot


@pytest.fixture
def published_pilot(home_council, officer):
    """A pilot of the officer's council, published for other councils (not the public)."""
    return make_pilot(home_council, officer, status=Status.PUBLISHED)

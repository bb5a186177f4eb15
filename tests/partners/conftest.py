"""Partner fixtures on top of the suite's personas (tests/conftest.py): partners belong to the home council."""

from pathlib import Path

import pytest

from pilotbook.partners import importers, services
from pilotbook.partners.models import Partner, Sector

DATA = Path(__file__).parent / "data"


def sector(slug: str) -> Sector:
    return Sector.objects.get(council=None, slug=slug)


def make_partner(council, name="Uckfield Pharmacy", slug="pharmacies", groups=("older_people",),
                 frequency="weekly", lat=50.97, lon=0.098, **fields) -> Partner:
    return services.partner_save(
        council=council, name=name, sector=sector(slug), groups=list(groups), frequency=frequency,
        location={"name": "", "address_1": "", "city": "Uckfield", "postal_code": "TN22 1AA", "latitude": lat,
                  "longitude": lon}, **fields)


def import_file(council, name: str, default_sector=None):
    return services.partners_import(council=council, parsed=importers.parse((DATA / name).read_bytes(), name),
                                    default_sector=default_sector)


@pytest.fixture(autouse=True)
def _maintained_sectors(db):
    # Transactional tests elsewhere (the browser journeys) empty every table, the migrated sectors included.
    services.sectors_load()


@pytest.fixture
def home_partner(home_council):
    return make_partner(home_council)


@pytest.fixture
def other_partner(other_council):
    return make_partner(other_council, name="Otherborough Post Office", slug="post-delivery")


@pytest.fixture(autouse=True)
def _maintained_sectors(db):
    # Transactional tests elsewhere (the browser journeys) empty every table, the migrated sectors included.
    services.sectors_load()


@pytest.fixture
def home_partnership(home_partner, champion):
    return services.partnership_create(partner=home_partner, topic="Spotting isolated older people", owner=champion)

"""Who belongs to which council (looked up once per person), and the limits and checks of a pilot's fields."""

from __future__ import annotations

from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils import timezone


def member_council_ids(user) -> frozenset[str]:
    """The codes of the councils this person belongs to, looked up once per user object (so a page listing many
    pilots asks the database once, not once per pilot). Used for what is shown; changes are checked afresh."""
    return user.council_codes() if user.is_authenticated else frozenset()


def own_council_id(user) -> str | None:
    """The code of this person's council when they belong to exactly one, else None: "before you start" shows
    pilots at other councils, and for someone in several councils none of them is "their own" idea's council."""
    councils = member_council_ids(user)
    return next(iter(councils)) if len(councils) == 1 else None


# Pre-registration compares calendar days in the UK, whatever the server's or the reader's time zone.
REGISTRATION_TIME_ZONE = ZoneInfo("Europe/London")

# Each of the four parts of the lessons, and the failure detail: short, as the publish page asks (a few paragraphs).
LESSON_MAX_LENGTH = 2000
SHORT_TEXT = [MaxLengthValidator(LESSON_MAX_LENGTH)]  # checked by the admin and full_clean, as by the forms

# Where an imported case study came from: its page, and up to this many further addresses (other reports of it).
SOURCE_URL_MAX_LENGTH = 500
MAX_FURTHER_SOURCES = 20
EARLIEST_YEAR = 1900


def validate_year(year: int) -> None:
    """A case study's year: when it ran or was reported, so not before 1900 and not after this year."""
    this_year = timezone.now().year
    if year is not None and not EARLIEST_YEAR <= year <= this_year:
        raise ValidationError("%(year)s is not a year a case study can come from; give the four-digit year it ran or "
                              "was reported, from %(first)s to %(last)s", params={"year": year, "first": EARLIEST_YEAR,
                                                                                  "last": this_year}, code="year")


def validate_further_sources(addresses) -> None:
    """A list of at most MAX_FURTHER_SOURCES web addresses (http or https), each at most 500 characters."""
    if not isinstance(addresses, list):
        raise ValidationError("give the further sources as a list of web addresses", code="further_sources")
    if len(addresses) > MAX_FURTHER_SOURCES:
        raise ValidationError("at most %(n)s further sources; give the most useful", params={"n": MAX_FURTHER_SOURCES},
                              code="further_sources")
    check = URLValidator(schemes=["http", "https"])
    for number, address in enumerate(addresses, start=1):
        if not isinstance(address, str) or len(address) > SOURCE_URL_MAX_LENGTH:
            raise ValidationError("source %(n)s is not a web address of at most %(max)s characters",
                                  params={"n": number, "max": SOURCE_URL_MAX_LENGTH}, code="further_sources")
        try:
            check(address)
        except ValidationError:
            raise ValidationError("source %(n)s, %(url)s, is not a web address (http:// or https://)",
                                  params={"n": number, "url": repr(address)[:80]}, code="further_sources") from None


class CouncilCount(NamedTuple):
    """A number of councils; `at_least` when some pilots' councils are withheld, so there may be more."""

    number: int
    at_least: bool

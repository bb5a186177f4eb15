"""`<time datetime>` values are ones HTML accepts: no microseconds (|date:'c' wrote six digits of them)."""

import datetime as dt
import re
from pathlib import Path

from django.template import Context, Template

from pilotbook.discussion.services import comment_post
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from tests.factories import make_pilot

# HTML's valid date string, and its valid global date and time string (at most three digits of a second's
# fractions, then Z or an offset).
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?")
TEMPLATES = Path(__file__).resolve().parent.parent / "pilotbook"


def datetimes(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


def test_html_datetime_writes_seconds_and_the_offset_in_the_sites_time_zone():
    moment = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    rendered = Template("{% load timestamps %}{{ moment|html_datetime }} {{ day|html_datetime }}").render(
        Context({"moment": moment, "day": dt.date(2026, 1, 5)}))
    assert rendered == "2026-07-01T10:30:15+01:00 2026-01-05"  # Europe/London is on summer time in July


def test_no_template_writes_a_time_element_with_date_c():
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if re.search(r"""date:\s*['"]c['"]""", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_time_elements_on_a_pilot_and_its_discussion_are_valid_html(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED)
    Pilot.objects.filter(pk=pilot.pk).update(registered_at=dt.datetime(2026, 1, 2, 9, 3, 4, 567891, tzinfo=dt.UTC))
    comment_post(target=pilot, author=officer, body="Did the letter go by post or email?")
    client.force_login(officer)
    found = datetimes(client.get(pilot.get_absolute_url()).content.decode())
    assert len(found) >= 2  # the plan frozen, the comment
    for value in found:
        assert HTML_DATETIME.fullmatch(value), value

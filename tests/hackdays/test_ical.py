"""iCalendar export (RFC 5545): escaping, line folding, CRLF line ends, all-day and timed events."""

import datetime as dt

import pytest
from django.urls import reverse

from pilotbook.hackdays import ical

pytestmark = pytest.mark.django_db


def test_text_is_escaped():
    assert ical.escape("Room 1; floor 2, east\\wing\nbring a laptop") == \
        "Room 1\\; floor 2\\, east\\\\wing\\nbring a laptop"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line


def test_one_event_per_hack_day_all_day_when_no_time(hack_day_factory, persona_client):
    hack_day = hack_day_factory(place="Civic Centre, Room 2; floor 1")
    response = persona_client("officer").get(reverse("hackday-ics", args=[hack_day.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20270318\r\n" in body
    assert "DTEND;VALUE=DATE:20270319\r\n" in body
    assert "LOCATION:Civic Centre\\, Room 2\\; floor 1\r\n" in body
    assert f"UID:hackday-{hack_day.pk}@" in body
    assert "Residents miss bin days" in body.replace("\r\n ", "")


def test_timed_event_in_utc(hack_day_factory, persona_client):
    hack_day = hack_day_factory(starts_at=dt.time(9, 30), ends_at=dt.time(16, 0), place="",
                                online_link="https://meet.example/hack")
    body = persona_client("officer").get(reverse("hackday-ics", args=[hack_day.pk])).content.decode()
    # 18 March 2027 is before British Summer Time starts, so 9:30 in London is 09:30 UTC.
    assert "DTSTART:20270318T093000Z\r\n" in body
    assert "DTEND:20270318T160000Z\r\n" in body
    assert "LOCATION:https://meet.example/hack\r\n" in body

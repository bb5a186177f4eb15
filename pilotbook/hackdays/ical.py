"""iCalendar (RFC 5545) for hack days: one VEVENT per hack day, in a VCALENDAR.

Written by hand rather than with a library: the subset needed (text escaping, 75-octet line folding,
CRLF line ends, all-day and timed events) is small and tested in tests/hackdays/test_ical.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from pilotbook.councils.models import User

from .models import HackDay

PRODID = "-//Pilotbook//Hack days//EN"


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped; newlines as \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space, never mid-character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(hack_day: HackDay) -> list[str]:
    site = settings.PILOTBOOK_SITE_URL.rstrip("/")
    url = site + hack_day.get_absolute_url()
    lines = [
        "BEGIN:VEVENT",
        f"UID:hackday-{hack_day.pk}@{site.split('://', 1)[-1].split('/')[0]}",
        f"DTSTAMP:{_stamp(hack_day.updated_at or timezone.now())}",
    ]
    if hack_day.starts_at:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(hack_day.date, hack_day.starts_at, tzinfo=zone)
        lines.append(f"DTSTART:{_stamp(start)}")
        if hack_day.ends_at and hack_day.ends_at > hack_day.starts_at:
            lines.append(f"DTEND:{_stamp(dt.datetime.combine(hack_day.date, hack_day.ends_at, tzinfo=zone))}")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{hack_day.date:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{hack_day.date + dt.timedelta(days=1):%Y%m%d}")
    description = hack_day.theme
    challenges = [c.title for c in hack_day.challenges.all()]
    if challenges:
        description += "\n\nChallenges:\n" + "\n".join(f"- {title}" for title in challenges)
    if hack_day.online_link:
        description += f"\n\nJoin online: {hack_day.online_link}"
    location = hack_day.place or hack_day.online_link
    lines += [f"SUMMARY:{escape(f'{hack_day.title} ({hack_day.council.name})')}",
              f"DESCRIPTION:{escape(description)}", f"URL:{url}"]
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(hack_days: Iterable[HackDay], name: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(name)}"]
    for hack_day in hack_days:
        lines += _event_lines(hack_day)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


# Calendar apps fetch a subscribed feed without signing in, so a council's feed URL carries a key that names the
# person. The key is signed, and changes when their password does (which is how a leaked link is revoked). What the
# feed shows is worked out afresh at each fetch from what that person may see then.
FEED_SALT = "pilotbook.hackdays.calendar-feed"


def _password_mark(user: User) -> str:
    return salted_hmac(FEED_SALT, user.password or "", algorithm="sha256").hexdigest()[:16]


def feed_key(user: User, council_code: str) -> str:
    return signing.dumps({"u": user.pk, "c": council_code, "p": _password_mark(user)}, salt=FEED_SALT, compress=True)


def feed_user(key: str, council_code: str) -> User | None:
    """The active person a feed key names for this council, or None if the key is altered, stale or not theirs."""
    try:
        data = signing.loads(key, salt=FEED_SALT)
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if data.get("c") != council_code or not constant_time_compare(data.get("p", ""), _password_mark(user)):
        return None
    return user

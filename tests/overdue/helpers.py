"""Pilots with a chosen results due date, moved through the real lifecycle services."""

import datetime as dt

from pilotbook.pilots.choices import Status
from tests.factories import make_pilot


def pilot_due(council, user, due: dt.date, status: str = Status.RUNNING, **kwargs):
    end = due - dt.timedelta(days=84)
    return make_pilot(council, user, status=status, start_date=end - dt.timedelta(days=60), end_date=end,
                      results_due_date=due, **kwargs)

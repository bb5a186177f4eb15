"""Fictional pooled groups over the demo pilots (the meta-analysis itself is worked out on the page)."""

from pilotbook.evidence.models import PooledGroup, PooledMembership
from pilotbook.pilots.models import Pilot

GROUPS = [
    ("Reminder messages before a deadline (demo)", "reminder-messages-demo", "nudge",
     "A text message or email reminding residents shortly before a payment or renewal deadline.",
     "Share acting before the deadline, in percentage points",
     ["Text reminder before council tax court summons", "Garden waste renewal reminder emails"]),
    ("Moving requests online (demo)", "moving-requests-online-demo", "channel_shift",
     "Making an online form the first, easiest way to make a request that used to come by phone.",
     "Share of requests made online, in percentage points",
     ["Online booking for bulky waste collections", "Welsh-first digital forms for housing repairs"]),
]


def load_demo_groups(moderator) -> int:
    PooledGroup.objects.filter(slug__in=[slug for _t, slug, *_ in GROUPS]).delete()
    for title, slug, kind, description, outcome, pilots in GROUPS:
        group = PooledGroup.objects.create(title=title, slug=slug, intervention_type=kind, description=description,
                                           outcome=outcome, measure=PooledGroup.Measure.GENERIC,
                                           created_by=moderator)
        for pilot in Pilot.objects.filter(is_demo=True, title__in=pilots):
            PooledMembership.objects.create(group=group, pilot=pilot, added_by=moderator)
    return len(GROUPS)

"""A fictional demo hack day at Wealden (ideas, votes, a shortlisted idea made into a pilot draft) and a short
demo discussion on a published pilot, all through the real services so the demo behaves like real use."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pilotbook.discussion.models import Kind
from pilotbook.discussion.services import comment_post
from pilotbook.hackdays import services as hackdays
from pilotbook.hackdays.models import HackDay
from pilotbook.pilots.models import Pilot

IDEAS = [
    ("Bin crews check on assisted-collection households (demo)",
     "Older residents on assisted collections can go days without seeing anyone.",
     "Crews note when an assisted bin has not been put out twice and tell the wellbeing team.",
     "Earlier help for residents at risk of isolation", "Older people living alone"),
    ("One letter instead of three for council tax and benefits (demo)",
     "Residents get separate letters about council tax, support and arrears in the same week.",
     "Send one combined letter with one number to call.", "Fewer calls and fewer missed payments",
     "Households getting council tax support"),
    ("Text reminders for garden waste collection (demo)",
     "Subscribers forget which week is garden waste.", "A text the evening before each collection.",
     "Fewer missed-bin reports", "Garden waste subscribers"),
]


def load_demo_community(people) -> None:
    """`people` maps a demo email to its user. Removes and reloads the demo hack day each time."""
    HackDay.objects.filter(title__endswith="(demo)").delete()
    admin, officer, champion = (people["admin@wealden.example"], people["officer@wealden.example"],
                                people["champion@wealden.example"])
    council = admin.memberships.get().council
    hack_day = hackdays.hackday_create(
        council=council, user=admin, title="Wealden winter hack day (demo)", theme="Reaching residents sooner",
        date=timezone.localdate() - dt.timedelta(days=20), place="Council offices, Crowborough",
        challenges=["Spot residents who need help earlier", "Cut avoidable letters and calls"])
    ideas = [hackdays.idea_submit(hack_day=hack_day, user=[officer, champion, admin][i % 3], title=title,
                                  problem=problem, idea=idea, expected_benefit=benefit, who_affected=who)
             for i, (title, problem, idea, benefit, who) in enumerate(IDEAS)]
    hackdays.team_form(hack_day=hack_day, user=champion, name="Crews and carers", idea=ideas[0])
    hack_day = hackdays.hackday_advance(hack_day=hack_day, user=admin)
    for voter in (officer, champion, admin):
        hackdays.vote_cast(idea=ideas[0], user=voter)
    hackdays.vote_cast(idea=ideas[1], user=officer)
    hackdays.hackday_advance(hack_day=hack_day, user=admin)
    ideas[0].refresh_from_db()
    hackdays.idea_shortlist(idea=ideas[0], user=admin)
    pilot = hackdays.idea_create_pilot(idea=ideas[0], user=admin)
    Pilot.objects.filter(pk=pilot.pk).update(is_demo=True)

    published = Pilot.objects.filter(is_demo=True, title="Plain-English rent arrears letter").first()
    if published is not None:
        question = comment_post(
            target=published, author=people["officer@leeds.example"], kind=Kind.QUESTION,
            body="Did you send the new letter by **post only**, or by email too? We are thinking of trying it.")
        comment_post(target=published, author=officer, parent=question,
                     body="Post only. The letter itself is in the materials; we would add a text message next time.")

"""Factories for varied test objects. Pilots come in any lifecycle state through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from pilotbook.councils.models import Council, Membership, Role, User
from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:02d}")
    official_name = factory.LazyAttribute(lambda o: f"{o.name} Council")
    name = factory.Sequence(lambda n: f"Testshire {n}")
    nation = "England"
    region = "South East"
    authority_type = "NMD"
    authority_type_name = "Non-metropolitan district"
    population = 160000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@council.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct-horse-battery")


def member(council: Council, role: str = Role.OFFICER, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, council=council, role=role)
    return user


COMPLETE_PLAN = {
    "problem": "Tenants in arrears contact us late.",
    "change": "A shorter, clearer first letter.",
    "service_area": "housing",
    "intervention_type": "letter_message",
    "partners": "",
    "hypothesis": "Clearer letters get earlier contact.",
    "outcome_name": "Days to contact",
    "outcome_unit": "days",
    "outcome_kind": "continuous",
    "better_direction": "lower",
    "worthwhile_effect": Decimal("7"),
    "design": "randomised_individual",
    "planned_sample": 400,
    "start_date": dt.date(2026, 1, 5),
    "end_date": dt.date(2026, 3, 31),
    "results_due_date": dt.date(2026, 6, 23),
}


LESSONS = {
    "lessons_aim": "Get tenants in arrears to contact us sooner.",
    "lessons_happened": "Tenants who got the new letter made contact about three weeks sooner.",
    "lessons_why": "The new letter had one clear action and a phone number at the top.",
    "lessons_differently": "Send it by text message as well, and measure arrears at six months.",
}


def make_pilot(council: Council, user: User, status: str = Status.DRAFT, visibility: str = "councils",
               title: str = "Clearer arrears letter", **plan) -> Pilot:
    """A pilot with a complete plan, moved through the real lifecycle services to `status`."""
    fields = {**COMPLETE_PLAN, **plan}
    pilot = services.pilot_create_draft(council=council, user=user, title=title, visibility=visibility, **fields)
    if status == Status.DRAFT:
        return pilot
    services.pilot_register(pilot=pilot, user=user)
    if status == Status.WITHDRAWN:
        services.pilot_end_early(pilot=pilot, user=user, status=status, reason="Partner withdrew.")
    elif status != Status.REGISTERED:
        services.pilot_start(pilot=pilot, user=user)
        if status == Status.STOPPED_EARLY:
            services.pilot_end_early(pilot=pilot, user=user, status=status, reason="Futility at interim look.",
                                     failure_reason="idea_did_not_work")
        elif status in (Status.RESULTS_RECORDED, Status.PUBLISHED):
            services.result_record(pilot=pilot, user=user, estimate=Decimal("-20"), ci_low=Decimal("-27"),
                                   ci_high=Decimal("-13"), sample_size=390)
            if status == Status.PUBLISHED:
                services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS)
    pilot.refresh_from_db()
    return pilot

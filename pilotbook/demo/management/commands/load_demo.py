"""Load the demo: councils, demo people (one per persona) and fictional pilots in every state.

Pilots go through the same service functions as a person's clicks, so plans, hashes and verdicts are real;
only the timestamps are moved back afterwards to match each pilot's dates.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.councils.models import Council, Membership, Role, User
from pilotbook.councils.services import councils_load
from pilotbook.demo.community import load_demo_community
from pilotbook.demo.data import GENERATORS
from pilotbook.demo.lessons import LESSONS, STOPPED_REASONS
from pilotbook.demo.pilots import PILOTS, DemoPilot
from pilotbook.demo.pooled import load_demo_groups
from pilotbook.evidence import facetcells
from pilotbook.pilots import measure, services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result

DEMO_PASSWORD = "demo-pilotbook-2026"  # noqa: S105 - printed for people trying the demo; demo accounts only

# (email, full name, council code or None, role, moderator?)
DEMO_PEOPLE = [
    ("officer@wealden.example", "Amira Officer (demo)", "WEA", Role.OFFICER, False),
    ("admin@wealden.example", "Alex Admin (demo)", "WEA", Role.ADMIN, False),
    ("champion@wealden.example", "Chris Champion (demo)", "WEA", Role.CHAMPION, False),
    ("officer@leeds.example", "Lee Officer (demo)", "LDS", Role.OFFICER, False),
    ("moderator@pilotbook.example", "Morgan Moderator (demo)", None, None, True),
]


class Command(PilotbookCommand):
    help = "Load demo people and fictional demo pilots (safe to run again: existing demo data is replaced)."

    def handle(self, *args, **options):
        if not Council.objects.exists():
            councils_load()
        with transaction.atomic():
            Pilot.objects.filter(is_demo=True).delete()
            people = self._people()
            for spec in PILOTS:
                self._pilot(spec, people)
            groups = load_demo_groups(User.objects.get(email="moderator@pilotbook.example"))
            load_demo_community({u.email: u for u in User.objects.filter(email__in=[p[0] for p in DEMO_PEOPLE])})
        self.stdout.write(f"Loaded {len(PILOTS)} demo pilots and {groups} pooled groups.")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, _name, code, role, moderator in DEMO_PEOPLE:
            what = "platform moderator" if moderator else f"{Role(role).label}, {Council.objects.get(pk=code).name}"
            self.stdout.write(f"  {email:32} {what}")

    def _people(self) -> dict[str, User]:
        owners = {}
        for email, name, code, role, moderator in DEMO_PEOPLE:
            user = self._user(email, name, moderator=moderator)
            if code:
                Membership.objects.update_or_create(user=user, council_id=code, defaults={"role": role})
                owners.setdefault(code, user)
        for code in {spec.council for spec in PILOTS} - owners.keys():
            council = Council.objects.get(pk=code)
            user = self._user(f"officer@{code.lower()}.example", f"{council.name} Officer (demo)")
            Membership.objects.update_or_create(user=user, council=council, defaults={"role": Role.OFFICER})
            owners[code] = user
        return owners

    def _user(self, email: str, name: str, moderator: bool = False) -> User:
        user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.full_name, user.is_moderator = name, moderator
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _pilot(self, spec: DemoPilot, people: dict[str, User]) -> None:
        user = people[spec.council]
        today = timezone.localdate()
        start = today + timedelta(days=spec.start_in_days)
        end = start + timedelta(days=spec.length_days)
        pilot = services.pilot_create_draft(
            council=Council.objects.get(pk=spec.council), user=user, title=spec.title, is_demo=True,
            problem=spec.problem, change=spec.change, service_area=spec.service_area,
            intervention_type=spec.intervention_type, partners=spec.partners, hypothesis=spec.hypothesis,
            outcome_name=spec.outcome_name, outcome_unit=spec.outcome_unit, outcome_kind=spec.outcome_kind,
            better_direction=spec.better_direction, worthwhile_effect=Decimal(spec.worthwhile_effect),
            design=spec.design, planned_sample=spec.planned_sample, planned_clusters=spec.planned_clusters,
            start_date=start, end_date=end, results_due_date=end + timedelta(weeks=12),
            setup_cost=_money(spec.setup_cost), running_cost=_money(spec.running_cost), visibility=spec.visibility,
        )
        if spec.status == Status.DRAFT:
            return
        services.pilot_register(pilot=pilot, user=user)
        if spec.amendment:
            services.pilot_amend(pilot=pilot, user=user, **spec.amendment)
        if spec.status == Status.WITHDRAWN:
            services.pilot_end_early(pilot=pilot, user=user, status=spec.status, reason=spec.reason)
        elif spec.status != Status.REGISTERED:
            services.pilot_start(pilot=pilot, user=user)
            if spec.status == Status.STOPPED_EARLY:
                services.pilot_end_early(pilot=pilot, user=user, status=spec.status, reason=spec.reason,
                                         failure_reason=STOPPED_REASONS[spec.title])
            elif spec.result:
                self._result(spec, pilot, user)
                if spec.status == Status.PUBLISHED:
                    aim, happened, why, differently, reason = LESSONS[spec.title]
                    services.pilot_publish(
                        pilot=pilot, user=user, failure_reason=reason,
                        lessons={"lessons_aim": aim, "lessons_happened": happened, "lessons_why": why,
                                 "lessons_differently": differently})
        _backdate(pilot.pk, start, end)


    @staticmethod
    def _result(spec: DemoPilot, pilot: Pilot, user: User) -> None:
        pilot.refresh_from_db()
        if spec.data:
            # Analysed in Pilotbook from (fictional) uploaded rows, so the demo shows a full result page.
            content, mapping = GENERATORS[spec.data]()
            upload = measure.upload_receive(pilot=pilot, user=user, filename=f"{spec.data}.csv", content=content)
            analysis = measure.upload_analyse(upload=upload, user=user, mapping=mapping)
            measure.analysis_record_result(analysis=analysis, user=user, summary=spec.summary)
            return
        estimate, low, high, n = spec.result
        services.result_record(pilot=pilot, user=user, estimate=Decimal(estimate), ci_low=Decimal(low),
                               ci_high=Decimal(high), sample_size=n, method=spec.method, summary=spec.summary)


def _money(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def _backdate(pk: int, start, end) -> None:
    """Move lifecycle timestamps to match the pilot's own dates (the plan and its hash are untouched)."""
    pilot = Pilot.objects.get(pk=pk)
    at = lambda day: timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))  # noqa: E731
    now = timezone.now()
    updates = {"registered_at": min(at(start - timedelta(days=14)), now)}
    if pilot.started_at:
        updates["started_at"] = min(at(start), now)
    if pilot.results_seen_at:
        updates["results_seen_at"] = min(at(end + timedelta(days=30)), now)
        Result.objects.filter(pilot_id=pk).update(first_recorded_at=updates["results_seen_at"],
                                                  recorded_at=updates["results_seen_at"])
    if pilot.published_at:
        updates["published_at"] = updates["ended_at"] = min(at(end + timedelta(days=45)), now)
    elif pilot.ended_at:
        updates["ended_at"] = min(at(start + timedelta(days=30)), now)
    Pilot.objects.filter(pk=pk).update(**updates)
    if "published_at" in updates:  # the year published is one of its facet values (written here without a save)
        facetcells.refresh([pk])

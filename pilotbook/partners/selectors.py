"""Reads for the partner pages: map data, coverage, unlikely partners, the champions directory and the
arrangements comparison. Pilots are read only through PilotQuerySet.visible_to (the pilots app's rule)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pilotbook.councils.models import Council, Membership, Reader, Role, User
from pilotbook.pilots.choices import Verdict
from pilotbook.pilots.models import Pilot

from .choices import FREQUENCY_ORDER, GOAL_KEYWORDS, ArrangementModel, Frequency, ResidentGroup
from .models import Arrangement, Location, Partner, Partnership, Sector, Touchpoint


def filter_partners(partners: QuerySet[Partner], *, sector: Sector | None = None, group: str = "", q: str = ""
                    ) -> QuerySet[Partner]:
    if sector:
        partners = partners.filter(sector=sector)
    if group:
        partners = partners.filter(Exists(Touchpoint.objects.filter(partner=OuterRef("pk"), group=group)))
    for word in q.split()[:10]:
        partners = partners.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return partners


class SectorStyle(TypedDict):
    name: str
    colour: str
    shape: str


class MapData(TypedDict):
    sectors: dict[int, SectorStyle]
    points: list[list[object]]  # [latitude, longitude, sector id, partner id, partner name]


def map_data(council: Council, *, sector: Sector | None = None, group: str = "", q: str = "") -> MapData:
    """Every location of the council's (filtered) partners, as compact rows for the map script:
    [latitude, longitude, sector id, partner id, partner name]."""
    partners = filter_partners(Partner.objects.filter(council=council), sector=sector, group=group, q=q)
    rows = (Location.objects.filter(partner__in=partners.values("pk"))
            .values_list("latitude", "longitude", "partner__sector_id", "partner_id", "partner__name")
            .order_by())
    return {
        "sectors": {s.pk: {"name": s.name, "colour": s.colour, "shape": s.shape}
                    for s in Sector.objects.for_council(council)},
        "points": [[round(lat, 5), round(lon, 5), sid, pid, name] for lat, lon, sid, pid, name in rows],
    }


def data_notices(partners: QuerySet[Partner]) -> list[str]:
    """The licence notices (OpenStreetMap's ODbL notice) of these partners' data, each once, to show with them."""
    return list(partners.exclude(attribution="").order_by("attribution").values_list("attribution", flat=True)
                .distinct())


# Coverage ---------------------------------------------------------------------------------------------------

@dataclass
class SectorReach:
    sector: Sector
    partners: int
    most_often: str  # the most frequent contact any of these partners has with the group

    @property
    def most_often_label(self) -> str:
        return str(Frequency(self.most_often).label)


@dataclass
class GroupCoverage:
    group: str
    label: str
    partners: int = 0
    can_refer: int = 0
    visits_homes: int = 0
    sectors: list[SectorReach] = field(default_factory=list)
    missing_sectors: list[Sector] = field(default_factory=list)  # usually reach this group; none here do

    @property
    def gap(self) -> bool:
        return self.partners == 0 or self.can_refer == 0


def coverage(council: Council) -> list[GroupCoverage]:
    sectors = {s.pk: s for s in Sector.objects.for_council(council)}
    rows = (Touchpoint.objects.filter(partner__council=council).order_by()
            .values("group", "partner__sector_id", "frequency")
            .annotate(n=Count("pk"), refer=Count("pk", filter=Q(partner__can_refer=True)),
                      homes=Count("pk", filter=Q(partner__visits_homes=True))))
    counts: dict[str, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    result = {value: GroupCoverage(group=value, label=str(label)) for value, label in ResidentGroup.choices}
    for row in rows:
        cover = result[row["group"]]
        cover.partners += row["n"]
        cover.can_refer += row["refer"]
        cover.visits_homes += row["homes"]
        counts[row["group"]][row["partner__sector_id"]][row["frequency"]] += row["n"]
    for group, cover in result.items():
        by_sector = counts.get(group, {})
        cover.sectors = sorted(
            (SectorReach(sectors[sid], sum(freqs.values()), next(f for f in FREQUENCY_ORDER if freqs.get(f)))
             for sid, freqs in by_sector.items()), key=lambda r: (-r.partners, r.sector.name))
        cover.missing_sectors = [s for s in sectors.values() if group in s.typical_groups and s.pk not in by_sector]
    return list(result.values())


# Unlikely partners ------------------------------------------------------------------------------------------

def groups_for_goal(goal: str) -> list[str]:
    """Resident groups a goal is about, from word prefixes ("isolated older people" -> older people)."""
    text = " " + re.sub(r"\s+", " ", goal.lower()) + " "
    return [group for group, words in GOAL_KEYWORDS.items()
            if any(re.search(r"(?<![a-z])" + re.escape(word), text) for word in words)]


@dataclass
class Evidence:
    pilots: list[Pilot]
    verdicts: dict[str, int]  # verdict label -> count


@dataclass
class Suggestion:
    sector: Sector
    groups: list[str]  # labels of the goal's groups this sector reaches
    local_partners: int  # partners of this sector already on the council's map
    evidence: Evidence


def unlikely_partners(council: Council, goal: str, user: Reader) -> tuple[list[str], list[Suggestion]]:
    groups = groups_for_goal(goal)
    if not groups:
        return [], []
    sectors = list(Sector.objects.for_council(council))
    observed: defaultdict[int, set[str]] = defaultdict(set)
    for sid, group in Touchpoint.objects.filter(group__in=groups).values_list("partner__sector_id", "group").distinct():
        observed[sid].add(group)
    partnered = set(Partnership.objects.filter(partner__council=council).values_list("partner__sector_id", flat=True))
    local = dict(Partner.objects.filter(council=council).values_list("sector_id").annotate(n=Count("pk")))
    suggestions = []
    for sector in sectors:
        reached = [g for g in groups if g in sector.typical_groups or g in observed[sector.pk]]
        if reached and sector.pk not in partnered:
            suggestions.append(Suggestion(sector, [str(ResidentGroup(g).label) for g in reached],
                                          local.get(sector.pk, 0), sector_evidence(sector, user)))
    suggestions.sort(key=lambda s: (-len(s.groups), -len(s.evidence.pilots), s.sector.name))
    return [str(ResidentGroup(g).label) for g in groups], suggestions


def sector_evidence(sector: Sector, user: Reader, limit: int = 5) -> Evidence:
    """Released results of pilots that involved this sector (linked through a partnership, or naming it in their
    partners): the evidence base's own rule, so an embargoed or unpublished verdict is neither listed nor counted.
    The page names each pilot's council only where this person may know it (the council_name tag)."""
    involved = Q(partnerships__partner__sector__slug=sector.slug)
    for word in sector.keywords:
        involved |= Q(partners__icontains=word.strip())
    pilots = list(Pilot.objects.visible_to(user).results_released().filter(involved)
                  .select_related("council", "result").prefetch_related("joint_councils").distinct()
                  .order_by("-published_at"))
    verdicts = Counter(str(Verdict(p.result.verdict).label) for p in pilots if hasattr(p, "result"))
    return Evidence(pilots=pilots[:limit], verdicts=dict(verdicts))


# Champions ------------------------------------------------------------------------------------------------

class Champion(TypedDict):
    user: User
    partnerships: list[Partnership]  # the partnerships they own


def council_champions(council: Council) -> list[Champion]:
    memberships = (Membership.objects.filter(council=council, role=Role.CHAMPION).select_related("user")
                   .order_by("user__full_name"))
    partnerships = (Partnership.objects.filter(partner__council=council)
                    .select_related("partner__sector", "owner", "review").order_by("stage", "next_step_date"))
    by_owner: defaultdict[int | None, list[Partnership]] = defaultdict(list)
    for partnership in partnerships:
        by_owner[partnership.owner_id].append(partnership)
    return [{"user": m.user, "partnerships": by_owner.get(m.user_id, [])} for m in memberships]


def champions_directory(*, sector_slug: str = "", topic: str = "") -> QuerySet[Partnership]:
    """Partnerships across every council, for "who has worked with pharmacies on loneliness?"."""
    partnerships = Partnership.objects.select_related("partner__council", "partner__sector", "owner", "review")
    if sector_slug:
        partnerships = partnerships.filter(partner__sector__slug=sector_slug)
    for word in topic.split()[:10]:
        partnerships = partnerships.filter(
            Q(topic__icontains=word) | Q(review__achieved__icontains=word) | Q(review__lessons__icontains=word)
            | Q(partner__name__icontains=word))
    return partnerships.order_by("partner__council__name", "partner__name")


def champion_memberships() -> QuerySet[Membership]:
    return (Membership.objects.filter(role=Role.CHAMPION).select_related("council", "user")
            .order_by("council__name", "user__full_name"))


# Arrangements ---------------------------------------------------------------------------------------------

@dataclass
class ModelSummary:
    model: str
    label: str
    arrangements: int = 0
    councils: set[str] = field(default_factory=set)  # their codes
    with_baseline: int = 0
    compared: int = 0  # arrangements with both a predicted and a realised saving
    predicted: Decimal = Decimal(0)
    realised: Decimal = Decimal(0)

    @property
    def baseline_share(self) -> float | None:
        return self.with_baseline / self.arrangements if self.arrangements else None

    @property
    def realised_share(self) -> float | None:
        """Realised savings as a share of predicted, over arrangements that report both."""
        return float(self.realised / self.predicted) if self.compared and self.predicted else None


def arrangement_comparison() -> list[ModelSummary]:
    summaries = {value: ModelSummary(value, str(label)) for value, label in ArrangementModel.choices}
    for arrangement in Arrangement.objects.prefetch_related("councils"):
        summary = summaries[arrangement.model]
        summary.arrangements += 1
        summary.councils |= {arrangement.council_id, *(c.pk for c in arrangement.councils.all())}
        summary.with_baseline += arrangement.baseline_cost is not None
        if arrangement.predicted_saving is not None and arrangement.realised_saving is not None:
            summary.compared += 1
            summary.predicted += arrangement.predicted_saving
            summary.realised += arrangement.realised_saving
    return list(summaries.values())

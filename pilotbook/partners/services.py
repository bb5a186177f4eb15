"""Writes to partner records. Views, imports and the demo loader all come through these functions.

Each is one transaction. Imports write every record or none: a file with any bad record changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council, User
from pilotbook.pilots.models import Pilot

from . import placement
from .choices import STAGE_ORDER, Source, Stage
from .models import Arrangement, Location, Partner, Partnership, PartnershipReview, Sector, Shape, Touchpoint
from .records import LocationRecord, Parsed, PartnerRecord, RecordError

SOURCES = {"open_referral": Source.OPEN_REFERRAL, "csv": Source.CSV, "osm": Source.OSM}
# Council-added sectors take the next unused colour and shape from these.
EXTRA_COLOURS = ["#5694ca", "#0f7a52", "#a0522d", "#6a5acd", "#8b008b", "#2f4f4f"]


@dataclass
class ImportReport:
    format: str
    created: int = 0
    updated: int = 0
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)  # written anyway: outside the area, or no location
    area_checked: bool = True  # False: Pilotbook has no outline for the council, so locations were not checked

    @property
    def ok(self) -> bool:
        return not self.errors


def sectors_load() -> None:
    """(Re)load the maintained list of sectors; data migration 0002 does the same on a new database."""
    from .sectors import MAINTAINED_SECTORS

    for slug, name, colour, shape, groups, keywords in MAINTAINED_SECTORS:
        Sector.objects.update_or_create(council=None, slug=slug, defaults={
            "name": name, "colour": colour, "shape": shape, "typical_groups": groups, "keywords": keywords})


def partners_import(*, council: Council, parsed: Parsed, default_sector: Sector | None = None) -> ImportReport:
    """Write parsed records for a council: match on identifier, OpenStreetMap id or Open Referral id (or the
    name when a record has none of them), update what matches, create the rest. Any error: nothing changes."""
    report = ImportReport(format=parsed.format, errors=list(parsed.errors), skipped=list(parsed.skipped),
                          notes=list(parsed.notes))
    sectors = _sector_lookup(council)
    resolved: list[tuple[PartnerRecord, Sector | None]] = []
    seen: dict[tuple[str, object], str] = {}
    for record in parsed.records:
        problems = record.problems()
        sector = sectors.get(record.sector.strip().lower()) if record.sector else default_sector
        if sector is None and record.sector:
            problems.append(_("%(sector)s is not a sector (see the list on the import page)") % {
                "sector": record.sector})
        elif sector is None and parsed.format == "osm":
            continue  # already listed in `skipped` by the importer: a place with no sector and no default given
        elif sector is None:
            problems.append(_("it has no sector: give one (for Open Referral UK, a %(taxonomy)s attribute), or "
                              "choose a sector for records that do not say") % {"taxonomy": "pilotbook:sector"})
        key = record.match_keys()[0]
        if key in seen:
            problems.append(_("it is the same organisation as %(other)s") % {"other": seen[key]})
        seen[key] = record.label
        report.errors += [RecordError(record.label, problem) for problem in problems]
        resolved.append((record, sector))
    if report.errors:
        return report
    written = []
    try:
        with transaction.atomic():
            for record, sector in resolved:
                assert sector is not None  # a record without one was an error above, and then nothing is written
                partner, created = _write(council, record, sector, SOURCES[parsed.format])
                written.append((record.label, partner))
                report.created += created
                report.updated += not created
    except ValidationError as error:  # a rule the checks above missed: named, and nothing was written
        report.created = report.updated = 0
        report.errors.append(RecordError(record.label, "; ".join(error.messages)))
        return report
    report.warnings = placement.import_warnings(council=council, written=written)
    report.area_checked = placement.area_checked(council)
    return report


def _sector_lookup(council: Council) -> dict[str, Sector]:
    lookup = {}
    for sector in Sector.objects.for_council(council):
        lookup[sector.slug.lower()] = lookup[sector.name.lower()] = sector
    return lookup


def _find(council: Council, record: PartnerRecord) -> Partner | None:
    for name, value in record.match_keys():
        found = Partner.objects.filter(council=council, **{name: value}).first()
        if found:
            return found
    return None


def _write(council: Council, record: PartnerRecord, sector: Sector, source: str) -> tuple[Partner, bool]:
    found = _find(council, record)
    created = found is None
    partner = Partner(council=council, source=source) if found is None else found
    partner.name, partner.sector = record.name.strip(), sector
    for name in ("identifier", "osm_id", "oruk_id", "alternate_name", "description", "email", "website",
                 "visits_homes", "can_refer", "referral_route", "attribution"):
        value = getattr(record, name)
        if value not in (None, "") or created:
            if value is None:  # a column's default (these are the partner's own columns, never a relation)
                value = cast("Field[Any, Any]", Partner._meta.get_field(name)).get_default()
            setattr(partner, name, value)
    partner.full_clean(exclude=["identifier", "email", "website"])  # those were checked by record.problems()
    partner.save()
    if record.locations:
        _replace_locations(partner, record.locations)
    if record.touchpoints is not None:
        touchpoints_set(partner=partner, touchpoints=record.touchpoints)
    return partner, created


def _replace_locations(partner: Partner, locations: list[LocationRecord]) -> None:
    partner.locations.all().delete()
    Location.objects.bulk_create([  # lengths were checked by PartnerRecord.problems(), so nothing is cut short
        Location(partner=partner, latitude=loc.latitude, longitude=loc.longitude, name=loc.name,
                 address_1=loc.address_1, city=loc.city, postal_code=loc.postal_code,
                 **({"oruk_id": loc.oruk_id} if loc.oruk_id else {}))
        for loc in locations
    ])


def touchpoints_set(*, partner: Partner, touchpoints: dict[str, str]) -> None:
    partner.touchpoints.all().delete()
    Touchpoint.objects.bulk_create([Touchpoint(partner=partner, group=g, frequency=f) for g, f in touchpoints.items()])


@transaction.atomic
def partner_save(*, council: Council, partner: Partner | None = None, location: dict[str, Any], groups: list[str],
                 frequency: str, **fields: Any) -> Partner:
    """Create or change a partner from the form: its details, one location and the groups it meets."""
    partner = partner or Partner(council=council)
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    existing = partner.locations.first()
    if existing:
        for name, value in location.items():
            setattr(existing, name, value)
        existing.save()
    else:
        Location.objects.create(partner=partner, **location)
    touchpoints_set(partner=partner, touchpoints=dict.fromkeys(groups, frequency))
    return partner


@transaction.atomic
def sector_create(*, council: Council, name: str, typical_groups: list[str]) -> Sector:
    """A council's own sector, with the next colour and shape not used by its other added sectors."""
    used = Sector.objects.filter(council=council).count()
    shapes = list(Shape.values)
    return Sector.objects.create(
        council=council, name=name, slug=_free_slug(council, name), typical_groups=typical_groups,
        colour=EXTRA_COLOURS[used % len(EXTRA_COLOURS)], shape=shapes[used % len(shapes)],
    )


def _free_slug(council: Council, name: str) -> str:
    base = slugify(name)[:50] or "sector"
    slug, n = base, 2
    while Sector.objects.filter(Q(council=council) | Q(council__isnull=True), slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def partnership_create(*, partner: Partner, topic: str, owner: User | None = None, next_step: str = "",
                       next_step_date: dt.date | None = None, stage: str = Stage.IDENTIFIED) -> Partnership:
    return Partnership.objects.create(partner=partner, topic=topic, owner=owner, next_step=next_step,
                                      next_step_date=next_step_date, stage=stage)


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


@transaction.atomic
def partnership_move(*, partnership: Partnership, stage: str, owner: User | None = None, next_step: str | None = None,
                     next_step_date: dt.date | None = None, pilots: Iterable[Pilot] | None = None) -> Partnership:
    """Move a partnership to any stage (forwards, back, or straight to ended) and record its next step."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if stage != partnership.stage:
        partnership.stage, partnership.stage_changed_at = stage, timezone.now()
    if owner is not None:
        partnership.owner = owner
    if next_step is not None:
        partnership.next_step, partnership.next_step_date = next_step, next_step_date
    partnership.save()
    if pilots is not None:
        partnership.pilots.set(pilots)
    return partnership


@transaction.atomic
def partnership_review(*, partnership: Partnership, user: User, achieved: str, would_repeat: str, lessons: str = "",
                       pilots: Iterable[Pilot] | None = None) -> PartnershipReview:
    """Record the review; a partnership not yet reviewed or ended moves to reviewed."""
    review, _created = PartnershipReview.objects.update_or_create(
        partnership=partnership,
        defaults={"achieved": achieved, "would_repeat": would_repeat, "lessons": lessons, "reviewed_by": user})
    if pilots is not None:
        partnership.pilots.set(pilots)
    if partnership.stage not in (Stage.REVIEWED, Stage.ENDED):
        partnership_move(partnership=partnership, stage=Stage.REVIEWED)
    return review


@transaction.atomic
def arrangement_save(*, council: Council, arrangement: Arrangement | None = None, councils: Iterable[Council] = (),
                     **fields: Any) -> Arrangement:
    arrangement = arrangement or Arrangement(council=council)
    for name, value in fields.items():
        setattr(arrangement, name, value)
    arrangement.full_clean()
    arrangement.save()
    arrangement.councils.set([c for c in councils if c.pk != council.pk])
    return arrangement


def money(value: Decimal | str | int | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)

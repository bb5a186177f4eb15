"""Whether partners' locations are in their council's area, and which partners have no location to map.

Warnings, never refusals: a partner may rightly sit just over the border (a hospital serving the district), so
the form, every import and the map page say what looks wrong and how to fix it, and write the record anyway.
A location counts as inside when it is within MARGIN_M of the council's outline: the outlines are generalised
to 200 m and clipped at the coastline (pilotbook/councils/data/README.md). A council Pilotbook has no outline for
is never warned about; each place says the check could not be made instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from pilotbook.councils.boundaries import boundary

from .models import Location, Partner
from .records import RecordError

MARGIN_M = 500.0
OUTSIDE_LISTED = 100  # the map page lists this many locations outside the area, and counts the rest


def outside_area(council, points: Sequence[tuple[float, float]]) -> list[bool] | None:
    """For each (latitude, longitude), whether it is outside the council's area; None when there is no outline."""
    found = boundary(council.code)
    if found is None:
        return None
    if not points:
        return []
    latitudes, longitudes = zip(*points, strict=True)
    return [not inside for inside in found.outline.contains_points(latitudes, longitudes, MARGIN_M)]


def area_checked(council) -> bool:
    return boundary(council.code) is not None


def location_warning(council, latitude: float, longitude: float) -> str:
    """A sentence for the partner form and page when a location is outside the council's area, else ""."""
    outside = outside_area(council, [(latitude, longitude)])
    if not outside or not outside[0]:
        return ""
    return _("Latitude %(lat)s, longitude %(lon)s is outside %(council)s's area. Check the latitude and "
             "longitude: are they swapped, or mistyped, or is this another council's partner?") % {
        "lat": _coordinate(latitude), "lon": _coordinate(longitude), "council": council.name}


def import_warnings(*, council, written: Iterable[tuple[str, Partner]]) -> list[RecordError]:
    """Warnings for the partners an import has just written, given as (the record's label, the partner), in the
    file's order: each location outside the council's area, and each partner left with no location (it cannot be
    on the map). Each is labelled by its record and the partner's name. The locations are read in one query."""
    labels = {partner.pk: label if partner.name in label else f"{label} ({partner.name})"
              for label, partner in written}
    rows = [row for row in Location.objects.filter(partner__council=council).order_by("pk")
            .values_list("partner_id", "latitude", "longitude", "name") if row[0] in labels]
    outside = outside_area(council, [(lat, lon) for _partner, lat, lon, _name in rows]) or [False] * len(rows)
    found: dict[int, list[str]] = {partner_id: [] for partner_id in labels}
    located = set()
    for (partner_id, lat, lon, name), out in zip(rows, outside, strict=True):
        located.add(partner_id)
        if out:
            where = {"lat": _coordinate(lat), "lon": _coordinate(lon), "council": council.name, "place": name}
            found[partner_id].append(
                _("its location %(place)s, latitude %(lat)s, longitude %(lon)s, is outside %(council)s's area: "
                  "check the latitude and longitude") % where if name else
                _("its location at latitude %(lat)s, longitude %(lon)s is outside %(council)s's area: check the "
                  "latitude and longitude") % where)
    for partner_id in labels:
        if partner_id not in located:
            found[partner_id].append(_("it has no latitude and longitude, so it is not on the map: add them to "
                                       "show it there"))
    return [RecordError(labels[partner_id], message) for partner_id, messages in found.items()
            for message in messages]


@dataclass
class OutsideLocation:
    partner_id: int
    partner_name: str
    place: str  # the location's name, postcode or town
    latitude: float
    longitude: float


@dataclass
class LocationProblems:
    """What the map page says about the council's partners' locations (all of them, whatever the filters)."""

    checked: bool  # False: Pilotbook has no outline for the council, so nothing could be checked
    outside: list[OutsideLocation] = field(default_factory=list)  # the first OUTSIDE_LISTED, by partner name
    outside_count: int = 0
    without_location: int = 0


def location_problems(council) -> LocationProblems:
    rows = list(Location.objects.filter(partner__council=council).order_by("partner__name", "partner_id", "pk")
                .values_list("partner_id", "partner__name", "name", "postal_code", "city", "latitude", "longitude"))
    outside = outside_area(council, [(row[5], row[6]) for row in rows])
    problems = LocationProblems(checked=outside is not None)
    problems.without_location = (Partner.objects.filter(council=council)
                                 .exclude(Exists(Location.objects.filter(partner=OuterRef("pk")))).count())
    for (partner_id, partner_name, name, postcode, city, lat, lon), out in zip(rows, outside or [], strict=False):
        if out:
            problems.outside_count += 1
            if len(problems.outside) < OUTSIDE_LISTED:
                problems.outside.append(OutsideLocation(partner_id, partner_name, name or postcode or city, lat, lon))
    return problems


def _coordinate(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")

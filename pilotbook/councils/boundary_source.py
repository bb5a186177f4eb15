"""Building the vendored council outlines (data/council_boundaries.geojson) from ONS's UK TopoJSON.

Run through `pilotbook build_boundaries` (data/README.md says where the source files come from). Each current
council in mySociety's list is matched to an area of the source by GSS code: its own code first, then its former
codes; a code the source has retired with a plain change of code (Barnsley's E08000016 became E08000038 in 2025)
is followed to its new code; the Greater London Authority, whose GSS code is not an area code, takes the London
region (ALIASES). When the source holds the code as more than one kind of area (a unitary authority is both a
lower and an upper tier), the current one of the first kind in LAYERS is used. The source's shared borders (arcs)
are simplified once, before they are joined into each council's rings, so neighbouring outlines still meet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import geometry

LAYERS = ("ltla", "utla", "cty", "cauth", "rgn")  # lower tier, upper tier, county, combined authority, region
ALIASES = {"E61000001": "E12000007"}  # Greater London Authority -> the London region, which is its area
TOLERANCE_M = 50.0  # Douglas-Peucker tolerance: a quarter of the source's own 200 m generalisation
DECIMALS = 4  # about 10 m, the source's own quantisation
SOURCE = {
    "repository": "https://github.com/ONSvisual/uk-topojson",
    "commit": "b2fde50cb130908b897de10b65cdc392f9b4ff78",
    "paths": ["output/topo.json", "input/changes.csv"],
    "boundaries": "ONS local authority district boundaries, 2016, super generalised (200 m), clipped to the "
                  "coastline; districts joined into the areas of 2025 by the source's own scripts",
}


@dataclass
class Area:
    code: str
    name: str
    layer: str
    geometry: dict  # the TopoJSON geometry (arcs by index)
    end: int | None = None  # the last year the area existed, when the source says it has ended


@dataclass
class Match:
    area: Area
    note: str = ""


@dataclass
class Built:
    features: list[dict] = field(default_factory=list)
    unmatched: dict[str, str] = field(default_factory=dict)  # council code -> why it has no outline


def read_areas(topology: dict) -> dict[str, list[Area]]:
    """The source's areas by GSS code (a code may be several kinds of area, or one that has ended)."""
    areas: dict[str, list[Area]] = {}
    for layer in LAYERS:
        for item in topology["objects"].get(layer, {}).get("geometries", []):
            properties = item.get("properties") or {}
            if item.get("type") not in ("Polygon", "MultiPolygon") or not properties.get("areacd"):
                continue
            areas.setdefault(properties["areacd"], []).append(
                Area(properties["areacd"], properties.get("areanm", ""), layer, item, properties.get("end")))
    return areas


def read_new_codes(changes_csv: str) -> dict[str, str]:
    """The source's changes of code alone (same area, new code): old code -> new code."""
    reader = csv.DictReader(io.StringIO(changes_csv.lstrip("\ufeff")))
    return {row["oldcd"]: row["newcd"] for row in reader if row.get("type") == "new_code" and row.get("newcd")}


def match_council(gss_code: str, former_codes: Iterable[str], areas: dict[str, list[Area]],
                  new_codes: dict[str, str]) -> Match | None:
    """The source's area for a council with these GSS codes, or None."""
    for code in [gss_code, *former_codes]:
        code = ALIASES.get(code, code)
        seen = {code}
        while not _current(areas.get(code, [])) and code in new_codes and new_codes[code] not in seen:
            code = new_codes[code]
            seen.add(code)
        found = areas.get(code, [])
        current = _current(found)
        if current:
            return Match(current[0])
        if found:
            latest = max(found, key=lambda area: (area.end or 0, -LAYERS.index(area.layer)))
            return Match(latest, note=f"the source ends {latest.code} after {latest.end}: the outline is its area "
                                      "then")
    return None


def _current(found: list[Area]) -> list[Area]:
    return sorted((area for area in found if area.end is None), key=lambda area: LAYERS.index(area.layer))


def current_councils(councils_csv: str) -> list[dict]:
    """mySociety's rows for the councils it marks as current."""
    return [row for row in csv.DictReader(io.StringIO(councils_csv)) if row["current-authority"] == "True"]


def former_codes(row: dict) -> list[str]:
    return [code.strip() for code in row.get("former-gss-codes", "").split(",") if code.strip()]


def build(topology: dict, changes_csv: str, councils_csv: str, tolerance_m: float = TOLERANCE_M) -> Built:
    areas = read_areas(topology)
    new_codes = read_new_codes(changes_csv)
    arcs = [geometry.simplify_arc(arc, tolerance_m) for arc in geometry.topojson_arcs(topology)]
    built = Built()
    for row in current_councils(councils_csv):
        code = row["local-authority-code"]
        match = match_council(row["gss-code"], former_codes(row), areas, new_codes)
        if match is None:
            built.unmatched[code] = f"the source has no area with GSS code {row['gss-code'] or '(none)'}"
            continue
        polygons = _polygons(geometry.topojson_polygons(match.area.geometry, arcs))
        properties = {"code": code, "name": row["nice-name"] or row["official-name"], "gss_code": row["gss-code"],
                      "area_code": match.area.code, "area_name": match.area.name, "area_kind": match.area.layer}
        if match.note:
            properties["note"] = match.note
        built.features.append({"type": "Feature", "id": code, "properties": properties,
                               "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    built.features.sort(key=lambda feature: feature["id"])
    return built


def feature_collection(built: Built, attribution: list[str], tolerance_m: float = TOLERANCE_M) -> dict:
    return {
        "type": "FeatureCollection",
        "source": {**SOURCE, "simplified_m": tolerance_m, "decimals": DECIMALS},
        "attribution": attribution,
        "without_outline": dict(sorted(built.unmatched.items())),
        "features": built.features,
    }


def dumps(collection: dict) -> str:
    """Compact JSON, one feature a line: small, and a change to one council shows as one line in a diff."""
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(feature, separators=(",", ":"), ensure_ascii=False) for feature in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n"features":[\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def _polygons(polygons: list[geometry.Polygon]) -> list[list[list[list[float]]]]:
    """Rounded and wound as GeoJSON wants; a ring that rounding shrinks below three corners (a speck of an island)
    is dropped, and a polygon whose outer ring is dropped goes with it."""
    kept = []
    for polygon in polygons:
        rings = [_rounded(_counter_clockwise(ring, outer=index == 0)) for index, ring in enumerate(polygon)]
        if len(rings[0]) >= 4:
            kept.append([ring for ring in rings if len(ring) >= 4])
    return kept


def _rounded(ring: geometry.Ring) -> list[list[float]]:
    rounded: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    return rounded


def _counter_clockwise(ring: geometry.Ring, outer: bool) -> geometry.Ring:
    """GeoJSON (RFC 7946) winds outer rings counter-clockwise and holes clockwise; TopoJSON's are the reverse."""
    twice_area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))
    return list(reversed(ring)) if (twice_area > 0) != outer else list(ring)

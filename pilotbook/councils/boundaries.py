"""Council outlines: ONS boundaries vendored in data/council_boundaries.geojson (see data/README.md), keyed by
council code. Read once per process; each council's outline is served as its own small GeoJSON Feature
(views.council_outline) and tested against partners' locations (pilotbook.partners.placement).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .geometry import Outline

BOUNDARIES_FILE = Path(__file__).parent / "data" / "council_boundaries.geojson"
# ONS's attribution statement for its digital boundaries, with the year of the boundaries used (2016).
ATTRIBUTION = [
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
    "Contains OS data © Crown copyright and database right 2016",
]
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class CouncilBoundary:
    code: str
    area_name: str
    outline: Outline
    feature_json: bytes  # the GeoJSON Feature served for the map, with the attribution in its properties


@dataclass(frozen=True)
class Boundaries:
    by_code: dict[str, dict]  # council code -> GeoJSON Feature
    without_outline: dict[str, str]  # current councils the source has no area for, and why
    version: str  # a digest of the file, for ETags


@cache
def load(path: Path = BOUNDARIES_FILE) -> Boundaries:
    data = path.read_bytes()
    collection = json.loads(data)
    return Boundaries(
        by_code={feature["id"]: feature for feature in collection["features"]},
        without_outline=collection.get("without_outline", {}),
        version=hashlib.sha256(data).hexdigest()[:16],
    )


def boundary(code: str) -> CouncilBoundary | None:
    """The council's outline, or None when Pilotbook has none for it (an unknown or former council)."""
    code = code.upper()
    return _boundary(code) if code in load().by_code else None


@cache  # one entry per council in the file at most: unknown codes never reach it
def _boundary(code: str) -> CouncilBoundary:
    feature = load().by_code[code]
    served = {**feature, "properties": {**feature["properties"], "attribution": " ".join(
        f"{line}." for line in ATTRIBUTION)}}
    return CouncilBoundary(
        code=feature["id"], area_name=feature["properties"].get("area_name", ""),
        outline=Outline(feature["geometry"]["coordinates"]),
        feature_json=json.dumps(served, separators=(",", ":"), ensure_ascii=False).encode(),
    )


def has_outline(code: str) -> bool:
    return code.upper() in load().by_code

"""Reading partner files: Open Referral UK v3 JSON (organizations, services, services at locations, or an API
page of them), Pilotbook's CSV template, and OpenStreetMap data (GeoJSON from overpass turbo or osmtogeojson, or
Overpass API JSON with `out center`, `out bb` or `out geom`). Nothing here writes to the database. One
module per format (`open_referral`, `csv_template`, `openstreetmap`), on the small readers in `fields`.

`parse(data, filename)` recognises the format from the content and returns a Parsed: records, per-record
errors and skipped features. The file is read by pilotbook.reading (UTF-8, no NUL, JSON nested at most 64 deep,
CSV cells within the csv module's limit) and every value is type-checked as it is read: a list where an object
belongs, or an object where text belongs, is an error naming the record and the field (such as
`attributes[0].taxonomy_term must be an object, not text`), never a crash and never silently skipped.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pilotbook.partners.records import Parsed
from pilotbook.reading import Unreadable, decode_text, load_json

from .csv_template import CSV_COLUMNS, CSV_REQUIRED, parse_csv
from .fields import UnreadableFile
from .open_referral import ORUK_GROUP, ORUK_SECTOR, ORUK_TAXONOMIES, ORUK_TOUCHPOINT, parse_open_referral
from .openstreetmap import OSM_TAG_SECTORS, osm_sector, parse_geojson, parse_overpass

__all__ = ["CSV_COLUMNS", "CSV_REQUIRED", "ORUK_GROUP", "ORUK_SECTOR", "ORUK_TAXONOMIES", "ORUK_TOUCHPOINT",
           "OSM_TAG_SECTORS", "UnreadableFile", "osm_sector", "parse", "parse_csv", "parse_geojson",
           "parse_open_referral", "parse_overpass"]


def parse(data: bytes, filename: str = "") -> Parsed:
    try:
        text = decode_text(data)
        if filename.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
            return parse_csv(text)
        document = load_json(text)
    except Unreadable as problem:
        raise UnreadableFile(_("The file cannot be read: %(problem)s.") % {"problem": problem}) from None
    if isinstance(document, dict) and "elements" in document:
        return parse_overpass(document)
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return parse_geojson(document)
    return parse_open_referral(document)


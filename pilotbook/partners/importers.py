"""Reading partner files: Open Referral UK v3 JSON, Pilotbook's CSV template, and OpenStreetMap data
(GeoJSON from overpass turbo or osmtogeojson, or Overpass API JSON). Nothing here writes to the database.

`parse(data, filename)` recognises the format from the content and returns a Parsed: records, per-record
errors and skipped features.
"""

from __future__ import annotations

import csv
import io
import json
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from .choices import Frequency, ResidentGroup
from .orgid import validate_org_id
from .records import LocationRecord, Parsed, PartnerRecord

# The CSV template's columns, in order (also the CSV export's, so an export imports back unchanged).
CSV_COLUMNS = [
    "identifier", "name", "sector", "description", "website", "email", "location_name", "address", "town",
    "postcode", "latitude", "longitude", "resident_groups", "contact_frequency", "visits_homes", "can_refer",
    "referral_route", "osm_id", "open_referral_id",
]
CSV_REQUIRED = {"name", "sector", "latitude", "longitude"}

# OpenStreetMap tags -> sector slug, first match wins. Values of None match any value of the key.
OSM_TAG_SECTORS: list[tuple[str, str | None, str]] = [
    ("amenity", "pharmacy", "pharmacies"),
    ("healthcare", "pharmacy", "pharmacies"),
    ("shop", "chemist", "pharmacies"),
    ("amenity", "doctors", "gp-surgeries"),
    ("healthcare", "doctor", "gp-surgeries"),
    ("amenity", "post_office", "post-delivery"),
    ("amenity", "post_depot", "post-delivery"),
    ("highway", "bus_stop", "bus-transport"),
    ("amenity", "bus_station", "bus-transport"),
    ("public_transport", "station", "bus-transport"),
    ("amenity", "recycling", "waste-street-cleaning"),
    ("amenity", "waste_transfer_station", "waste-street-cleaning"),
    ("amenity", "waste_disposal", "waste-street-cleaning"),
    ("amenity", "fire_station", "fire-rescue"),
    ("amenity", "police", "police"),
    ("amenity", "library", "libraries"),
    ("amenity", "school", "schools"),
    ("amenity", "place_of_worship", "faith-groups"),
    ("office", "employment_agency", "job-centres"),
    ("amenity", "social_facility", "voluntary-community"),
    ("amenity", "community_centre", "voluntary-community"),
    ("office", "charity", "voluntary-community"),
    ("office", "ngo", "voluntary-community"),
    ("shop", None, "retailers"),
]
# OSM keys holding registry numbers -> org-id prefix.
OSM_ID_TAGS = {"ref:GB:nhs": "GB-NHS", "ref:edubase": "GB-EDU", "ref:GB:charity": "GB-CHC"}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnreadableFile(Exception):
    """The whole file could not be read (not JSON, not UTF-8, not a format Pilotbook knows)."""


def parse(data: bytes, filename: str = "") -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not UTF-8 text. Save it as CSV UTF-8 or JSON and try again.")) from None
    if filename.lower().endswith(".csv") or not text.lstrip().startswith(("{", "[")):
        return parse_csv(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(_("The file is not valid JSON (line %(line)s: %(msg)s).")
                             % {"line": exc.lineno, "msg": exc.msg}) from None
    if isinstance(document, dict) and isinstance(document.get("elements"), list):
        return parse_overpass(document)
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return parse_geojson(document)
    return parse_open_referral(document)


# Open Referral UK v3 ---------------------------------------------------------------------------------------

ORUK_SECTOR = "pilotbook:sector"
ORUK_GROUP = "pilotbook:resident-group"
ORUK_TOUCHPOINT = "pilotbook:touchpoint"


def parse_open_referral(document) -> Parsed:
    """A list of organizations, one organization, or an API page ({"contents": [...]})."""
    if isinstance(document, dict):
        document = document["contents"] if isinstance(document.get("contents"), list) else [document]
    parsed = Parsed(format="open_referral")
    if not isinstance(document, list):
        raise UnreadableFile(_("The JSON is not a list of Open Referral UK organizations."))
    for number, org in enumerate(document, 1):
        label = _("organization %(n)s") % {"n": number}
        if not isinstance(org, dict):
            parsed.error(label, _("it is not an organization object"))
            continue
        if org.get("name"):
            label = f"{label} ({str(org['name'])[:60]})"
        try:
            parsed.records.append(_oruk_record(org, label))
        except ValueError as exc:
            parsed.error(label, str(exc))
    return parsed


def _oruk_record(org: dict, label: str) -> PartnerRecord:
    record = PartnerRecord(
        label=label, name=_text(org.get("name")), alternate_name=_text(org.get("alternate_name")),
        description=_text(org.get("description")), email=_text(org.get("email")),
        website=_text(org.get("website") or org.get("url")), oruk_id=_uuid(org.get("id")),
        identifier=_oruk_identifier(org.get("organization_identifiers") or []),
    )
    attributes = [a for a in org.get("attributes") or [] if isinstance(a, dict)]
    groups = {}
    for attribute in attributes:
        term = attribute.get("taxonomy_term") or {}
        taxonomy, code, value = term.get("taxonomy"), _text(term.get("code")), _text(attribute.get("value"))
        if taxonomy == ORUK_SECTOR:
            record.sector = code
        elif taxonomy == ORUK_GROUP:
            groups[code] = value or Frequency.OCCASIONALLY
        elif taxonomy == ORUK_TOUCHPOINT and code in ("visits_homes", "can_refer"):
            setattr(record, code, value.lower() in TRUE_WORDS)
        elif taxonomy == ORUK_TOUCHPOINT and code == "referral_route":
            record.referral_route = value
    if groups:
        record.touchpoints = groups
    for location in org.get("locations") or []:
        if isinstance(location, dict) and location.get("location_type", "physical") != "virtual":
            record.locations.append(_oruk_location(location))
    return record


def _oruk_identifier(identifiers: list) -> str:
    """The first identifier in an org-id scheme (GB-CHC, GB-COH...), as one string."""
    for item in identifiers:
        if isinstance(item, dict) and _text(item.get("identifier_scheme")).upper().startswith(("GB-", "XI-")):
            return f"{_text(item['identifier_scheme'])}-{_text(item.get('identifier'))}"
    return ""


def _oruk_location(location: dict) -> LocationRecord:
    if location.get("latitude") is None or location.get("longitude") is None:
        raise ValueError(_("location %(name)s has no latitude and longitude")
                         % {"name": location.get("name") or location.get("id") or ""})
    addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    return LocationRecord(
        latitude=_number(location["latitude"], "latitude"), longitude=_number(location["longitude"], "longitude"),
        name=_text(location.get("name")), address_1=_text(address.get("address_1")),
        city=_text(address.get("city")), postal_code=_text(address.get("postal_code")),
        oruk_id=_uuid(location.get("id")),
    )


# Pilotbook CSV template ------------------------------------------------------------------------------------

def parse_csv(text: str) -> Parsed:
    """One row per location; rows with the same identifier (or, without one, the same name) are one partner."""
    parsed = Parsed(format="csv")
    reader = csv.DictReader(io.StringIO(text))
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    missing = CSV_REQUIRED - headers
    if missing:
        raise UnreadableFile(_("The CSV is missing these columns: %(cols)s. Start from the template.")
                             % {"cols": ", ".join(sorted(missing))})
    by_key: dict[str, PartnerRecord] = {}
    for line, raw in enumerate(reader, 2):
        row = {(k or "").strip().lower(): _unneutralise(v or "") for k, v in raw.items() if k}
        label = _("line %(n)s") % {"n": line}
        try:
            location = _csv_location(row)
            key = (row.get("identifier") or row.get("osm_id") or row["name"]).strip().lower()
            if key in by_key:
                by_key[key].locations += [location] if location else []
                continue
            record = _csv_record(row, label)
        except ValueError as exc:
            parsed.error(label, str(exc))
            continue
        record.locations += [location] if location else []
        by_key[key] = record
        parsed.records.append(record)
    return parsed


def _csv_location(row: dict) -> LocationRecord | None:
    if not (row["latitude"].strip() or row["longitude"].strip()):
        return None  # a partner with no fixed place (a mobile service) is still a partner
    return LocationRecord(
        latitude=_number(row["latitude"], "latitude"), longitude=_number(row["longitude"], "longitude"),
        name=row.get("location_name", ""), address_1=row.get("address", ""), city=row.get("town", ""),
        postal_code=row.get("postcode", "").upper())


def _csv_record(row: dict, label: str) -> PartnerRecord:
    name = row["name"].strip()
    return PartnerRecord(
        label=f"{label} ({name[:60]})" if name else label, name=name, sector=row["sector"].strip(),
        identifier=row.get("identifier", ""), osm_id=row.get("osm_id", "").strip(),
        oruk_id=_uuid(row.get("open_referral_id")), description=row.get("description", ""),
        website=row.get("website", "").strip(), email=row.get("email", "").strip(),
        touchpoints=_csv_touchpoints(row.get("resident_groups", ""), row.get("contact_frequency", "")),
        visits_homes=_yes_no(row.get("visits_homes", ""), "visits_homes"),
        can_refer=_yes_no(row.get("can_refer", ""), "can_refer"), referral_route=row.get("referral_route", ""),
    )


_GROUP_NAMES = {str(label).lower(): value for value, label in ResidentGroup.choices}
_FREQUENCY_NAMES = {str(label).lower(): value for value, label in Frequency.choices}


def _csv_touchpoints(groups: str, frequency: str) -> dict[str, str]:
    """"older people; tenants" with a frequency column, or "older_people:weekly; tenants:monthly"."""
    default = _FREQUENCY_NAMES.get(frequency.strip().lower(), frequency.strip().lower() or Frequency.OCCASIONALLY)
    found = {}
    for item in filter(None, (part.strip() for part in groups.split(";"))):
        group, _sep, how = (part.strip().lower() for part in item.partition(":"))
        group = _GROUP_NAMES.get(group, group.replace(" ", "_"))
        found[group] = _FREQUENCY_NAMES.get(how, how) if how else default
    return found


def _unneutralise(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas ("'=cmd" -> "=cmd") so a round trip is exact."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2] else value


def _yes_no(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("%(col)s must be yes or no, not %(value)s") % {"col": column, "value": value})


# OpenStreetMap ---------------------------------------------------------------------------------------------

def parse_overpass(document: dict) -> Parsed:
    parsed = Parsed(format="osm")
    for element in document["elements"]:
        if not isinstance(element, dict) or element.get("type") not in ("node", "way", "relation"):
            continue
        osm_id = f"{element['type']}/{element.get('id')}"
        centre = element if "lat" in element else element.get("center") or {}
        tags = element.get("tags") or {}
        if not tags:
            continue  # untagged nodes are the corners of ways, not places
        if "lat" not in centre or "lon" not in centre:
            parsed.error(osm_id, _("it has no position: ask Overpass for `out center;` so ways have a centre"))
            continue
        _osm_add(parsed, osm_id, tags, centre["lat"], centre["lon"])
    return parsed


def parse_geojson(document: dict) -> Parsed:
    parsed = Parsed(format="osm")
    for number, feature in enumerate(document.get("features") or [], 1):
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") or {}
        osm_id = str(feature.get("id") or properties.get("@id") or properties.get("id") or "")
        if "/" not in osm_id:
            parsed.error(_("feature %(n)s") % {"n": number},
                         _("it has no OpenStreetMap id such as node/123 (export it from overpass turbo)"))
            continue
        tags = properties.get("tags") if isinstance(properties.get("tags"), dict) else {
            k: v for k, v in properties.items() if not k.startswith("@") and k != "id"}
        try:
            lat, lon = _centre(feature.get("geometry") or {})
        except (ValueError, TypeError, IndexError, KeyError):
            parsed.error(osm_id, _("its geometry has no usable coordinates"))
            continue
        _osm_add(parsed, osm_id, tags, lat, lon)
    return parsed


def _centre(geometry: dict) -> tuple[float, float]:
    kind, coords = geometry["type"], geometry["coordinates"]
    points = {"Point": lambda c: [c], "LineString": lambda c: c, "Polygon": lambda c: c[0],
              "MultiPolygon": lambda c: c[0][0]}[kind](coords)
    lon = sum(float(p[0]) for p in points) / len(points)
    lat = sum(float(p[1]) for p in points) / len(points)
    return lat, lon


def osm_sector(tags: dict) -> str:
    if "jobcentre" in str(tags.get("name", "")).lower().replace(" ", ""):
        return "job-centres"
    for key, value, slug in OSM_TAG_SECTORS:
        if key in tags and (value is None or tags[key] == value):
            return slug
    return ""


def _osm_add(parsed: Parsed, osm_id: str, tags: dict, lat, lon) -> None:
    tags = {str(k): str(v) for k, v in tags.items()}
    sector = osm_sector(tags)
    if not sector:
        what = ", ".join(f"{k}={v}" for k, v in list(tags.items())[:3])
        parsed.skipped.append(_("%(id)s (%(tags)s): no sector for these tags") % {"id": osm_id, "tags": what})
    try:
        location = LocationRecord(latitude=float(lat), longitude=float(lon), name=tags.get("name", ""),
                                  address_1=" ".join(filter(None, [tags.get("addr:housenumber"),
                                                                   tags.get("addr:street")])),
                                  city=tags.get("addr:city") or tags.get("addr:town", ""),
                                  postal_code=tags.get("addr:postcode", "").upper()[:10])
    except ValueError:
        parsed.error(osm_id, _("its position is not a number"))
        return
    parsed.records.append(PartnerRecord(
        label=osm_id, name=_osm_name(tags, osm_id), sector=sector, osm_id=osm_id,
        identifier=_valid_or_blank(validate_org_id, next(
            (f"{prefix}-{tags[key]}" for key, prefix in OSM_ID_TAGS.items() if tags.get(key)), "")),
        website=_valid_or_blank(URLValidator(schemes=["http", "https"]),
                                tags.get("website") or tags.get("contact:website", "")),
        email=_valid_or_blank(EmailValidator(), tags.get("email") or tags.get("contact:email", "")),
        locations=[location],
        description=tags.get("description", ""),
    ))


def _valid_or_blank(check, value: str) -> str:
    """OpenStreetMap tags are crowd-sourced: a malformed website or number is dropped, not an error."""
    try:
        check(value)
    except ValidationError:
        return ""
    return value


def _osm_name(tags: dict, osm_id: str) -> str:
    name = tags.get("name") or tags.get("brand") or tags.get("operator")
    if name:
        return name[:200]
    if tags.get("highway") == "bus_stop":
        return _("Bus stop %(ref)s") % {"ref": tags.get("naptan:AtcoCode") or tags.get("ref") or osm_id}
    kind = next((f"{k}={v}" for k, v in tags.items() if k in ("amenity", "shop", "office", "healthcare")), "")
    return f"{kind or _('Unnamed place')} ({osm_id})"


# Small readers ---------------------------------------------------------------------------------------------

def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, what: str) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError(_("%(what)s %(value)s is not a number") % {"what": what, "value": value}) from None


def _uuid(value) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValueError(_("id %(value)s is not a UUID") % {"value": value}) from None

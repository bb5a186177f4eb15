"""Reading partner files: Open Referral UK v3 JSON (organizations, services, services at locations, or an API
page of them), Pilotbook's CSV template, and OpenStreetMap data (GeoJSON from overpass turbo or osmtogeojson, or
Overpass API JSON with `out center`, `out bb` or `out geom`). Nothing here writes to the database.

`parse(data, filename)` recognises the format from the content and returns a Parsed: records, per-record
errors and skipped features. The file is read by pilotbook.reading (UTF-8, no NUL, JSON nested at most 64 deep,
CSV cells within the csv module's limit) and every value is type-checked as it is read: a list where an object
belongs, or an object where text belongs, is an error naming the record and the field (such as
`attributes[0].taxonomy_term must be an object, not text`), never a crash and never silently skipped.
"""

from __future__ import annotations

import csv
import io
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from pilotbook.reading import Unreadable, csv_line, csv_problem, csv_rows, decode_text, load_json
from pilotbook.web.spreadsheets import unneutralise

from .choices import Frequency, ResidentGroup
from .orgid import REGISTERS, validate_org_id
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


class UnreadableFile(Exception):
    """The whole file could not be read (not JSON, not UTF-8, not a format Pilotbook knows)."""


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


# Open Referral UK v3 ---------------------------------------------------------------------------------------

ORUK_SECTOR = "pilotbook:sector"
ORUK_GROUP = "pilotbook:resident-group"
ORUK_TOUCHPOINT = "pilotbook:touchpoint"
ORUK_TAXONOMIES = (ORUK_SECTOR, ORUK_GROUP, ORUK_TOUCHPOINT)


def parse_open_referral(document) -> Parsed:
    """Open Referral UK v3 as the specification publishes it: organizations (their places nested as
    services[].service_at_locations[].location), services (with their organization), services at locations
    (with the location and the service's organization), one of these or a list of them, or an API page of them
    ({"total_items": ..., "contents": [...]}). Pilotbook lists organisations, so each document becomes its
    organisation: services and services at locations of one organisation add their locations to it.

    Locations in an organization's own `locations` list (HSDS 3.0 without the UK profile, and Pilotbook exports
    before ADR 0012) are read too. A location document on its own says nothing of its organisation and is an
    error, as is a service or service at location without its organization."""
    parsed = Parsed(format="open_referral")
    if isinstance(document, dict) and "contents" in document:
        parsed.notes += _page_notes(document)
        document = document["contents"]
        if not isinstance(document, list):
            raise UnreadableFile(_("The file cannot be read: contents must be a list of Open Referral UK "
                                   "organizations, not %(kind)s.") % {"kind": _kind(document)})
    elif isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise UnreadableFile(_("The JSON is not a list of Open Referral UK organizations."))
    organisations = _Organisations(parsed)
    for number, item in enumerate(document, 1):
        if not isinstance(item, dict):
            parsed.error(_("item %(n)s") % {"n": number},
                         _("it is not an Open Referral UK organization, service or service at location object (it "
                           "is %(kind)s)") % {"kind": _kind(item)})
            continue
        kind = _oruk_kind(item)
        label = _labelled({"organization": _("organization %(n)s"), "service": _("service %(n)s"),
                           "service_at_location": _("service at location %(n)s"),
                           "location": _("location %(n)s")}[kind] % {"n": number}, item)
        try:
            if kind == "organization":
                organisations.add(_oruk_record(item, label), from_service=False)
            elif kind == "location":
                parsed.error(label, _("it is a location on its own, which does not say which organisation is "
                                      "there: import the organization with its services, or the services at "
                                      "locations (each with its service and organization)"))
            else:
                organisations.add(_oruk_from_service(item, kind, label), from_service=True)
        except ValueError as exc:
            parsed.error(label, str(exc))
    return parsed


def _oruk_kind(item: dict) -> str:
    """What an Open Referral UK document is: its kind is not written in it, but each has fields only it has."""
    if "location" in item or "service" in item or ("service_id" in item and "location_id" in item):
        return "service_at_location"
    if "services" not in item and any(key in item for key in ("organization", "organization_id", "status",
                                                                 "service_at_locations")):
        return "service"
    if "location_type" in item or "latitude" in item or "longitude" in item or "addresses" in item:
        return "location"
    return "organization"


def _labelled(label: str, item: dict) -> str:
    name = item.get("name")
    return f"{label} ({name.strip()[:60]})" if isinstance(name, str) and name.strip() else label


def _page_notes(page: dict) -> list[str]:
    """An API page holds one page of a longer list: say so, so nobody takes page 1 for the whole list."""
    number, pages, total = (page.get(key) for key in ("page_number", "total_pages", "total_items"))
    counts = [value if isinstance(value, int) and not isinstance(value, bool) else None
              for value in (number, pages, total)]
    number, pages, total = counts
    if page.get("last_page") is False or (pages is not None and pages > 1):
        return [_("This file is page %(page)s of %(pages)s of an Open Referral UK list of %(total)s: only this "
                  "page's records were read. Import the other pages as well.")
                % {"page": number if number is not None else "?", "pages": pages if pages is not None else "?",
                   "total": total if total is not None else "?"}]
    return []


class _Organisations:
    """The records read so far, one per organisation: a service or service at location of an organisation
    already read adds its locations to it rather than becoming a second partner."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.by_key: dict[str, PartnerRecord] = {}
        self.from_services: set[str] = set()  # organisations known so far only from their services

    def add(self, record: PartnerRecord, *, from_service: bool) -> None:
        key = str(record.oruk_id) if record.oruk_id else record.name.strip().lower()
        existing = self.by_key.get(key) if key else None
        if existing is None:
            if key:
                self.by_key[key] = record
                if from_service:
                    self.from_services.add(key)
            self.parsed.records.append(record)
        elif from_service:
            _add_locations(existing, record.locations)
        elif key in self.from_services:  # the organisation's own document: its details win, the places add up
            _add_locations(record, existing.locations)
            index = next(i for i, found in enumerate(self.parsed.records) if found is existing)
            self.parsed.records[index] = self.by_key[key] = record
            self.from_services.discard(key)
        else:  # the same organisation twice: partners_import names the second
            self.parsed.records.append(record)


def _oruk_from_service(item: dict, kind: str, label: str) -> PartnerRecord:
    """The organisation of a service, or of a service at location, with the service's locations."""
    if kind == "service":
        service, where = item, ""
        organization_where = "organization"
    else:
        service, where = _object(item, "service"), "service"
        organization_where = "service.organization"
    organization = _object(service, "organization", where)
    if not organization:
        what = _("a service") if kind == "service" else _("a service at a location")
        raise ValueError(_("it is %(what)s without its organization (%(field)s): Pilotbook lists organisations, "
                           "never a service as one, so give the service's organization, or import the "
                           "organization with its services") % {"what": what, "field": organization_where})
    record = _oruk_record(organization, label, organization_where)
    places = _service_locations(service, where)
    if kind == "service_at_location":
        location = _object(item, "location")
        places = [("location", location)] + places if location else places
    _add_locations(record, _oruk_locations(places))
    return record


def _oruk_record(org: dict, label: str, where: str = "") -> PartnerRecord:
    record = PartnerRecord(
        label=label, name=_text(org, "name", where), alternate_name=_text(org, "alternate_name", where),
        description=_text(org, "description", where), email=_text(org, "email", where),
        website=_text(org, "website", where) or _text(org, "url", where), oruk_id=_uuid(_text(org, "id", where)),
        identifier=_oruk_identifier(_objects(org, "organization_identifiers", where)),
    )
    groups = {}
    for a_where, attribute in _objects(org, "attributes", where):
        term = _object(attribute, "taxonomy_term", a_where)
        t_where = f"{a_where}.taxonomy_term"
        taxonomy = _text(term, "taxonomy", t_where)
        if taxonomy not in ORUK_TAXONOMIES:
            continue  # another taxonomy's terms say nothing Pilotbook keeps
        # ORUK v3 writes the term in `term` and has no attribute value, so Pilotbook writes "older_people:weekly";
        # its exports before ADR 0012 wrote HSDS 3.0's taxonomy_term.code and attribute.value.
        code = _text(term, "term", t_where) or _text(term, "code", t_where)
        value = _text(attribute, "value", a_where)
        if taxonomy != ORUK_SECTOR and ":" in code:
            code, _sep, value = code.partition(":")
        if taxonomy == ORUK_SECTOR:
            record.sector = code
        elif taxonomy == ORUK_GROUP:
            groups[code] = value or Frequency.OCCASIONALLY
        elif code in ("visits_homes", "can_refer"):
            setattr(record, code, _yes_no(value, code))
        elif code == "referral_route":
            record.referral_route = value or _text(term, "description", t_where)
    if groups:
        record.touchpoints = groups
    places = _objects(org, "locations", where)
    for s_where, service in _objects(org, "services", where):
        places += _service_locations(service, s_where)
    _add_locations(record, _oruk_locations(places))
    return record


def _service_locations(service: dict, where: str) -> list[tuple[str, dict]]:
    places = []
    for sal_where, at_location in _objects(service, "service_at_locations", where):
        location = _object(at_location, "location", sal_where)
        if location:
            places.append((f"{sal_where}.location", location))
    return places


def _oruk_locations(places: list[tuple[str, dict]]) -> list[LocationRecord]:
    """The places on the map: every location but virtual ones (a phone line, a website)."""
    return [_oruk_location(location, where) for where, location in places
            if (_text(location, "location_type", where) or "physical") != "virtual"]


def _add_locations(record: PartnerRecord, locations: list[LocationRecord]) -> None:
    """Add each location the record does not have yet: one location reached through several services is one."""
    def key(location: LocationRecord):
        return location.oruk_id or (location.latitude, location.longitude, location.name, location.address_1,
                                    location.postal_code)
    seen = {key(location) for location in record.locations}
    for location in locations:
        if key(location) not in seen:
            seen.add(key(location))
            record.locations.append(location)


def _oruk_identifier(identifiers: list[tuple[str, dict]]) -> str:
    """The first identifier in an org-id register Pilotbook knows (GB-CHC, GB-COH...), else the first in any
    org-id scheme (which is then named as unknown), as one string."""
    found = []
    for where, item in identifiers:
        scheme = _text(item, "identifier_scheme", where).upper()
        number = _text(item, "identifier", where)
        if scheme.startswith(("GB-", "XI-")) and number:
            found.append(f"{scheme}-{number}")
    known = [identifier for identifier in found if identifier.rpartition("-")[0] in REGISTERS]
    return (known or found or [""])[0]


def _oruk_location(location: dict, where: str) -> LocationRecord:
    if location.get("latitude") is None or location.get("longitude") is None:
        raise ValueError(_("location %(name)s has no latitude and longitude")
                         % {"name": _text(location, "name", where) or _text(location, "id", where) or where})
    addresses = _objects(location, "addresses", where)
    physical = [pair for pair in addresses if _text(pair[1], "address_type", pair[0]) in ("", "physical")]
    address_where, address = (physical or addresses)[0] if addresses else (where, {})
    return LocationRecord(
        latitude=_number(location["latitude"], f"{where}.latitude"),
        longitude=_number(location["longitude"], f"{where}.longitude"),
        name=_text(location, "name", where), address_1=_text(address, "address_1", address_where),
        city=_text(address, "city", address_where), postal_code=_text(address, "postal_code", address_where),
        oruk_id=_uuid(_text(location, "id", where)),
    )


# Pilotbook CSV template ------------------------------------------------------------------------------------

def parse_csv(text: str) -> Parsed:
    """One row per location; rows with the same identifier (or, without one, the same name) are one partner."""
    parsed = Parsed(format="csv")
    reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="": a file saved with bare CR line ends reads
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise Unreadable(csv_problem(error, csv_line(reader))) from None
    names = [(h or "").strip().lower() for h in fieldnames]
    headers = set(names)
    missing = CSV_REQUIRED - headers
    if missing:
        raise UnreadableFile(_("The CSV is missing these columns: %(cols)s. Start from the template.")
                             % {"cols": ", ".join(sorted(missing))})
    # A column Pilotbook does not read, or a second column of the same name, would be dropped without a word.
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise UnreadableFile(_("The CSV has more than one column called %(cols)s. Keep one of each.")
                             % {"cols": ", ".join(_short(n) for n in repeated)})
    unknown = [name for name in names if name and name not in CSV_COLUMNS]
    if unknown:
        raise UnreadableFile(_("The CSV has columns Pilotbook does not import: %(cols)s. Remove them, or rename "
                               "them to the template's columns: %(known)s.")
                             % {"cols": ", ".join(_short(n) for n in unknown[:10]), "known": ", ".join(CSV_COLUMNS)})
    by_key: dict[str, PartnerRecord] = {}
    for line, raw in enumerate(csv_rows(reader), 2):
        label = _("line %(n)s") % {"n": line}
        extra = [*(raw.get(None) or []), *[v for k, v in raw.items() if k is not None and not k.strip()]]
        if any((cell or "").strip() for cell in extra):  # cells past the last column, or under a column with no name
            parsed.error(label, _("it has a value in a column with no name, or more cells than the CSV has columns "
                                  "(%(n)s); is a comma missing quotes?") % {"n": len(names)})
            continue
        row = {(k or "").strip().lower(): unneutralise(v or "") for k, v in raw.items() if k}
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
        attribution=OSM_NOTICE if row.get("osm_id", "").strip() else "",  # a place from OpenStreetMap stays ODbL
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


def _yes_no(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("%(col)s must be yes or no, not %(value)s") % {"col": column, "value": value})


# OpenStreetMap ---------------------------------------------------------------------------------------------

# OpenStreetMap data is under the Open Database Licence: whoever shows it must say so. Overpass API output
# carries this notice in osm3s.copyright and overpass turbo's GeoJSON in copyright; a file without one (from
# osmtogeojson) gets the same words, since every record in it came from OpenStreetMap.
OSM_NOTICE = ("The data included in this document is from www.openstreetmap.org. The data is made available "
              "under ODbL.")
MAX_NOTICE = 500


def _osm_notice(container: dict, key: str, where: str = "") -> str:
    try:
        notice = _text(container, key, where)
    except ValueError as exc:
        raise UnreadableFile(_("The file cannot be read: %(problem)s.") % {"problem": exc}) from None
    if len(notice) > MAX_NOTICE:
        raise UnreadableFile(_("The file cannot be read: its copyright notice is longer than %(n)s characters.")
                             % {"n": MAX_NOTICE})
    return notice or OSM_NOTICE


def parse_overpass(document: dict) -> Parsed:
    """Overpass API JSON: nodes with their position; ways and relations with `out center` (a centre), `out bb`
    (bounds) or `out geom` (their geometry), each reduced to the centre of its bounds as `out center` gives."""
    parsed = Parsed(format="osm")
    elements = document["elements"]
    if not isinstance(elements, list):
        raise UnreadableFile(_("The file cannot be read: elements must be a list of OpenStreetMap elements, not "
                               "%(kind)s.") % {"kind": _kind(elements)})
    osm3s = document.get("osm3s")
    notice = _osm_notice(osm3s, "copyright", "osm3s") if isinstance(osm3s, dict) else OSM_NOTICE
    for number, element in enumerate(elements):
        where = f"elements[{number}]"
        if not isinstance(element, dict):
            parsed.error(where, _("it is not an OpenStreetMap element object (it is %(kind)s)")
                         % {"kind": _kind(element)})
            continue
        kind = element.get("type")
        if kind not in ("node", "way", "relation"):
            # Overpass also answers with areas and counts, which are not places.
            parsed.skipped.append(_("%(where)s: type %(type)s is not a place (node, way or relation)")
                                  % {"where": where, "type": _short(kind)})
            continue
        label = where
        try:
            label = osm_id = f"{kind}/{_text(element, 'id', where)}"
            tags = _object(element, "tags")
            if not tags:
                continue  # untagged nodes are the corners of ways, not places
            position = _osm_position(element)
            if position is None:
                parsed.error(osm_id, _("it has no position: ask Overpass for `out center;` (or `out geom;`) so "
                                       "ways and relations have one"))
                continue
            _osm_add(parsed, osm_id, _osm_tags(tags, "tags"), *position, notice=notice)
        except ValueError as exc:
            parsed.error(label, str(exc))
    return parsed


def _osm_position(element: dict) -> tuple[float, float] | None:
    """A node's position, or the centre of a way's or relation's bounds: given by Overpass (`out center`),
    from its bounds (`out bb`), or from the bounds of its geometry (`out geom`)."""
    if "lat" in element or "lon" in element:
        return _number(element.get("lat"), "lat"), _number(element.get("lon"), "lon")
    if element.get("center") is not None:
        centre = _object(element, "center")
        return _number(centre.get("lat"), "center.lat"), _number(centre.get("lon"), "center.lon")
    if element.get("bounds") is not None:
        bounds = _object(element, "bounds")
        south, west, north, east = (_number(bounds.get(key), f"bounds.{key}")
                                    for key in ("minlat", "minlon", "maxlat", "maxlon"))
        return (south + north) / 2, (west + east) / 2
    points = _geometry_points(element, "")
    if not points:
        return None
    latitudes, longitudes = [lat for lat, _lon in points], [lon for _lat, lon in points]
    return (min(latitudes) + max(latitudes)) / 2, (min(longitudes) + max(longitudes)) / 2


def _geometry_points(element: dict, where: str) -> list[tuple[float, float]]:
    """Every point of an `out geom` way (geometry) or relation (its members' geometry, or a member node's
    position). A point Overpass leaves null (outside the query's bounding box) is not a point."""
    field = f"{where}.geometry" if where else "geometry"
    geometry = element.get("geometry")
    if geometry is not None and not isinstance(geometry, list):
        raise _wrong(where, "geometry", _("a list"), geometry)
    points = []
    for number, point in enumerate(geometry or []):
        if point is None:
            continue
        if not isinstance(point, dict):
            raise _wrong("", f"{field}[{number}]", _("an object"), point)
        points.append((_number(point.get("lat"), f"{field}[{number}].lat"),
                       _number(point.get("lon"), f"{field}[{number}].lon")))
    for member_where, member in _objects(element, "members", where):
        if "lat" in member or "lon" in member:
            points.append((_number(member.get("lat"), f"{member_where}.lat"),
                           _number(member.get("lon"), f"{member_where}.lon")))
        else:
            points += _geometry_points(member, member_where)
    return points


def parse_geojson(document: dict) -> Parsed:
    parsed = Parsed(format="osm")
    features = document.get("features")
    if features is not None and not isinstance(features, list):
        raise UnreadableFile(_("The file cannot be read: features must be a list of GeoJSON features, not "
                               "%(kind)s.") % {"kind": _kind(features)})
    notice = _osm_notice(document, "copyright")
    for number, feature in enumerate(features or []):
        where = f"features[{number}]"
        if not isinstance(feature, dict):
            parsed.error(where, _("it is not a GeoJSON feature object (it is %(kind)s)") % {"kind": _kind(feature)})
            continue
        try:
            properties = _object(feature, "properties", where)
            osm_id = (_text(feature, "id", where) or _text(properties, "@id", f"{where}.properties")
                      or _text(properties, "id", f"{where}.properties"))
            if "/" not in osm_id:
                parsed.error(where, _("it has no OpenStreetMap id such as node/123 (export it from overpass "
                                      "turbo)"))
                continue
            if properties.get("tags") is not None:  # osmtogeojson's nested form
                tags = _osm_tags(_object(properties, "tags", f"{where}.properties"), f"{where}.properties.tags")
            else:  # overpass turbo's flat form: the tags are the properties
                tags = _osm_tags({k: v for k, v in properties.items() if not k.startswith("@") and k != "id"},
                                 f"{where}.properties")
        except ValueError as exc:
            parsed.error(where, str(exc))
            continue
        try:
            lat, lon = _centre(feature.get("geometry") or {})
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError):
            parsed.error(osm_id, _("its geometry has no usable coordinates"))
            continue
        _osm_add(parsed, osm_id, tags, lat, lon, notice=notice)
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


def _osm_tags(tags: dict, where: str) -> dict[str, str]:
    """OpenStreetMap tags as text; a tag whose value is a list, an object or true/false is an error."""
    return {str(key): _text(tags, key, where) for key in tags}


def _osm_add(parsed: Parsed, osm_id: str, tags: dict[str, str], lat: float, lon: float, *, notice: str) -> None:
    sector = osm_sector(tags)
    if not sector:
        what = ", ".join(f"{k}={v}" for k, v in list(tags.items())[:3])
        parsed.skipped.append(_("%(id)s (%(tags)s): no sector for these tags") % {"id": osm_id, "tags": what})
    location = LocationRecord(latitude=lat, longitude=lon, name=tags.get("name", "")[:200],
                              address_1=" ".join(filter(None, [tags.get("addr:housenumber"),
                                                               tags.get("addr:street")])),
                              city=tags.get("addr:city") or tags.get("addr:town", ""),
                              postal_code=tags.get("addr:postcode", "").upper()[:10])
    parsed.records.append(PartnerRecord(
        label=osm_id, name=_osm_name(tags, osm_id), sector=sector, osm_id=osm_id,
        identifier=_valid_or_blank(validate_org_id, next(
            (f"{prefix}-{tags[key]}" for key, prefix in OSM_ID_TAGS.items() if tags.get(key)), "")),
        website=_valid_or_blank(URLValidator(schemes=["http", "https"]),
                                tags.get("website") or tags.get("contact:website", "")),
        email=_valid_or_blank(EmailValidator(), tags.get("email") or tags.get("contact:email", "")),
        locations=[location],
        description=tags.get("description", ""), attribution=notice,
    ))


def _valid_or_blank(check, value: str) -> str:
    """OpenStreetMap tags are crowd-sourced: a malformed website or number is dropped, not an error."""
    try:
        check(value)
    except ValidationError:
        return ""
    return value


def _osm_name(tags: dict, osm_id: str) -> str:
    if tags.get("name"):
        return tags["name"][:200]
    if tags.get("highway") == "bus_stop":
        # A stop mapped from NaPTAN often has its name only in naptan:CommonName; naptan:Indicator ("opp",
        # "Stop A") tells apart the stops that share one. An operator's or brand's name is not the stop's.
        common, indicator = tags.get("naptan:CommonName"), tags.get("naptan:Indicator")
        if common:
            return (f"{common} ({indicator})" if indicator else common)[:200]
        return _("Bus stop %(ref)s") % {"ref": tags.get("naptan:AtcoCode") or tags.get("ref") or osm_id}
    name = tags.get("brand") or tags.get("operator")
    if name:
        return name[:200]
    kind = next((f"{k}={v}" for k, v in tags.items() if k in ("amenity", "shop", "office", "healthcare")), "")
    return f"{kind or _('Unnamed place')} ({osm_id})"


# Small readers: each checks the type of what it reads and names the field when it is wrong --------------------

def _kind(value) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    return _("a list") if isinstance(value, list) else _("an object")


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _wrong(where: str, key: str, wanted: str, value) -> ValueError:
    field = f"{where}.{key}" if where else key
    return ValueError(_("%(field)s must be %(wanted)s, not %(kind)s") % {
        "field": _short(field), "wanted": wanted, "kind": _kind(value)})


def _text(container: dict, key: str, where: str = "") -> str:
    """The field as text ("" when absent or null); a number is taken as its digits, anything else is an error."""
    value = container.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _wrong(where, key, _("text"), value)
    return str(value).strip()


def _object(container: dict, key: str, where: str = "") -> dict:
    value = container.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(where, key, _("an object"), value)
    return value


def _objects(container: dict, key: str, where: str = "") -> list[tuple[str, dict]]:
    """A list of objects, each with where it is (attributes[2]), for the messages about its own fields."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(where, key, _("a list"), value)
    field = f"{where}.{key}" if where else key
    for number, item in enumerate(value):
        if not isinstance(item, dict):
            raise _wrong("", f"{field}[{number}]", _("an object"), item)
    return [(f"{field}[{number}]", item) for number, item in enumerate(value)]


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(_("%(what)s must be a number, not %(kind)s") % {"what": what, "kind": _kind(value)})
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError(_("%(what)s %(value)s is not a number") % {"what": what, "value": _short(value)}) from None


def _uuid(value) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValueError(_("id %(value)s is not a UUID") % {"value": _short(value)}) from None

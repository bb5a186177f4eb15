"""Reading Open Referral UK v3 JSON (ADR 0012): organizations, services, services at locations, or an API page of
them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pilotbook.partners.choices import Frequency
from pilotbook.partners.orgid import REGISTERS
from pilotbook.partners.records import LocationRecord, Parsed, PartnerRecord

from .csv_template import _yes_no
from .fields import UnreadableFile, _kind, _number, _object, _objects, _text, _uuid

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

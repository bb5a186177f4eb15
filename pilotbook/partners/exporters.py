"""Writing partners out: Open Referral UK v3 JSON and CSV in the template's columns, so either export imports
back into Pilotbook unchanged.

The Open Referral UK export is a list of organization documents as the UK profile of HSDS 3.0 publishes them
(ADR 0012): each uses only the fields the profile's organization schema has, never null where it wants text,
and carries its places the v3 way, as one service whose service_at_locations hold the locations. Sector, the
resident groups met and the touchpoint answers travel as `attributes` whose taxonomy_term.taxonomy is
"pilotbook:sector", "pilotbook:resident-group" or "pilotbook:touchpoint" and whose `term` is the code, with
the answer after a colon ("older_people:weekly", "visits_homes:yes"); the referral route, which is free text,
is the description of the "referral_route" term. Pilotbook's other name for an organisation is not in the export
(the profile's organization has no alternate_name).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable

from django.db.models import Prefetch

from pilotbook.web.spreadsheets import neutralise

from .importers import CSV_COLUMNS, ORUK_GROUP, ORUK_SECTOR, ORUK_TOUCHPOINT
from .models import Location, Partner, Touchpoint

# Ids of what Pilotbook does not store (attributes, terms, the service, addresses) must be stable across
# exports, so they are derived from the partner's or location's id and what they are.
_ATTRIBUTE_NS = uuid.UUID("6f1c1d2e-8a39-4d4e-9a57-3d1f3c2b9e10")


def partners_for_export(council) -> Iterable[Partner]:
    return (Partner.objects.filter(council=council).select_related("sector")
            .prefetch_related(Prefetch("locations", queryset=Location.objects.order_by("pk")),
                              Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("group")))
            .order_by("name", "pk"))


def to_open_referral(partners: Iterable[Partner]) -> list[dict]:
    return [_organization(partner) for partner in partners]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_ATTRIBUTE_NS, "/".join(parts)))


def _organization(partner: Partner) -> dict:
    org_id = str(partner.oruk_id)
    organization = {"id": org_id, "name": partner.name, "description": partner.description}
    if partner.email:
        organization["email"] = partner.email
    if partner.website:
        organization["website"] = partner.website
    if partner.identifier:
        scheme, _sep, number = partner.identifier.rpartition("-")
        organization["organization_identifiers"] = [{
            "id": _id(org_id, "identifier"), "organization_id": org_id, "identifier_scheme": scheme,
            "identifier_type": "org-id", "identifier": number}]
    organization["attributes"] = _attributes(partner, org_id)
    service_id = _id(org_id, "service")
    organization["services"] = [{
        "id": service_id, "organization_id": org_id, "name": partner.name, "status": "active",
        "service_at_locations": [_service_at_location(location, service_id) for location in partner.locations.all()],
    }]
    return organization


def _service_at_location(location: Location, service_id: str) -> dict:
    loc_id = str(location.oruk_id)
    place = {"id": loc_id, "location_type": "physical", "latitude": location.latitude,
             "longitude": location.longitude}
    if location.name:
        place["name"] = location.name
    if location.address_1 or location.city or location.postal_code:
        place["addresses"] = [{
            "id": _id(loc_id, "address"), "location_id": loc_id, "address_1": location.address_1,
            "city": location.city, "state_province": "", "postal_code": location.postal_code, "country": "GB",
            "address_type": "physical"}]
    return {"id": _id(service_id, loc_id), "service_id": service_id, "location_id": loc_id, "location": place}


def _attributes(partner: Partner, org_id: str) -> list[dict]:
    """(taxonomy, term, name, description) for each thing Pilotbook knows, as ORUK v3 attributes."""
    yes_no = {True: "yes", False: "no"}
    terms = [(ORUK_SECTOR, partner.sector.slug, partner.sector.name,
              f"Pilotbook sector: {partner.sector.name}")]
    terms += [(ORUK_GROUP, f"{t.group}:{t.frequency}", f"{t.get_group_display()}: {t.get_frequency_display()}",
               f"Their staff meet {str(t.get_group_display()).lower()}: {str(t.get_frequency_display()).lower()}")
              for t in partner.touchpoints.all()]
    terms += [(ORUK_TOUCHPOINT, f"visits_homes:{yes_no[partner.visits_homes]}",
               f"Visits residents' homes: {yes_no[partner.visits_homes]}",
               "Whether their staff visit residents' homes"),
              (ORUK_TOUCHPOINT, f"can_refer:{yes_no[partner.can_refer]}",
               f"Can refer residents who may need help: {yes_no[partner.can_refer]}",
               "Whether they can notice and refer residents who may be vulnerable")]
    if partner.referral_route:
        terms.append((ORUK_TOUCHPOINT, "referral_route", "How they refer", partner.referral_route))
    attributes = []
    for taxonomy, term, name, description in terms:
        # An attribute keeps its id when its answer changes; a term is shared by every partner with that answer,
        # except the referral route, whose description is the partner's own text.
        term_id = _id(org_id, taxonomy, term) if term == "referral_route" else _id(taxonomy, term)
        attributes.append({
            "id": _id(org_id, taxonomy, term.partition(":")[0]), "link_id": org_id, "taxonomy_term_id": term_id,
            "taxonomy_term": {"id": term_id, "name": str(name), "description": description, "taxonomy": taxonomy,
                              "term": term}})
    return attributes


def to_csv(partners: Iterable[Partner]) -> str:
    """One row per location, in the template's columns, with spreadsheet formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for partner in partners:
        groups = "; ".join(f"{t.group}:{t.frequency}" for t in partner.touchpoints.all())
        for location in partner.locations.all() or [None]:
            row = {
                "identifier": partner.identifier, "name": partner.name, "sector": partner.sector.slug,
                "description": partner.description, "website": partner.website, "email": partner.email,
                "location_name": location.name if location else "",
                "address": location.address_1 if location else "", "town": location.city if location else "",
                "postcode": location.postal_code if location else "",
                "latitude": repr(location.latitude) if location else "",
                "longitude": repr(location.longitude) if location else "",
                "resident_groups": groups, "contact_frequency": "",
                "visits_homes": "yes" if partner.visits_homes else "no",
                "can_refer": "yes" if partner.can_refer else "no", "referral_route": partner.referral_route,
                "osm_id": partner.osm_id, "open_referral_id": str(partner.oruk_id),
            }
            writer.writerow([neutralise("" if row[column] is None else str(row[column])) for column in CSV_COLUMNS])
    return out.getvalue()

"""Writing partners out: Open Referral UK v3 JSON (organizations with their locations) and CSV in the
template's columns, so either export imports back into Pilotbook unchanged.

Sector, resident groups and the touchpoint answers travel as Open Referral `attributes` whose
taxonomy_term.taxonomy is "pilotbook:sector", "pilotbook:resident-group" or "pilotbook:touchpoint".
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable

from django.db.models import Prefetch

from .importers import CSV_COLUMNS, FORMULA_START, ORUK_GROUP, ORUK_SECTOR, ORUK_TOUCHPOINT
from .models import Location, Partner, Touchpoint

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Attribute ids must be stable across exports, so they are derived from the partner's id and the attribute.
_ATTRIBUTE_NS = uuid.UUID("6f1c1d2e-8a39-4d4e-9a57-3d1f3c2b9e10")


def partners_for_export(council) -> Iterable[Partner]:
    return (Partner.objects.filter(council=council).select_related("sector")
            .prefetch_related(Prefetch("locations", queryset=Location.objects.order_by("pk")),
                              Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("group")))
            .order_by("name", "pk"))


def to_open_referral(partners: Iterable[Partner]) -> list[dict]:
    return [_organization(partner) for partner in partners]


def _organization(partner: Partner) -> dict:
    org_id = str(partner.oruk_id)
    identifiers = []
    if partner.identifier:
        scheme, _sep, number = partner.identifier.rpartition("-")
        identifiers.append({"id": str(uuid.uuid5(_ATTRIBUTE_NS, f"{org_id}/identifier")), "organization_id": org_id,
                            "identifier_scheme": scheme, "identifier_type": "org-id", "identifier": number})
    return {
        "id": org_id, "name": partner.name, "alternate_name": partner.alternate_name or None,
        "description": partner.description, "email": partner.email or None, "website": partner.website or None,
        "organization_identifiers": identifiers,
        "locations": [_location(location, org_id) for location in partner.locations.all()],
        "attributes": _attributes(partner, org_id),
    }


def _location(location: Location, org_id: str) -> dict:
    loc_id = str(location.oruk_id)
    return {
        "id": loc_id, "location_type": "physical", "organization_id": org_id, "name": location.name or None,
        "latitude": location.latitude, "longitude": location.longitude,
        "addresses": [{"id": str(uuid.uuid5(_ATTRIBUTE_NS, f"{loc_id}/address")), "location_id": loc_id,
                       "address_1": location.address_1, "city": location.city, "region": "",
                       "state_province": "", "postal_code": location.postal_code, "country": "GB",
                       "address_type": "physical"}],
    }


def _attributes(partner: Partner, org_id: str) -> list[dict]:
    terms = [(ORUK_SECTOR, partner.sector.slug, partner.sector.name, "")]
    terms += [(ORUK_GROUP, t.group, t.get_group_display(), t.frequency) for t in partner.touchpoints.all()]
    terms += [(ORUK_TOUCHPOINT, "visits_homes", "Visits homes", "true" if partner.visits_homes else "false"),
              (ORUK_TOUCHPOINT, "can_refer", "Can refer", "true" if partner.can_refer else "false")]
    if partner.referral_route:
        terms.append((ORUK_TOUCHPOINT, "referral_route", "How they refer", partner.referral_route))
    return [
        {"id": str(uuid.uuid5(_ATTRIBUTE_NS, f"{org_id}/{taxonomy}/{code}")), "link_id": org_id,
         "link_type": "organization", "link_entity": "organization", "value": value,
         "taxonomy_term": {"id": str(uuid.uuid5(_ATTRIBUTE_NS, f"{taxonomy}/{code}")), "code": code, "name": str(name),
                           "taxonomy": taxonomy}}
        for taxonomy, code, name, value in terms
    ]


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
            writer.writerow([neutralise(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def neutralise(value: str) -> str:
    """Stop a spreadsheet running a cell as a formula: a leading = + - @ tab or CR gets a quote in front.
    Plain numbers (a negative longitude) are left alone; they are not formulas."""
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value

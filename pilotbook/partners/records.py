"""The shape every import produces before anything is written: one PartnerRecord per organisation.

Importers (pilotbook.partners.importers) turn a file into records and per-record errors; the service
pilotbook.partners.services.partners_import writes them in one transaction, or nothing when any has an error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from .choices import Frequency, ResidentGroup
from .orgid import normalise, validate_org_id

# Great Britain and Northern Ireland with a margin; a point outside is almost always swapped or mistyped.
LAT_RANGE = (49.0, 61.5)
LON_RANGE = (-9.0, 2.5)


@dataclass
class LocationRecord:
    latitude: float
    longitude: float
    name: str = ""
    address_1: str = ""
    city: str = ""
    postal_code: str = ""
    oruk_id: uuid.UUID | None = None


@dataclass
class PartnerRecord:
    label: str  # how the error list names this record: "line 4", "organisation 2 (Boots)", "node/123"
    name: str
    sector: str = ""  # a sector's slug or name, resolved against the council's sectors when written
    identifier: str = ""
    osm_id: str = ""
    oruk_id: uuid.UUID | None = None
    alternate_name: str = ""
    description: str = ""
    email: str = ""
    website: str = ""
    locations: list[LocationRecord] = field(default_factory=list)
    touchpoints: dict[str, str] | None = None  # group -> frequency; None leaves existing touchpoints alone
    visits_homes: bool | None = None
    can_refer: bool | None = None
    referral_route: str | None = None
    attribution: str = ""  # the licence notice its source requires shown with it (OpenStreetMap's ODbL notice)

    def problems(self) -> list[str]:
        """What is wrong with this record, in words for the person who made the file."""
        found = []
        if not self.name.strip():
            found.append(_("it has no name"))
        if self.identifier:
            self.identifier = normalise(self.identifier)
            try:
                validate_org_id(self.identifier)
            except ValidationError as exc:
                found.append(_("identifier %(id)s: %(why)s") % {"id": _short(self.identifier), "why": exc.messages[0]})
        found += _too_long(self, "Partner", ("name", "alternate_name", "identifier", "osm_id", "email", "website",
                                             "attribution"))
        for value, check, what in ((self.email, EmailValidator(), _("email address")),
                                   (self.website, URLValidator(schemes=["http", "https"]), _("website"))):
            if value:
                try:
                    check(value)
                except ValidationError:
                    found.append(_("%(what)s %(value)s is not valid") % {"what": what, "value": _short(value)})
        found += [problem for location in self.locations for problem in _location_problems(location)]
        for group, frequency in (self.touchpoints or {}).items():
            if group not in ResidentGroup.values:
                found.append(_("%(group)s is not a resident group Pilotbook knows") % {"group": _short(group)})
            if frequency not in Frequency.values:
                found.append(_("%(freq)s is not a frequency (use daily, weekly, monthly or occasionally)")
                             % {"freq": _short(frequency)})
        return found

    def match_keys(self) -> list[tuple[str, object]]:
        """Fields that identify this organisation on a re-import, strongest first."""
        keys = [(name, getattr(self, name)) for name in ("identifier", "osm_id", "oruk_id") if getattr(self, name)]
        return keys or [("name__iexact", self.name.strip())]


def _location_problems(location: LocationRecord) -> list[str]:
    found = _too_long(location, "Location", ("name", "address_1", "city", "postal_code"))
    if not (LAT_RANGE[0] <= location.latitude <= LAT_RANGE[1]) or not (
        LON_RANGE[0] <= location.longitude <= LON_RANGE[1]
    ):
        found.append(_("latitude %(lat)s, longitude %(lon)s is not in the UK (are they swapped?)")
                     % {"lat": location.latitude, "lon": location.longitude})
    return found


def _short(value: str) -> str:
    """A value as a message quotes it: a 100 KB cell is not printed whole."""
    return value if len(value) <= 60 else f"{value[:57]}..."


def _too_long(record, model_name: str, names: tuple[str, ...]) -> list[str]:
    """Each text longer than its database column, named: it would be refused when saved, or cut short."""
    model = apps.get_model("partners", model_name)
    found = []
    for name in names:
        value, field = getattr(record, name) or "", model._meta.get_field(name)
        if field.max_length and len(value) > field.max_length:
            found.append(_("its %(field)s is longer than %(limit)s characters (it has %(n)s)") % {
                "field": field.verbose_name, "limit": field.max_length, "n": len(value)})
    return found


@dataclass
class RecordError:
    label: str
    message: str


@dataclass
class Parsed:
    """What an importer read from a file."""

    format: str
    records: list[PartnerRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the person importing should know, such as "page 1 of 3"

    def error(self, label: str, message: str) -> None:
        self.errors.append(RecordError(label, message))

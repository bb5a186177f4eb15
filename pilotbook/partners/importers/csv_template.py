"""Reading Pilotbook's partner CSV template (the CSV export's columns, so an export imports back unchanged)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from pilotbook.partners.choices import Frequency, ResidentGroup
from pilotbook.partners.records import LocationRecord, Parsed, PartnerRecord
from pilotbook.reading import Unreadable, csv_line, csv_problem, csv_rows
from pilotbook.web.spreadsheets import unneutralise

from .fields import UnreadableFile, _number, _short, _uuid
from .openstreetmap import OSM_NOTICE

# The CSV template's columns, in order (also the CSV export's, so an export imports back unchanged).
CSV_COLUMNS = [
    "identifier", "name", "sector", "description", "website", "email", "location_name", "address", "town",
    "postcode", "latitude", "longitude", "resident_groups", "contact_frequency", "visits_homes", "can_refer",
    "referral_route", "osm_id", "open_referral_id",
]
CSV_REQUIRED = {"name", "sector", "latitude", "longitude"}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


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

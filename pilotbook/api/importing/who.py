"""Checking step: who ran each case study, who may import it, and which records update one imported before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilotbook.councils.models import Council
from pilotbook.pilots.choices import Status, Visibility
from pilotbook.pilots.models import Pilot, member_council_ids

if TYPE_CHECKING:
    from .checking import _Row


def _council_codes(record: dict, default_council: str | None) -> tuple[list[str], list[str]]:
    """The codes of the councils that ran it, its council first, each once; and any problem naming them.

    From council_code or council_codes, or an exported record's councils (or council); --council only for a record
    that names neither a council nor an organisation (an organisation's case study is not the council's)."""
    one, several = record.get("council_code"), record.get("council_codes")
    if one and several:
        return [], ["give council_code or council_codes, not both"]
    if several:
        given = several
    elif one:
        given = [one]
    elif record.get("councils"):
        given = [council["code"] for council in record["councils"]]
    elif isinstance(record.get("council"), dict):
        given = [record["council"]["code"]]
    elif default_council and not (record.get("organisation") or "").strip():
        given = [default_council]
    else:
        given = []
    codes: list[str] = []
    for code in given:
        code = code.strip().upper()
        if code not in codes:
            codes.append(code)
    return codes, []


def _who_ran_it_problems(record: dict, codes: list[str], verdict: str | None) -> list[str]:
    """Rules about who ran it that the schema cannot say: a council or an organisation; a draft is one council's;
    only one council's name can be withheld."""
    organisation = (record.get("organisation") or "").strip()
    if not codes and not organisation:
        return ["no council: add council_code, council_codes or the organisation that ran it, or give --council "
                "for every record"]
    problems = []
    if verdict is None:
        if not codes:
            return ["organisation: a record without a verdict becomes a draft pilot of its council; add its "
                    "council_code, or the verdict the source reported"]
        if len(codes) > 1:
            problems.append("council_codes: a record without a verdict becomes a draft pilot of one council; name "
                            "one, or add the verdict the source reported")
        problems += [f"{key}: only a case study (a record with a verdict) names the {what}"
                     for key, what in (("organisation", "organisation that ran it"), ("country", "country"))
                     if record.get(key)]
    country = (record.get("country") or "").strip().upper()
    if codes and country and country != "GB":
        problems.append(f"country: the councils named are in the UK (GB), not {country}; give the country only for "
                        "a case study an organisation ran elsewhere")
    if record.get("visibility") == Visibility.PUBLIC_ANONYMOUS and len(codes) != 1:
        problems.append("visibility: public_anonymous withholds one council's name, and this case study has "
                        + ("no council" if not codes else "several, each found under its own name")
                        + "; make it public, or councils for signed-in council members only")
    return problems


def _user_problems(user, codes: list[str], councils: dict[str, Council], *, pilot: Pilot | None = None) -> list[str]:
    """Who may import (or, with `pilot`, update) a record: a moderator, or a member of each council that ran it.
    A case study no council ran is a moderator's to import."""
    if user is None or user.is_moderator:
        return []
    what = "import a case study" if pilot is None else f"update pilot {pilot.pk}, a case study"
    if not codes:
        return [f"{user.email} may not {what} that no council ran; only a moderator imports those"]
    mine = member_council_ids(user)
    return [f"{user.email} is not a member of {councils[code].name}; only a moderator imports for other councils"
            for code in codes if code not in mine]


def _unique_external_ids(rows: list[_Row], seen: dict[str, str]) -> list[str]:
    """Each row whose external_id an earlier row used; `seen` (each id's first row) is kept across batches."""
    errors = []
    for row in rows:
        key = row.pilot.external_id
        if not key:
            continue
        if key in seen:
            errors.append(f"{row.label}: external_id {key!r} is also used by {seen[key]}")
        seen[key] = row.label
    return errors


def _external_ids_in_use() -> frozenset[str]:
    """Every external_id already imported: the rows _imported_before need look up, known before the import writes
    its own (one query; a national collection's 100,000 ids take a few megabytes)."""
    return frozenset(Pilot.objects.exclude(external_id="").values_list("external_id", flat=True))


def _imported_before(rows: list[_Row], user, councils: dict[str, Council]) -> list[str]:
    """Find each record whose external_id was imported before; it updates that case study (row.existing), or is
    named with why it cannot: only a published case study with a reported verdict is updated by a record with a
    verdict, and only by a moderator or a member of each council of both the case study and the record."""
    keys = [row.pilot.external_id for row in rows if row.pilot.external_id]
    found: dict[str, Pilot] = {}
    for start in range(0, len(keys), 500):
        found.update((pilot.external_id, pilot) for pilot in Pilot.objects.filter(
            external_id__in=keys[start:start + 500]).select_related("council", "result").prefetch_related(
            "joint_councils"))
    errors = []
    for row in rows:
        key = row.pilot.external_id
        old = found.get(key) if key else None
        if old is None:
            continue
        if not (old.status == Status.PUBLISHED and old.is_case_study):
            errors.append(f"{row.label}: external_id {key!r} is already imported (pilot {old.pk}) and is not a "
                          "published case study, so importing it again cannot update it: only case studies "
                          "published with the verdict their source reported are updated that way")
        elif row.result is None:
            errors.append(f"{row.label}: external_id {key!r} is a published case study (pilot {old.pk}); a record "
                          "without a verdict cannot update it: add the verdict its source reported")
        else:
            old_codes = [council.code for council in old.all_councils()]
            problems = _user_problems(user, old_codes, {c.code: c for c in old.all_councils()}, pilot=old)
            errors += [f"{row.label}: {problem}" for problem in problems]
            row.existing = old
    return errors

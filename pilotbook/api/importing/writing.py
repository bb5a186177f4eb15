"""Writing step: every checked row in one transaction (COPY on PostgreSQL), indexed for search; all or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pilotbook.councils.models import Council
from pilotbook.evidence.index import search_index_pilot
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result, member_council_ids
from pilotbook.web import versions

from .checking import _Row, _row
from .collector import no_cycle_collection
from .copying import Writer
from .fields import _as_draft, _ignored, _plan_fields
from .report import ImportFailed, ImportReport
from .who import _external_ids_in_use, _imported_before, _unique_external_ids


def import_records(records: list[tuple[str, object]], *, user=None, default_council: str | None = None,
                   batch_size: int = 2000) -> ImportReport:
    """Check every record, then create them all in one transaction; any problem and nothing is created."""
    if not records:
        raise ImportFailed(["the file holds no records"], whole_file=True)
    with no_cycle_collection():
        return _import(records, user, default_council, batch_size)


def _import(records: list[tuple[str, object]], user, default_council: str | None, batch_size: int) -> ImportReport:
    """Check the records a batch at a time; while the next batch is checked, the Writer copies in the last one's
    new case studies, in the same transaction, as long as no record so far has a problem. The problems are the
    same, in the same order, as checking every record first: each record's, then repeated external ids, then
    those imported before that cannot be updated."""
    councils = {c.code: c for c in Council.objects.all()}
    now = timezone.now()
    if user is not None and not user.is_moderator:
        member_council_ids(user)  # asked now (it is kept on the user), not while the Writer has the connection
    in_use = _external_ids_in_use()  # before anything is written: the ones imported before
    errors, repeated, refused, seen = [], [], [], {}
    updating: list[_Row] = []
    report = ImportReport()
    with transaction.atomic():
        writer = Writer()
        try:
            for start in range(0, len(records), batch_size):
                rows = []
                for label, given in records[start:start + batch_size]:
                    record, unpublished = _as_draft(given)
                    row, problems = _row(label, record, councils, default_council, user, now)
                    errors.extend(problems)
                    if row is not None:
                        rows.append(row)
                        if isinstance(record, dict):
                            report.ignored.update(_ignored(record))
                            report.unpublished.update(unpublished)
                repeated.extend(_unique_external_ids(rows, seen))
                again = [row for row in rows if row.pilot.external_id in in_use]
                if again:
                    writer.wait()  # the connection is the Writer's until it has written what it was given
                    refused.extend(_imported_before(again, user, councils))
                    updating += [row for row in again if row.existing is not None]
                if not (errors or repeated or refused):
                    writer.write([row for row in rows if row.existing is None])
        finally:
            failure = _closed(writer)
        if errors or repeated or refused:  # a record's problem before the database's: as when checked first
            raise ImportFailed(errors + repeated + refused)
        if failure is not None:
            raise failure
        report.published = [p.pk for p in writer.pilots if p.status == Status.PUBLISHED]
        report.drafts = [p.pk for p in writer.pilots if p.status != Status.PUBLISHED]
        writer.documents.finish()
        for row in updating:
            (report.updated if _update(row, user) else report.unchanged).append(row.existing.pk)
        versions.bump()  # COPY and bulk_create send no signal: cached pages must not outlive what was imported
    return report


def _closed(writer: Writer) -> BaseException | None:
    try:
        writer.close()
    except BaseException as error:  # noqa: BLE001 (raised by the caller once the records' problems are known)
        return error
    return None


# What a record sets, and so what importing it again may change: the pilot's plan and case-study fields, its council
# and lessons (joint councils apart), and its result's.
IMPORTED_FIELDS = (*_plan_fields({"title": ""}), "council_id", "lessons_aim", "lessons_happened", "lessons_why",
                   "lessons_differently")

RESULT_FIELDS = ("verdict", "source", "estimate", "ci_low", "ci_high", "sample_size", "method", "summary", "sample",
                 "stopped_early")


def _update(row: _Row, user) -> bool:
    """Make the case study imported before what the record says now (its address, id, publication date, discussion
    and pooled-group places stay); re-index it. False when the record changes nothing."""
    pilot = Pilot.objects.select_for_update().filter(pk=row.existing.pk).first()
    result = Result.objects.select_for_update().filter(pilot_id=row.existing.pk).first()
    if pilot is None or result is None:
        raise ImportFailed([f"{row.label}: the case study imported before (pilot {row.existing.pk}) was deleted or "
                            "changed while this file was imported; nothing was imported, run it again"])
    changed = [name for name in IMPORTED_FIELDS if getattr(pilot, name) != getattr(row.pilot, name)]
    result_changed = [name for name in RESULT_FIELDS if getattr(result, name) != getattr(row.result, name)]
    joint = {council.pk for council in row.joint}
    joint_changed = set(pilot.joint_councils.values_list("pk", flat=True)) != joint
    if not (changed or result_changed or joint_changed):
        return False
    for name in changed:
        setattr(pilot, name, getattr(row.pilot, name))
    pilot.save(update_fields=[*changed, "updated_at"])
    if joint_changed:
        pilot.joint_councils.set(joint)
    if result_changed:
        for name in result_changed:
            setattr(result, name, getattr(row.result, name))
        result.recorded_by = user or result.recorded_by
        result.pilot = pilot
        result.save(update_fields=[*result_changed, "recorded_by", "recorded_at"])
    search_index_pilot(pilot=Pilot.objects.select_related("council", "result").get(pk=pilot.pk))
    return True

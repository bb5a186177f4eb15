"""Writing step: every checked row in one transaction (COPY on PostgreSQL), indexed for search; all or nothing."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from decimal import Decimal
from operator import attrgetter

from django.db import connection, connections, transaction
from django.utils import timezone

from pilotbook.councils.models import Council
from pilotbook.evidence.index import search_index_new, search_index_pilot
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result
from pilotbook.web import versions

from .checking import _Row, _row
from .fields import _as_draft, _ignored, _plan_fields
from .report import ImportFailed, ImportReport
from .who import _imported_before, _unique_external_ids

# Values COPY takes as they are, by the field's internal type: what the field's get_db_prep_save would give back
# for a value of that Python type on PostgreSQL (None, for every field here: a date-time's and JSON's too, which
# Django stores as SQL NULL). Any other value (a date-time, JSON, an auto_now field) is prepared by the field itself.
_AS_THEY_ARE = {
    **dict.fromkeys(("CharField", "TextField", "SlugField"), (str,)),
    **dict.fromkeys(("AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                     "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField"), (int,)),
    "BooleanField": (bool,), "DecimalField": (Decimal,), "DateField": (dt.date,),
    "DateTimeField": (type(None),), "JSONField": (type(None),),
}


def _plain_types(field) -> tuple[type, ...]:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return ()  # its pre_save sets it
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    return _AS_THEY_ARE.get(kind, ())


def _copy_value(field, plain: tuple[type, ...], obj, db, passed: set[type]):
    value = getattr(obj, field.attname)
    if plain and (value is None or type(value) in plain or (plain == (str,) and isinstance(value, str))):
        passed.add(type(value))  # (a str subclass: a choice) taken as it is from now on
        return value
    return field.get_db_prep_save(field.pre_save(obj, True), db)


def _insert(model, objs: list, batch_size: int) -> list:
    """bulk_create, except on PostgreSQL: ids are taken from the table's sequence and the rows are copied in with
    COPY, which skips building and parsing one INSERT with every value as a parameter. No signals, as bulk_create.

    A row's values are read all at once; those of a type its column takes as it is (`passed`: the plain types,
    and each str subclass _copy_value has passed) go as they are, and only the others through _copy_value."""
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    plains = [_plain_types(f) for f in fields]
    passed = [{type(None), *plain} if plain else set() for plain in plains]
    values_of = attrgetter(*(f.attname for f in fields))
    db = connections[connection.alias]  # the connection itself: `connection` is a proxy, slow in the loop below
    with db.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {db.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                row = list(values_of(obj))
                for i in [i for i, ok in enumerate(map(set.__contains__, passed, map(type, row))) if not ok]:
                    row[i] = _copy_value(fields[i], plains[i], obj, db, passed[i])
                copy.write_row(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias
    return objs


def import_records(records: list[tuple[str, object]], *, user=None, default_council: str | None = None,
                   batch_size: int = 2000) -> ImportReport:
    """Check every record, then create them all in one transaction; any problem and nothing is created."""
    if not records:
        raise ImportFailed(["the file holds no records"], whole_file=True)
    with _no_cycle_collection():
        return _import(records, user, default_council, batch_size)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while importing: the records' millions of objects live until the import
    ends, and the collector would walk them again and again (a third of the time checking 100,000 records).
    Reference counting frees everything else as usual; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(records: list[tuple[str, object]], user, default_council: str | None, batch_size: int) -> ImportReport:
    councils = {c.code: c for c in Council.objects.all()}
    now = timezone.now()
    rows, errors, report = [], [], ImportReport()
    for label, given in records:
        record, unpublished = _as_draft(given)
        row, problems = _row(label, record, councils, default_council, user, now)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
            if isinstance(record, dict):
                report.ignored.update(_ignored(record))
                report.unpublished.update(unpublished)
    errors.extend(_unique_external_ids(rows))
    errors.extend(_imported_before(rows, user, councils))
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        new = [row for row in rows if row.existing is None]
        pilots = _insert(Pilot, [row.pilot for row in new], batch_size)
        results = [row.result for row in new if row.result is not None]
        for result in results:
            result.pilot_id = result.pilot.pk
        _insert(Result, results, batch_size)
        through = Pilot.joint_councils.through
        _insert(through, [through(pilot_id=row.pilot.pk, council_id=council.pk)
                          for row in new for council in row.joint], batch_size)
        for row in new:  # what indexing reads of who ran each, known without asking
            row.pilot.know_joint_councils(row.joint)
        report.published = [p.pk for p in pilots if p.status == Status.PUBLISHED]
        report.drafts = [p.pk for p in pilots if p.status != Status.PUBLISHED]
        search_index_new(pilots)
        for row in rows:
            if row.existing is not None:
                (report.updated if _update(row, user) else report.unchanged).append(row.existing.pk)
        versions.bump()  # COPY and bulk_create send no signal: cached pages must not outlive what was imported
    return report


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

"""Writing step, its rows: new pilots, results and joint councils copied in (COPY on PostgreSQL) and indexed for
search, a batch at a time, by a second thread on the import's own connection and in its one transaction, while
the main thread checks the next batch (docs/adr/0018).

PostgreSQL parses, inserts, checks and indexes each batch in its own process, and the thread waiting for it
holds no lock on Python, so the database's work overlaps the checking instead of following it. All or nothing is
unchanged: one transaction, nothing written once any record has a problem, and any problem (a record's or the
database's) rolls every batch back."""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db import connection, connections, models
from django.utils import translation

from pilotbook.evidence import facetcells
from pilotbook.evidence.index import NewDocuments
from pilotbook.pilots.models import Pilot, Result

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


_FIELD = object()  # a _quick preparer's answer when the value is for the field itself to prepare


def _quick(field) -> Callable[[Any, models.Model], Any] | None:
    """What the field's `get_db_prep_save(field.pre_save(obj, True), db)` gives on PostgreSQL, for the values that
    are plainly prepared, without the field's machinery for each row; `_FIELD` for any other value. None: every
    value goes to the field.

    - An auto_now or auto_now_add date-time (with USE_TZ): its pre_save sets the object's attribute to
      timezone.now(), which COPY takes as it is (an aware date-time is what get_db_prep_save gives back).
    - A date-time with a time zone (USE_TZ): as it is (a naive one goes to the field, which warns and makes it aware).
    - JSON (no encoder): a list or dict is the text json.dumps makes of it, what psycopg writes of the Jsonb
      wrapper the field gives; PostgreSQL reads the same text either way."""
    kind = field.get_internal_type()
    if kind == "DateTimeField" and settings.USE_TZ:
        if field.auto_now or field.auto_now_add:
            attname = field.attname

            def now(value, obj):
                obj.__dict__[attname] = value = dt.datetime.now(tz=dt.UTC)  # what timezone.now() gives
                return value

            return now
        return lambda value, obj: value if type(value) is dt.datetime and value.utcoffset() is not None else _FIELD
    if kind == "JSONField" and field.encoder is None:
        return lambda value, obj: json.dumps(value) if type(value) in (list, dict) else _FIELD
    return None


def _insert(model, objs: list, db, cursor) -> list:
    """bulk_create, except on PostgreSQL (`cursor`, a raw psycopg cursor on `db`'s connection): ids are taken from
    the table's sequence and the rows are copied in with COPY, which skips building and parsing one INSERT with
    every value as a parameter. No signals, as bulk_create.

    A row's values are read all at once; those of a type its column takes as it is (`passed`: the plain types,
    and each str subclass _copy_value has passed) go as they are, the others through the column's `_quick`
    preparer when it has one (date-times, JSON) and otherwise (or when it declines) through _copy_value."""
    if cursor is None or not objs:
        return model.objects.bulk_create(objs, batch_size=2000)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    plains = [_plain_types(f) for f in fields]
    passed = [{type(None), *plain} if plain else set() for plain in plains]
    quick = [_quick(f) for f in fields]
    values_of = attrgetter(*(f.attname for f in fields))
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                   [meta.db_table, meta.pk.column, len(objs)])
    for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
        obj.pk = pk
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    with cursor.copy(f"COPY {db.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            row = list(values_of(obj))
            for i in [i for i, ok in enumerate(map(set.__contains__, passed, map(type, row))) if not ok]:
                value = _FIELD if quick[i] is None else quick[i](row[i], obj)
                row[i] = _copy_value(fields[i], plains[i], obj, db, passed[i]) if value is _FIELD else value
            copy.write_row(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias
    return objs


class Writer:
    """Writes batches of new rows (checking._Row) in the caller's transaction: on PostgreSQL on a second thread
    through the same connection, one batch at a time, at most one waiting; elsewhere at once.

    While it writes, the connection is the thread's: the caller asks the database nothing until `wait()` returns.
    After a failure it writes nothing more and `close()` re-raises it. `pilots` are the pilots written, in order;
    `documents` their search documents, to `finish()` once every batch is written."""

    def __init__(self):
        self.db = connections[connection.alias]  # the caller's own connection (not a proxy: a thread has its own)
        self.db.ensure_connection()
        self.language = translation.get_language()  # facets are indexed by their labels, in the caller's language
        self.documents = NewDocuments()
        self.cells: dict[str, int] = {}  # facet cells seen (key -> id), facetcells.cells_for
        self.pilots: list[Pilot] = []
        self.failure: BaseException | None = None
        self.threaded = self.db.vendor == "postgresql"
        if self.threaded:
            self._queue: queue.Queue = queue.Queue(maxsize=1)
            self._stopped = False
            self._thread = threading.Thread(target=self._run, name="pilotbook-import-writer", daemon=True)
            self._thread.start()

    def write(self, rows: list) -> None:
        """Write these new rows (after any batch given before); nothing once a batch has failed."""
        if self.failure is not None or not rows:
            return
        for row in rows:  # what indexing reads of who ran each, known without asking
            row.pilot.know_joint_councils(row.joint)
        # The documents' features are worked out here, on the caller's thread, while the writer copies the batch
        # before: the writer's own work is then mostly PostgreSQL's, which needs no lock on Python.
        with self.db.execute_wrapper(_not_while_writing):  # it asks nothing (the connection is the writer's)
            documents = self.documents.prepare([row.pilot for row in rows])
        if not self.threaded:
            self._write(rows, documents, None)
        else:
            self._queue.put((rows, documents))

    def wait(self) -> None:
        """Return once every batch given so far is written (or has failed)."""
        if self.threaded:
            self._queue.join()

    def close(self) -> None:
        """Wait for the thread to end, whatever happened; then re-raise the first failure, if any."""
        if self.threaded and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:  # any query through Django on this thread would go out on another connection, outside the transaction
            with (connections[self.db.alias].execute_wrapper(_not_on_this_thread),
                  translation.override(self.language), self.db.connection.cursor() as cursor):
                self._take(cursor)
        except BaseException as error:  # noqa: BLE001 (handed to the caller by close())
            self.failure = self.failure or error
            self._take(None)  # until told to stop: the caller may be waiting to hand over a batch

    def _take(self, cursor) -> None:
        while not self._stopped:
            batch = self._queue.get()
            try:
                if batch is None:
                    self._stopped = True
                elif self.failure is None:
                    self._write(*batch, cursor)
            except BaseException as error:  # noqa: BLE001 (handed to the caller by close())
                self.failure = error
            finally:
                self._queue.task_done()

    def _write(self, rows: list, documents: list, cursor) -> None:
        if cursor is not None:  # each pilot's facet cell, known from its values: no second write of every row
            cells = facetcells.cells_for(self.cells, [facetcells.values_in_python(row.pilot, row.result)
                                                      for row in rows], cursor)
            for row, cell in zip(rows, cells, strict=True):
                row.pilot.facet_cell = cell
        pilots = _insert(Pilot, [row.pilot for row in rows], self.db, cursor)
        results = [row.result for row in rows if row.result is not None]
        for result in results:
            result.pilot_id = result.pilot.pk
        _insert(Result, results, self.db, cursor)
        through = Pilot.joint_councils.through
        _insert(through, [through(pilot_id=row.pilot.pk, council_id=council.pk) for row in rows
                          for council in row.joint], self.db, cursor)
        self.pilots += pilots
        self.documents.add(pilots, cursor, cells_known=cursor is not None, prepared=documents)


def _not_on_this_thread(execute, sql, params, many, context):
    raise RuntimeError("the import's writer thread asks the database only through the import's own connection")


def _not_while_writing(execute, sql, params, many, context):
    raise RuntimeError("indexing the import's pilots asks the database nothing: the writer thread has the connection")

"""The evidence search's facets counted by one number per pilot (PostgreSQL; docs/adr/0018).

Counting nine facets over 100,000 matching pilots with GROUPING SETS hashed every row nine times and joined every
pilot with its result and council: 0.8 to 1.3 s at 100,000 on a loaded 2-core machine, paid by the first visitor
after any change. Each combination of facet values a published pilot has (service area, type of change, verdict,
design, organisation, country, year published, its council's nation and type, and whether its council's name is
withheld) is a FacetCell, and the pilot's `facet_cell` names it. Counting then groups the matching pilots by that
one number (read with the access rules' columns from the released pilots' index, evidence/0009), and the few
thousand cells found are added up per facet in Python.

The cells are kept by the search index's services (pilotbook.evidence.index: a pilot or its result saved, an
import, a rebuild) and when a council's nation or type changes (signals.py), in the same transaction. A released
pilot without a cell (written some other way) is never counted wrongly: selectors falls back to counting the
facets from the pilots themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from .models import FacetCell

# The facet values of pilot p (with its result r and council c), in FacetCell's column order.
VALUES = {
    "service_area": "p.service_area",
    "intervention_type": "p.intervention_type",
    "verdict": "r.verdict",
    "design": "p.design",
    "organisation": "p.organisation",
    "country": "p.country",
    "year": "EXTRACT(YEAR FROM p.published_at AT TIME ZONE %(zone)s)::integer",
    "nation": "c.nation",
    "council_type": "c.authority_type_name",
    "anonymous": "p.visibility = 'public_anonymous'",
}
# One text naming the values (\x1e for NULL, \x1f between), the cell's unique key.
KEY = "concat_ws(chr(31), " + ", ".join(f"coalesce(({sql})::text, chr(30))" for sql in VALUES.values()) + ")"
FROM = ("pilots_pilot p LEFT JOIN pilots_result r ON r.pilot_id = p.id "
        "LEFT JOIN councils_council c ON c.code = p.council_id")


def refresh(pilot_ids: Iterable[int] | None = None, cursor=None) -> int:
    """Give these pilots (every published one when None) the cell of their facet values now. PostgreSQL only (on
    SQLite the facets are counted one query each). `cursor`: a raw psycopg cursor on the transaction's connection
    (the import's writer thread, which must not query through Django), else Django's. How many pilots moved."""
    if connection.vendor != "postgresql":
        return 0
    ids = None if pilot_ids is None else sorted(set(pilot_ids))
    if ids == []:
        return 0
    where = "p.status = 'published'" if ids is None else "p.id = ANY(%(ids)s)"
    params = {"zone": settings.TIME_ZONE, "ids": ids}
    columns = ", ".join(VALUES)
    table = FacetCell._meta.db_table
    # Constants only (the column expressions above); the values are parameters.
    statements = [
        f"INSERT INTO {table} (key, {columns}) SELECT DISTINCT {KEY}, "  # noqa: S608
        + ", ".join(VALUES.values()) + f" FROM {FROM} WHERE {where} ON CONFLICT (key) DO NOTHING",
        f"UPDATE pilots_pilot SET facet_cell = f.id FROM (SELECT p.id, {KEY} AS key FROM {FROM} "  # noqa: S608
        f"WHERE {where}) v JOIN {table} f ON f.key = v.key "
        "WHERE pilots_pilot.id = v.id AND pilots_pilot.facet_cell IS DISTINCT FROM f.id",
    ]
    if cursor is not None:
        for sql in statements:
            cursor.execute(sql, params)
        return cursor.rowcount
    with connection.cursor() as django_cursor:
        for sql in statements:
            django_cursor.execute(sql, params)
        return django_cursor.rowcount


def values_in_python(pilot, result) -> tuple:
    """The facet values of a pilot about to be written (its council an object, its result or None), in VALUES'
    order, as the columns of FacetCell take them: what VALUES reads in SQL once it is written."""
    council = pilot.council if pilot.council_id is not None else None
    published = pilot.published_at
    return (pilot.service_area, pilot.intervention_type, result.verdict if result is not None else None,
            pilot.design, pilot.organisation, pilot.country,
            None if published is None else published.astimezone(ZoneInfo(settings.TIME_ZONE)).year,
            council.nation if council is not None else None,
            council.authority_type_name if council is not None else None,
            pilot.visibility == "public_anonymous")


def key_in_python(values: tuple) -> str:
    """KEY of these values, as PostgreSQL writes it: each value as text (a boolean as true or false), chr(30) for
    NULL, chr(31) between."""
    return chr(31).join(chr(30) if v is None else ("true" if v else "false") if isinstance(v, bool) else str(v)
                        for v in values)


def cells_for(known: dict[str, int], values: list[tuple], cursor) -> list[int]:
    """The cell of each of these value tuples (values_in_python), made where missing: known (key -> id) is the
    caller's memory of cells seen before, added to. `cursor`, a raw psycopg cursor (the import's writer thread)."""
    keys = [key_in_python(v) for v in values]
    new = {key: v for key, v in zip(keys, values, strict=True) if key not in known}
    if new:
        table, columns = FacetCell._meta.db_table, ", ".join(VALUES)
        holes = ", ".join(["%s"] * (len(VALUES) + 1))
        cursor.executemany(f"INSERT INTO {table} (key, {columns}) VALUES ({holes}) "  # noqa: S608 (constants)
                           "ON CONFLICT (key) DO NOTHING", [(key, *v) for key, v in new.items()])
        cursor.execute(f"SELECT key, id FROM {table} WHERE key = ANY(%s)", [list(new)])  # noqa: S608
        known.update(cursor.fetchall())
    return [known[key] for key in keys]


def refresh_council(code: str) -> None:
    """A council's nation or type may have changed: its pilots' cells again (the joint councils' facets are
    counted from the councils themselves)."""
    if connection.vendor != "postgresql":
        return
    from pilotbook.pilots.models import Pilot

    refresh(Pilot.objects.filter(council_id=code, status="published").values_list("pk", flat=True))


NAMES = [name for name in VALUES if name != "anonymous"]  # the facets a cell gives values of, in order
IDS_AT_MOST = 20_000  # counted() hands over at most this many pilot ids (about 150 kB of text)


def counted(grouped_sql: str, params, *, ids: list[str] | None = None
            ) -> tuple[int, dict[str, Counter[object]]] | None:
    """(total, per facet of NAMES a Counter of value -> pilots) from `grouped_sql` (Django's compiled SQL of rows of
    facet_cell, facet_withheld, n), added up per facet by the database in the same query (GROUPING SETS over the few
    thousand cells found, so only the values counted come back); None when a pilot has no cell. A value that is NULL
    is not a value, and the identifying facets leave out pilots whose council is withheld from the reader.

    `ids`: `grouped_sql` is instead every pilot counted (rows of id, facet_cell, facet_withheld), grouped here; when
    there are at most IDS_AT_MOST, their ids (PostgreSQL's text of a bigint array) are added to this list."""
    from .forms import IDENTIFYING

    # Each facet's value, NULL for a withheld council's pilots in the identifying facets (so they are not counted).
    values = [f"CASE WHEN g.facet_withheld THEN NULL ELSE f.{name} END" if name in IDENTIFYING else f"f.{name}"
              for name in NAMES]
    every = f"GROUPING({', '.join(values)})"  # one bit per facet, the first the highest: set when not grouped by it
    everyone = (1 << len(NAMES)) - 1  # the () set: every match
    if ids is None:
        grouped, pilots = f"g AS MATERIALIZED ({grouped_sql})", ""
    else:  # the pilots kept for their ids, read only for the () row and only when few enough
        grouped = (f"v AS MATERIALIZED (SELECT * FROM ({grouped_sql}) v (id, facet_cell, facet_withheld)), "  # noqa: S608
                   "g AS (SELECT facet_cell, facet_withheld, count(*) AS n FROM v GROUP BY 1, 2)")
        pilots = (f", CASE WHEN {every} = {everyone} AND sum(g.n) <= {IDS_AT_MOST} "  # noqa: S608
                  "THEN (SELECT array_agg(v.id)::text FROM v) END")
    # Django's own compiled SQL (its values stay parameters); the table, columns and numbers are constants.
    sql = (f"WITH {grouped} SELECT {', '.join(values)}, sum(g.n)::bigint, "  # noqa: S608
           f"count(*) FILTER (WHERE g.facet_cell IS NULL), {every}{pilots} "
           f"FROM g LEFT JOIN {FacetCell._meta.db_table} f ON f.id = g.facet_cell "
           f"GROUP BY GROUPING SETS ({', '.join(f'({value})' for value in values)}, ())")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[str, Counter[object]] = {name: Counter() for name in NAMES}
    total, width = 0, len(NAMES)
    for row in rows:
        n, without_cell, grouping = row[width:width + 3]
        if grouping == everyone:
            if without_cell:
                return None
            total = n or 0
            if ids is not None and row[-1] is not None:
                ids.append(row[-1])
            continue
        index = width - (everyone ^ grouping).bit_length()  # the facet grouped by: its bit is the clear one
        if row[index] is not None:
            out[NAMES[index]][row[index]] += n
    return total, out

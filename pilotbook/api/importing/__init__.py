"""`pilotbook import`: pilots and existing case studies from JSON Lines, JSON or CSV, all or nothing.

A record without a verdict becomes a draft pilot of its council. A record with a verdict (a case study done
elsewhere, or a result in a Pilotbook export) becomes a published case study whose result is marked as reported by
its source: Pilotbook shows the source's verdict as the source's, never as one it judged (docs/adr/0007). A case
study needs only a title, a summary, the verdict (``not_reported`` when the source reports no measured outcome) and
who ran it: one council, several councils, or an organisation (docs/adr/0011).

Every record is checked (the /schema/pilot.json shape plus the import fields below, then the model's own rules)
before anything is written; one problem anywhere and nothing is imported, with every problem named by record. A
case study whose ``external_id`` was imported before is updated in place (same pilot, same address) in the same
transaction, so a curated collection can be refreshed by importing it again.

Import fields, beyond the pilot record's: ``council_code`` or ``council_codes`` (a list; `;`-separated in CSV),
``summary`` (stored as the change tried), ``verdict``, ``stopped``, ``effect`` (a number, a sentence, or
{estimate, ci_low, ci_high}), ``sample`` (words) and ``sample_size``, ``method``, ``lessons`` (a sentence, or the
record's four-part object), and ``external_id`` (unique; `pilotbook search` prints it). The record's own
``organisation``, ``country``, ``year``, ``source_url``, ``source_name``, ``further_sources`` (`;`-separated in CSV)
and ``licence`` are read as they are.

A record from a Pilotbook export without an ``external_id`` gets its ``url`` (the pilot's page) as one. A CSV
file has the import columns (CSV_COLUMNS) or is a Pilotbook CSV export: its rows are read back into the records the
export was written from, each column to its place in the record (pilotbook.api.exports.columns), with the quote
that neutralised a formula-like text taken off again.

The steps, one module each: reading.py (the file's records), checking.py with fields.py and who.py (every record
checked into a row; nothing written), writing.py (all rows in one transaction); report.py (the report and the
problems that stop an import).
"""

from .checking import record_schema
from .fields import IGNORED, UNPUBLISHED_WORK, _plan_fields
from .reading import CSV_COLUMNS, MAX_FILE_BYTES, read_records
from .report import ImportFailed, ImportReport
from .writing import import_records

__all__ = ["CSV_COLUMNS", "IGNORED", "MAX_FILE_BYTES", "UNPUBLISHED_WORK", "ImportFailed", "ImportReport",
           "_plan_fields", "import_records", "read_records", "record_schema"]

"""`pilotbook load_evidence [FILE]`: load the starter evidence base of real, published case studies.

The collection (pilotbook/evidence/data/starter/, whose README says where each record comes from) goes in through
`pilotbook import`'s own checks, all or nothing. Running it again changes nothing unless the file changed: a record
whose external_id is already loaded is updated in place when it differs and left alone when it does not, so a
refreshed collection is loaded the same way. Never run by a migration: a fresh database holds no case studies until
this runs (`make run` runs it).
"""

from pathlib import Path

from django.core.management.base import CommandError

from pilotbook.api.importing import ImportFailed, import_records, read_records
from pilotbook.api.management.base import AnalystCommand

STARTER = Path(__file__).resolve().parents[3] / "evidence" / "data" / "starter" / "case-studies.jsonl"


class Command(AnalystCommand):
    help = ("Load the starter evidence base: real, published trials and case studies, each with the verdict its "
            "source reported (pilotbook/evidence/data/starter/README.md). Running it again changes only what the "
            "file changed.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", default=STARTER,
                            help="a collection in `pilotbook import`'s JSON Lines form (default: the starter base)")

    def handle(self, *args, file: Path, **options):
        try:
            records = read_records(file)
            # Every record of a collection is a case study with the verdict its source reported; one without would
            # become a council's private draft, which is never what loading the evidence base means.
            drafts = [label for label, record in records if isinstance(record, dict) and not record.get("verdict")]
            if drafts:
                raise ImportFailed([f"{label}: no verdict; give the outcome its source reported, or not_reported"
                                    for label in drafts])
            report = import_records(records, user=None, default_council=None)
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(f"{self.prog}: {line}")
            raise CommandError(f"{len(failure.errors)} problem(s) in {file}; nothing was loaded.",
                               returncode=2) from None
        self.stdout.write(f"Evidence base: {len(report.published)} case studies added, {len(report.updated)} updated, "
                          f"{len(report.unchanged)} unchanged.")

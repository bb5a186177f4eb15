"""`pilotbook import FILE [--council CODE] [--user EMAIL]`: pilots and case studies from JSON Lines, JSON or CSV.

All or nothing: every record is checked against the schema, the import rules and the model, and one bad record
means nothing is imported. A case study whose external_id was imported before is updated in place; the command says
how many records were added, updated and unchanged. Each problem is printed on its own line ("pilotbook import:
line 3 ('Title'): verdict: ..."); exit 2.
A file that cannot be read at all (not UTF-8, binary, nested too deep, a CSV cell past the csv module's limit) is
one line saying why; exit 2.
See pilotbook.api.importing for the fields.
"""

from pathlib import Path

from django.core.management.base import CommandError

from pilotbook.api.importing import (
    CSV_COLUMNS,
    IGNORED,
    UNPUBLISHED_WORK,
    ImportFailed,
    import_records,
    read_records,
)
from pilotbook.api.management.base import AnalystCommand
from pilotbook.councils.models import Council, User


class Command(AnalystCommand):
    help = ("Import pilots (as drafts) and case studies with a reported verdict (published) from JSON Lines, a "
            "JSON array or export, or CSV (.csv; columns: " + ", ".join(CSV_COLUMNS) + "; council_codes and "
            "further_sources separated by ;). All or nothing. A case study whose external_id was imported before is "
            "updated in place.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--council", help="three-letter code of the council for records that name neither a "
                                              "council nor an organisation")
        parser.add_argument("--user", help="email of the person recorded as creator: a member of each record's "
                                           "councils (and, to update a case study, of its councils), or a "
                                           "moderator; only a moderator imports a case study no council ran")

    def handle(self, *args, file: Path, council: str | None, user: str | None, **options):
        if council and not Council.objects.filter(code=council.upper()).exists():
            raise CommandError(f"No council with the code {council!r}.", returncode=2)
        person = None
        if user:
            person = User.objects.filter(email__iexact=user).first()
            if person is None:
                raise CommandError(f"No person with the email {user!r}.", returncode=2)
        try:
            report = import_records(read_records(file), user=person, default_council=council)
        except ImportFailed as failure:
            if failure.whole_file:  # the file could not be read at all: one line saying why
                raise CommandError(f"{failure.errors[0]}; nothing was imported.", returncode=2) from None
            for line in failure.errors:
                self.stderr.write(f"{self.prog}: {line}")
            raise CommandError(f"{len(failure.errors)} problem(s) in {file}; nothing was imported.",
                               returncode=2) from None
        self.stdout.write(f"Imported {len(report.created)} pilot(s): {len(report.drafts)} draft(s), "
                          f"{len(report.published)} published case stud{'y' if len(report.published) == 1 else 'ies'} "
                          "with the verdict their source reported.")
        self.stdout.write(f"Updated {len(report.updated)} case stud{'y' if len(report.updated) == 1 else 'ies'} "
                          f"imported before (the same external_id); {len(report.unchanged)} unchanged.")
        if report.created and len(report.created) <= 20:
            self.stdout.write(f"Ids: {', '.join(str(pk) for pk in sorted(report.created))}.")
        if report.updated and len(report.updated) <= 20:
            self.stdout.write(f"Updated ids: {', '.join(str(pk) for pk in sorted(report.updated))}.")
        if report.ignored:
            fields = ", ".join(key for key in IGNORED if key in report.ignored)
            self.stdout.write(f"Not imported (history in the source system, not part of a plan): {fields}.")
        if report.unpublished:
            fields = ", ".join(key for key in UNPUBLISHED_WORK if key in report.unpublished)
            self.stdout.write(f"Not imported, from pilots not published where they came from (imported as drafts, "
                              f"so nothing is published that their council has not): {fields}.")

"""`pilotbook import FILE --council CODE --user EMAIL`: pilot records (/schema/pilot.json) become drafts.

All or nothing: every record is checked against the schema and the model, and one bad record means nothing is
imported. Each problem is printed on its own line ("record 3 ('Title'): outcome.kind: ..."); exit status 2.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotbook.api.importing import IGNORED, ImportFailed, import_records, read_records
from pilotbook.councils.models import Council, User


class Command(BaseCommand):
    help = ("Import pilot records (JSON array, JSON export or JSON Lines, in the /schema/pilot.json format) as "
            "drafts for a council. All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--council", required=True, help="three-letter code of the council the pilots belong to")
        parser.add_argument("--user", required=True, help="email of a member of that council, recorded as creator")

    def handle(self, *args, file: Path, council: str, user: str, **options):
        found = Council.objects.filter(code=council.upper()).first()
        if found is None:
            raise CommandError(f"No council with the code {council!r}.", returncode=2)
        person = User.objects.filter(email__iexact=user).first()
        if person is None:
            raise CommandError(f"No person with the email {user!r}.", returncode=2)
        if not person.memberships.filter(council=found).exists():
            raise CommandError(f"{person.email} is not a member of {found.name}.", returncode=2)
        try:
            report = import_records(read_records(file), council=found, user=person)
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(failure.errors)} problem(s) in {file}; nothing was imported.",
                               returncode=2) from None
        self.stdout.write(f"Imported {len(report.created)} pilot(s) as drafts for {found.name}: "
                          f"ids {', '.join(str(pk) for pk in report.created)}.")
        if report.ignored:
            fields = ", ".join(key for key in IGNORED if key in report.ignored)
            self.stdout.write(f"Not imported (a draft has no history or result yet): {fields}.")

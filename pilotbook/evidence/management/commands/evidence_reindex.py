"""Rebuild the evidence search index from the published pilots (needed after editing data/synonyms.txt)."""

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.evidence.index import search_reindex_all
from pilotbook.web import versions


class Command(PilotbookCommand):
    help = "Rebuild the evidence search index from the published pilots."

    def handle(self, *args, **options):
        count = search_reindex_all()
        versions.bump()  # written without signals: cached search pages must not outlive the old index
        self.stdout.write(f"Indexed {count} published pilots.")

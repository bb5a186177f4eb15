"""Rebuild the evidence search index from the published pilots (needed after editing data/synonyms.txt)."""

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.evidence.index import search_reindex_all


class Command(PilotbookCommand):
    help = "Rebuild the evidence search index from the published pilots."

    def handle(self, *args, **options):
        count = search_reindex_all()
        self.stdout.write(f"Indexed {count} published pilots.")

"""Rebuild the evidence search index from the published pilots (needed after editing data/synonyms.txt)."""

from django.core.management.base import BaseCommand

from pilotbook.evidence.index import search_reindex_all


class Command(BaseCommand):
    help = "Rebuild the evidence search index from the published pilots."

    def handle(self, *args, **options):
        count = search_reindex_all()
        self.stdout.write(f"Indexed {count} published pilots.")

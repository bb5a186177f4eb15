"""Regenerate pilotbook/councils/data/council_boundaries.geojson from a copy of ONS's uk-topojson repository.

    git clone https://github.com/ONSvisual/uk-topojson /tmp/uk-topojson
    git -C /tmp/uk-topojson checkout b2fde50cb130908b897de10b65cdc392f9b4ff78
    pilotbook build_boundaries /tmp/uk-topojson

Reads output/topo.json and input/changes.csv from that folder and the vendored council list; writes nothing
but the boundaries file, and prints how many councils have an outline and which have none.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotbook.councils import boundary_source
from pilotbook.councils.boundaries import ATTRIBUTION, BOUNDARIES_FILE
from pilotbook.councils.services import COUNCILS_CSV


class Command(BaseCommand):
    help = "Rebuild the vendored council outlines from a copy of ONS's uk-topojson repository."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a folder holding the uk-topojson repository's files")
        parser.add_argument("--output", type=Path, default=BOUNDARIES_FILE)
        parser.add_argument("--tolerance", type=float, default=boundary_source.TOLERANCE_M,
                            help="simplification tolerance in metres (default %(default)s)")

    def handle(self, *args, source: Path, output: Path, tolerance: float, **options):
        try:
            topology = json.loads((source / "output" / "topo.json").read_text(encoding="utf-8"))
            changes = (source / "input" / "changes.csv").read_text(encoding="utf-8")
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the source in {source}: {error}") from None
        built = boundary_source.build(topology, changes, COUNCILS_CSV.read_text(encoding="utf-8"), tolerance)
        text = boundary_source.dumps(boundary_source.feature_collection(built, ATTRIBUTION, tolerance))
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}: {len(built.features)} councils with an outline, "
                          f"{len(text.encode()):,} bytes.")
        for code, why in sorted(built.unmatched.items()):
            self.stdout.write(f"No outline for {code}: {why}")

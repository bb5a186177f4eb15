"""`pilotbook similar "idea text" [--json] [--user EMAIL]`: the confident "before you start" matches, often none.

With --user, as that person's "before you start" page: what they may see, at councils other than their own.
"""

import json

from django.core.management.base import CommandError

from pilotbook.api.management.base import AnalystCommand, add_user_argument, viewer
from pilotbook.evidence.search import similar_pilots
from pilotbook.pilots.models import Pilot, own_council_id

from .search import RESULT_KEYS, hit_rows


class Command(AnalystCommand):
    help = "Published pilots confidently similar to an idea, most similar first (often none)."
    json_keys = [
        ("idea", "the idea described"),
        ("count", "how many matches"),
        ("results", "published pilots confidently like the idea, most similar first; often none"),
        *RESULT_KEYS,
        ("results[].score", "the search's score for the idea's words"),
        ("results[].similarity", "how alike the idea and the pilot are, from 0 to 1"),
        ("results[].effect", "the effect with its 95% interval; null when the result has none shown"),
        ("results[].effect.*", "estimate, ci_low, ci_high and unit (the outcome's)"),
        ("results[].failure_reason", "the main reason it did not work; null when none"),
        ("results[].duplicate_of", "the id of an earlier result this one nearly repeats (the same text, such as a "
                                   "second cohort), or null"),
    ]

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        add_user_argument(parser)

    def handle(self, *args, text: str, limit: int, json: bool, user: str | None, **options):
        if not text.strip():
            raise CommandError("Describe the idea in a few words.", returncode=2)
        if limit < 1:
            raise CommandError("--limit must be 1 or more.", returncode=2)
        reader = viewer(user)
        hits = similar_pilots(text, exclude_council=own_council_id(reader), queryset=Pilot.objects.visible_to(reader),
                              limit=limit)
        rows = hit_rows(hits, reader)
        if json:
            self.stdout.write(_dumps({"idea": text, "count": len(rows), "results": rows}))
            return
        if not rows:
            self.stdout.write("No confident matches: nobody seems to have published a pilot of this idea yet.")
        for rank, row in enumerate(rows, start=1):
            verdict = (row["verdict"] or "no result").replace("_", " ")
            line = (f"{rank}. [{row['id']}] {row['title']} - {row['council'] or 'council withheld'} - {verdict}"
                    f" (similarity {row['similarity']:.2f})")
            if row["effect"]:
                e = row["effect"]
                line += f"; effect {e['estimate']:g} {e['unit']} (95% CI {e['ci_low']:g} to {e['ci_high']:g})"
            if row["failure_reason"]:
                line += f"; main reason it did not work: {row['failure_reason'].replace('_', ' ')}"
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)

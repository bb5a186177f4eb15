"""`pilotbook similar "idea text" [--json] [--user EMAIL]`: "before you start" for an idea, as its page shows it.

Lists the closest published pilots (up to 5), each with how close it is in words ("the same idea", "a related
idea") and its closeness score, verdict, effect and failure reason: exactly the pilots, order, labels and scores
of the "before you start" page (pilotbook.evidence.suggestions). Without --user, what the public may see; with
it, that person's page: what they may see, at councils other than their own.
"""

import json

from django.core.management.base import CommandError

from pilotbook.api.management.base import AnalystCommand, add_user_argument, viewer
from pilotbook.evidence.suggestions import MAX_SUGGESTIONS, suggestion_rows, suggestions_for_idea
from pilotbook.pilots.models import own_council_id

from .search import RESULT_KEYS

EMPTY = ("Nothing published comes close to this idea: nobody seems to have published a pilot of it yet, or it was "
         "described in other words (try `pilotbook search`).")


class Command(AnalystCommand):
    help = "The published pilots closest to an idea (up to 5), labelled 'the same idea' or 'a related idea'."
    json_keys = [
        ("idea", "the idea described"),
        ("count", "how many pilots are shown (0 when nothing published comes close)"),
        ("results", "the closest published pilots, closest first, exactly as the 'before you start' page lists them"),
        ("results[].rank", "its place in the list, from 1"),
        *RESULT_KEYS,
        ("results[].closeness", "how close it is, in the page's words: 'the same idea' or 'a related idea'"),
        ("results[].closeness_label", "the same, as a code: same or related"),
        ("results[].closeness_score", "the closeness model's score, from 0 to 1 (ADR 0016)"),
        ("results[].verdict_display", "the verdict as the page words it"),
        ("results[].effect", "the effect as the page words it; null when none is shown"),
        ("results[].effect_interval", "the effect with its 95% interval; null when the result has none"),
        ("results[].effect_interval.*", "estimate, ci_low, ci_high and unit (the outcome's)"),
        ("results[].failure_reason", "the main reason it did not work; null when none"),
        ("results[].failure_reason_display", "that reason in words; null when none"),
    ]

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--limit", type=int, default=MAX_SUGGESTIONS,
                            help=f"at most this many (the page shows {MAX_SUGGESTIONS})")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        add_user_argument(parser)

    def handle(self, *args, text: str, limit: int, json: bool, user: str | None, **options):
        if not text.strip():
            raise CommandError("Describe the idea in a few words.", returncode=2)
        if limit < 1:
            raise CommandError("--limit must be 1 or more.", returncode=2)
        reader = viewer(user)
        found, _ = suggestions_for_idea(text, viewer=reader, exclude_council=own_council_id(reader), limit=limit)
        rows = suggestion_rows(found, reader)
        if json:
            self.stdout.write(_dumps({"idea": text, "count": len(rows), "results": rows}))
            return
        if not rows:
            self.stdout.write(EMPTY)
        for row in rows:
            line = (f"{row['rank']}. {row['closeness']} (closeness {row['closeness_score']:.2f}): [{row['id']}] "
                    f"{row['title']} - {row['council'] or 'council withheld'} - {row['verdict_display']}")
            if row["effect"]:
                line += f"; {row['effect']}"
            if row["failure_reason"]:
                line += f"; main reason it did not work: {row['failure_reason_display']}"
            self.stdout.write(line)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)

"""`pilotbook search "words" [--limit N] [--json] [--user EMAIL]`: the evidence search over published pilots.

Without --user it shows what the public may see; with it, what that person may see on the evidence page.
"""

import json

from django.core.management.base import CommandError

from pilotbook.api.management.base import AnalystCommand, add_user_argument, viewer
from pilotbook.api.records import base_url
from pilotbook.evidence.search import search_pilots
from pilotbook.pilots.models import Pilot

# The keys of each result, as `search` and `similar` print them with --json.
RESULT_KEYS: list[tuple[str, str]] = [
    ("results[].id", "Pilotbook's number for the pilot"),
    ("results[].url", "the pilot's page (on PILOTBOOK_SITE_URL)"),
    ("results[].title", "the pilot's title"),
    ("results[].council_code", "the (first) council's three-letter code; null when an organisation ran it or the "
                               "council's name is withheld from you"),
    ("results[].council", "who ran it: its council or councils, or the organisation; null when withheld from you"),
    ("results[].external_id", "its identifier where it was imported from; null when none, or the council is withheld"),
    ("results[].verdict", "worked, no_worthwhile_effect, made_worse or inconclusive; null when no result is shown"),
]


def hit_rows(hits, reader) -> list[dict]:
    pilots = (Pilot.objects.select_related("council", "result").prefetch_related("joint_councils")
              .in_bulk([hit.pilot_id for hit in hits]))
    rows, base = [], base_url()
    for hit in hits:
        pilot = pilots[hit.pilot_id]
        result = getattr(pilot, "result", None) if pilot.result_shown_to(reader) else None
        council_shown = pilot.council_shown_to(reader)
        rows.append({
            "external_id": (pilot.external_id or None) if council_shown else None,
            "id": pilot.pk,
            "url": base + pilot.get_absolute_url(),
            "title": pilot.title,
            "council_code": pilot.council.code if council_shown and pilot.council else None,
            "council": pilot.ran_by() if council_shown else None,  # its councils, or the organisation
            "verdict": result.verdict if result else None,
            "score": hit.score,
            "effect": {"estimate": float(result.estimate), "ci_low": float(result.ci_low),
                       "ci_high": float(result.ci_high), "unit": pilot.outcome_unit}
            if result and result.has_interval else None,
            "failure_reason": pilot.failure_reason or None,
            "duplicate_of": hit.duplicate_of,
        })
    return rows


SEARCH_KEYS = ("external_id", "id", "url", "title", "council_code", "council", "verdict", "score")


class Command(AnalystCommand):
    help = "Search published pilots (those the public may see, or --user's), best first."
    json_keys = [
        ("query", "the words searched for"),
        ("count", "how many results"),
        ("results", "the published pilots found, best first"),
        *RESULT_KEYS,
        ("results[].score", "how well it matches the words (higher is better)"),
    ]

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        add_user_argument(parser)

    def handle(self, *args, text: str, limit: int, json: bool, user: str | None, **options):
        if not text.strip():
            raise CommandError("Give some words to search for.", returncode=2)
        if limit < 1:
            raise CommandError("--limit must be 1 or more.", returncode=2)
        reader = viewer(user)
        hits = search_pilots(text, queryset=Pilot.objects.visible_to(reader), limit=limit)
        rows = [{k: row[k] for k in SEARCH_KEYS} for row in hit_rows(hits, reader)]
        if json:
            self.stdout.write(_dumps({"query": text, "count": len(rows), "results": rows}))
            return
        if not rows:
            self.stdout.write("No published pilots you may see match." if user else
                              "No published public pilots match.")
        for rank, row in enumerate(rows, start=1):
            verdict = (row["verdict"] or "no result").replace("_", " ")
            self.stdout.write(f"{rank:>2}. [{row['id']}] {row['title']} - {row['council'] or 'council withheld'} "
                              f"- {verdict} (score {row['score']:.3f})")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)

"""Load fictional demo partners for Wealden and Leeds (safe to run again: the import matches and updates).

Run after `pilotbook load_demo`, whose people own the demo partnerships. Names are made up; only the
councils are real.
"""

from decimal import Decimal

from django.db import transaction

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.councils.models import Council, User
from pilotbook.partners import importers, services
from pilotbook.partners.models import Arrangement, Partner, Partnership

HEADER = ",".join(importers.CSV_COLUMNS)
# identifier, name, sector, description, groups, visits homes, can refer, route, town, postcode, lat, lon
DEMO = {
    "WEA": [
        ("", "Uckfield High Street Pharmacy (demo)", "pharmacies", "Community pharmacy with prescription delivery",
         "older_people:weekly; carers:weekly", "yes", "yes", "Pharmacists call the council's wellbeing line",
         "Uckfield", "TN22 1AB", 50.9701, 0.0982),
        ("", "Wealden Refuse Crews, Hailsham depot (demo)", "waste-street-cleaning", "Weekly rounds and assisted "
         "collections", "older_people:weekly; public_spaces:daily", "no", "yes", "Crews report by the in-cab app",
         "Hailsham", "BN27 3AA", 50.8620, 0.2580),
        ("", "Crowborough Library (demo)", "libraries", "Branch library with digital help sessions",
         "families_children:weekly; older_people:weekly", "no", "yes", "Staff pass on the helpline number",
         "Crowborough", "TN6 1BB", 51.0590, 0.1620),
        ("GB-CHC-1098765", "Wealden Good Neighbours (demo)", "voluntary-community", "Volunteers who visit older "
         "people living alone", "older_people:weekly", "yes", "yes", "Calls adult social care's front door",
         "Heathfield", "TN21 8AA", 50.9670, 0.2530),
        ("", "Rural Bus Routes 31 and 54 (demo)", "bus-transport", "Drivers on the rural routes",
         "older_people:daily; young_people:daily; public_spaces:daily", "no", "no", "", "Uckfield", "TN22 5AA",
         50.9650, 0.1010),
        # Two partners at one place: the map spreads their markers so each can be reached (ADR 0013).
        ("", "Uckfield Food Bank (demo)", "voluntary-community", "Weekly food bank at the community hall",
         "people_in_debt:weekly; families_children:weekly", "no", "yes", "Volunteers pass on the council's "
         "cost-of-living helpline number", "Uckfield", "TN22 1AE", 50.9688, 0.0944),
        ("", "Uckfield Debt Advice Drop-in (demo)", "voluntary-community", "Debt advice sessions at the community "
         "hall", "people_in_debt:weekly", "no", "yes", "Advisers refer to the council's money advice team",
         "Uckfield", "TN22 1AE", 50.9688, 0.0944),
    ],
    "LDS": [
        ("", "Leeds Kirkgate Post Office (demo)", "post-delivery", "Post office counter", "older_people:weekly",
         "no", "no", "", "Leeds", "LS2 7HY", 53.7970, -1.5400),
        ("", "Chapeltown Mosque (demo)", "faith-groups", "Community meals and advice", "families_children:weekly; "
         "people_in_debt:weekly", "no", "yes", "Volunteers refer to the council's money advice team", "Leeds",
         "LS7 3AA", 53.8170, -1.5300),
    ],
}


def _csv(rows) -> str:
    lines = [HEADER]
    for ident, name, sector, desc, groups, homes, refer, route, town, postcode, lat, lon in rows:
        cells = [ident, name, sector, desc, "", "", "", "", town, postcode, str(lat), str(lon), groups, "", homes,
                 refer, route, "", ""]
        lines.append(",".join(f'"{c}"' for c in cells))
    return "\n".join(lines) + "\n"


class Command(PilotbookCommand):
    help = "Load fictional demo partners, partnerships and arrangements for Wealden and Leeds."

    @transaction.atomic
    def handle(self, *args, **options):
        services.sectors_load()
        for code, rows in DEMO.items():
            council = Council.objects.get(pk=code)
            report = services.partners_import(council=council, parsed=importers.parse(_csv(rows).encode(), "d.csv"))
            if not report.ok:
                raise RuntimeError(report.errors)
        wealden = Council.objects.get(pk="WEA")
        champion = User.objects.filter(email="champion@wealden.example").first()
        for name, topic, stage in [
            ("Uckfield High Street Pharmacy (demo)", "Loneliness checks at the counter", "running_pilot"),
            ("Wealden Refuse Crews, Hailsham depot (demo)", "Reporting fly-tipping from the cab", "exploring"),
            ("Crowborough Library (demo)", "Digital help for older residents", "identified"),
        ]:
            partner = Partner.objects.get(council=wealden, name=name)
            Partnership.objects.update_or_create(partner=partner, topic=topic,
                                                 defaults={"stage": stage, "owner": champion})
        Arrangement.objects.update_or_create(council=wealden, service="Revenues and benefits (demo)", defaults={
            "model": "shared", "baseline_cost": Decimal("2400000"), "predicted_saving": Decimal("350000"),
            "predicted_source": "Business case (fictional)", "realised_saving": Decimal("210000"),
            "realised_source": "Outturn report (fictional)"})
        self.stdout.write(f"Loaded demo partners for {', '.join(DEMO)}.")

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.councils.services import councils_load


class Command(PilotbookCommand):
    help = "Load or update every UK local authority from the vendored mySociety list (CC BY 4.0)."

    def handle(self, *args, **options):
        count = councils_load()
        self.stdout.write(f"Loaded {count} councils.")

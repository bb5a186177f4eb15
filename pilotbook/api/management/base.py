"""The base of the analysts' commands (`pilotbook import`, `search`, `similar`): a mistake is one line, exit 2."""

from django.core.management.base import BaseCommand, CommandError


class AnalystCommand(BaseCommand):
    """Argument mistakes ("--limit abc") print one line naming the mistake, not argparse's usage block."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            if not parser.called_from_command_line:  # call_command: raise, as Django's own parser does
                raise CommandError(f"Error: {message}", returncode=2)
            parser.exit(2, f"{parser.prog}: {message} ({parser.prog} --help lists the options)\n")

        parser.error = error
        return parser

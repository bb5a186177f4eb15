"""The base of Pilotbook's own management commands (`pilotbook import`, `search`, `similar`, `worker`,
`load_demo`...): mistakes are one line, `pilotbook COMMAND: message`, exit 2, as for every `pilotbook` command
(pilotbook.cli.support, docs/cli.md).

- A mistake in the options is one line naming it and where to find the options, not argparse's usage block.
- A CommandError is one line, `pilotbook COMMAND: message`, not Django's `CommandError: message`.
- A command with `json_keys` lists the keys of its --json output at the end of its --help.
"""

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError

from pilotbook.cli.support import json_help, one_line, options_mistake


class PilotbookCommand(BaseCommand):
    json_keys: list[tuple[str, str]] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        self.prog = f"pilotbook {subcommand}"
        if self.json_keys:
            parser.epilog = json_help(self.json_keys)
            parser.formatter_class = argparse.RawDescriptionHelpFormatter

        def error(message):
            if not parser.called_from_command_line:  # call_command: raise, as Django's own parser does
                raise CommandError(f"Error: {message}", returncode=2)
            parser.exit(2, options_mistake(self.prog, message) + "\n")

        parser.error = error
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if not self._called_from_command_line:
                raise
            self.stderr.write(f"{self.prog}: {one_line(error)}", style_func=lambda text: text)
            sys.exit(error.returncode)

"""What every `pilotbook` command shares: one error format, and the keys of its `--json` output in its `--help`.

Errors: a mistake in how a command was called, or in what it was given, is one line on standard error,
`pilotbook COMMAND: message`, and exit status 2 (a mistake in the options adds where to find them:
`(pilotbook COMMAND --help lists the options)`). Never argparse's usage block or a traceback. docs/cli.md says so for
people.

JSON: each command that prints JSON documents every key of it in its `--help` (`json_help`), and the tests check
that every key a command prints is documented there.

No Django here: `pilotbook analyse`, `power` and `pool` start without it.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence

EXIT_MISTAKE = 2


def one_line(message) -> str:
    """A message as one line (its own line breaks and runs of spaces made single spaces)."""
    return " ".join(str(message).split())


def mistake(prog: str, message) -> int:
    """Print `prog: message` as one line on standard error; the exit status for it."""
    print(f"{prog}: {one_line(message) or 'something went wrong'}", file=sys.stderr)
    return EXIT_MISTAKE


def options_mistake(prog: str, message) -> str:
    return f"{prog}: {one_line(message)} ({prog} --help lists the options)"


class OneLineParser(argparse.ArgumentParser):
    """argparse whose mistakes are one line (`options_mistake`) and exit 2; with `json_keys`, its --help ends with
    the keys of the command's --json output."""

    def __init__(self, *args, json_keys: Sequence[tuple[str, str]] = (), **kwargs):
        if json_keys:
            # The command's own epilog (wrapped, as argparse would) comes first, then the JSON keys' table.
            own = textwrap.fill(kwargs["epilog"], 100) + "\n\n" if kwargs.get("epilog") else ""
            kwargs["epilog"] = own + json_help(json_keys)
            kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(EXIT_MISTAKE, options_mistake(self.prog, message) + "\n")


JSON_HELP_INTRO = ("With --json the command prints one JSON object with these keys. 'a[].b' is key b of each item of "
                   "list a; 'a.*' stands for keys named by the data; a value that does not apply is null.")


def json_help(keys: Sequence[tuple[str, str]], width: int = 100) -> str:
    """The --help text documenting a command's --json output: each key and what it holds."""
    lines = textwrap.wrap(JSON_HELP_INTRO, width)
    column = min(max(len(key) for key, _ in keys) + 2, 36)
    for key, text in keys:
        lead = f"  {key}".ljust(column + 2) if len(key) < column else f"  {key}\n" + " " * (column + 2)
        wrapped = textwrap.wrap(text, width - column - 2) or [""]
        lines.append(lead + wrapped[0])
        lines += [" " * (column + 2) + rest for rest in wrapped[1:]]
    return "\n".join(lines)


def estimate_keys(prefix: str, what: str) -> list[tuple[str, str]]:
    """The keys of an estimate with its interval, as several commands print them."""
    return [(prefix, what), (f"{prefix}.estimate", "the estimate"),
            (f"{prefix}.ci_low", "lower end of its confidence interval (level 1 - alpha)"),
            (f"{prefix}.ci_high", "upper end of its confidence interval"),
            (f"{prefix}.method", "how it was estimated, in words")]

"""The ``pilotbook`` console command.

``pilotbook serve`` runs the web app; any other word is a Django management command
(``pilotbook migrate``, ``pilotbook load_demo``...). Later features add their own subcommands to
SUBCOMMANDS, each a function taking the remaining arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="pilotbook serve", description="Serve the Pilotbook web app.")
    parser.add_argument("--host", default=os.environ.get("PILOTBOOK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    args = parser.parse_args(argv)
    _setup_django()
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "pilotbook.config.wsgi:application",
        f"--bind={args.host}:{args.port}",
        f"--workers={args.workers}",
        "--threads=4",
        "--access-logfile=-",
        *(["--reload"] if args.reload else []),
    ]
    return run() or 0


def manage(argv: Sequence[str]) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pilotbook", *argv])
    return 0


SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "serve": serve,
    "manage": manage,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    if argv and argv[0] in {"-h", "--help"}:
        print("usage: pilotbook serve [--host H] [--port P] | pilotbook COMMAND [ARGS] (any Django management command)")
        print("       pilotbook help   lists the management commands")
    return manage(argv)


if __name__ == "__main__":
    sys.exit(main())

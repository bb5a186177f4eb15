"""The ``pilotbook`` console command.

``pilotbook serve`` runs the web app; any other word is a Django management command
(``pilotbook migrate``, ``pilotbook load_demo``...). Later features add their own subcommands to
SUBCOMMANDS, each a function taking the remaining arguments and returning an exit code. Every mistake is one line,
``pilotbook COMMAND: message``, exit 2 (pilotbook.cli.support, docs/cli.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from pilotbook.cli.support import OneLineParser, mistake


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")


def serve(argv: Sequence[str]) -> int:
    parser = OneLineParser(prog="pilotbook serve", description="Serve the Pilotbook web app.")
    parser.add_argument("--host", default=os.environ.get("PILOTBOOK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("PILOTBOOK_WEB_THREADS", "4")),
                        help="threads per worker (default 4, or PILOTBOOK_WEB_THREADS)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        default=os.environ.get("PILOTBOOK_ACCESS_LOG", "1") not in {"0", "false", "no", "off"},
                        help="do not log each request (PILOTBOOK_ACCESS_LOG=0 does the same)")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not start a background-job worker (production runs `pilotbook worker` separately)")
    args = parser.parse_args(argv)
    _setup_django()
    from gunicorn.app.wsgiapp import run

    worker = None
    if not args.no_worker:  # one background-job worker, so the embedded default needs nothing else running
        from pilotbook.jobs.supervisor import WorkerSupervisor

        worker = WorkerSupervisor()
        worker.start()
    sys.argv = [
        "gunicorn",
        "pilotbook.config.wsgi:application",
        f"--bind={args.host}:{args.port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        *(["--access-logfile=-"] if args.access_log else []),
        # Pilotbook does not use gunicorn's control socket, and its default path is shared by every server one user
        # runs on the machine (two `pilotbook serve` would fight over it).
        "--no-control-socket",
        *(["--reload"] if args.reload else []),
    ]
    try:
        return run() or 0
    finally:
        if worker is not None:
            worker.stop()


def manage(argv: Sequence[str]) -> int:
    _setup_django()
    import django
    from django.core.management import execute_from_command_line, get_commands

    if argv and not argv[0].startswith("-") and argv[0] not in ("help", "version"):
        django.setup()
        if argv[0] not in get_commands():
            from difflib import get_close_matches

            near = get_close_matches(argv[0], [*get_commands(), *SUBCOMMANDS], n=1)
            hint = f"did you mean {near[0]}? " if near else ""
            return mistake("pilotbook", f"there is no command {argv[0]!r}; {hint}pilotbook help lists them")
    execute_from_command_line(["pilotbook", *argv])
    return 0


def _lazy(dotted: str) -> Callable[[Sequence[str]], int]:
    """A subcommand imported only when it is run, so `pilotbook serve` does not load the statistics stack."""

    def run(argv: Sequence[str]) -> int:
        module, _, name = dotted.rpartition(".")
        return getattr(import_module(module), name)(argv)

    return run


SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "serve": serve,
    "manage": manage,
    "analyse": _lazy("pilotbook.cli.analysis.main"),
    "power": _lazy("pilotbook.cli.power.power"),
    "pool": _lazy("pilotbook.cli.pool.main"),
}

READING_COMMANDS = frozenset({"analyse", "power", "pool"})  # end with os._exit (run() says why)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = SUBCOMMANDS.get(argv[0]) if argv else None
    if command is None and argv and argv[0] in {"-h", "--help"}:
        print("usage: pilotbook serve [--host H] [--port P] | pilotbook COMMAND [ARGS] (any Django management command)")
        print("       pilotbook help   lists the management commands")
    try:
        return command(argv[1:]) if command else manage(argv)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run() -> None:
    """The `pilotbook` console script. The reading commands (analyse, power, pool) end with os._exit once their
    output is flushed: pyarrow's reader threads can still be winding down when the interpreter finalises, and now
    and then that aborted the process ("terminate called without an active exception", exit 134) after the answer
    or the one-line message was already written. Django's commands end normally."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv and argv[0] in READING_COMMANDS:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()
        os._exit(code if isinstance(code, int) else 1)
    sys.exit(code)


if __name__ == "__main__":
    run()

"""The installed `pilotbook` console command."""

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "pilotbook"


def run(*args, **kwargs):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_the_console_command_is_installed_and_runs_management_commands():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_serve_has_help():
    result = run("serve", "--help")
    assert result.returncode == 0 and "--port" in result.stdout


@pytest.mark.parametrize(("argv", "env", "threads", "logged"), [
    ([], {}, 4, True),  # what production runs: four threads a worker, each request logged
    (["--threads", "2", "--no-access-log"], {}, 2, False),
    ([], {"PILOTBOOK_WEB_THREADS": "8", "PILOTBOOK_ACCESS_LOG": "0"}, 8, False),
])
def test_serve_passes_threads_and_the_access_log_to_gunicorn(monkeypatch, argv, env, threads, logged):
    import gunicorn.app.wsgiapp

    from pilotbook.cli import main

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    seen = []
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert main.serve(["--no-worker", *argv]) == 0
    assert f"--threads={threads}" in seen[0]
    assert ("--access-logfile=-" in seen[0]) is logged


@pytest.mark.django_db
def test_help_lists_pilotbook_commands():
    result = run("help")
    assert "load_demo" in result.stdout and "load_councils" in result.stdout


def test_unknown_command_fails_with_one_line_in_the_common_format():
    result = run("serach", "bins")
    assert result.returncode == 2
    assert result.stderr == "pilotbook: there is no command 'serach'; did you mean search? pilotbook help lists them\n"


def test_output_piped_into_a_closed_reader_is_not_a_traceback():
    command = f"'{BIN}' power --kind binary --control-rate 0.30 --worthwhile 0.05 | head -n 1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)  # noqa: S602
    assert result.stdout.strip() and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("search", "bin", "--limit", "abc"), "pilotbook search: argument --limit: invalid int value: 'abc'"),
    (("similar",), "pilotbook similar: the following arguments are required: text"),
    (("import",), "pilotbook import: the following arguments are required: file"),
])
def test_a_mistake_in_an_analysts_command_is_one_line(args, message):
    result = run(*args)
    assert result.returncode == 2 and result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and "--help lists the options" in result.stderr


def test_importing_json_nested_100000_deep_is_one_line_and_exit_2_not_a_traceback(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    result = run("import", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "deep.json: nested more than 64 levels deep" in result.stderr


MISTAKES = [
    # (arguments, how the one line starts): a mistake in the options, then a mistake in what the command was given.
    (("analyse", "x.csv", "--arm"),
     "pilotbook analyse: argument --arm: expected one argument (pilotbook analyse --help"),
    (("analyse", "missing.csv", "--arm", "g", "--control", "a", "--outcome", "y"),
     "pilotbook analyse: There is no file 'missing.csv'."),
    (("power", "--kind", "binary", "--alpha", "x"), "pilotbook power: --alpha must be a number"),
    (("power", "--kind", "binary"), "pilotbook power: --control-rate is required"),
    (("pool", "--method", "XX", "f.csv"), "pilotbook pool: argument --method: invalid choice"),
    (("pool", "missing.csv"), "pilotbook pool: cannot find the file 'missing.csv'."),
    (("import", "missing.json"), "pilotbook import: missing.json: no such file; nothing was imported."),
    (("import", "--colour", "x"), "pilotbook import: unrecognized arguments: --colour (pilotbook import --help"),
    (("search", "  "), "pilotbook search: Give some words to search for."),
    (("search", "bins", "--limit", "0"), "pilotbook search: --limit must be 1 or more."),
    (("similar", " "), "pilotbook similar: Describe the idea in a few words."),
    (("serve", "--port", "x"), "pilotbook serve: argument --port: invalid int value: 'x' (pilotbook serve --help"),
    (("worker", "--colour"), "pilotbook worker: unrecognized arguments: --colour (pilotbook worker --help"),
    (("load_demo", "extra"), "pilotbook load_demo: unrecognized arguments: extra (pilotbook load_demo --help"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "start"), MISTAKES, ids=[" ".join(args) for args, _ in MISTAKES])
def test_every_command_says_a_mistake_in_one_line_in_one_format_and_exits_2(args, start, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(start), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr and "usage:" not in result.stderr

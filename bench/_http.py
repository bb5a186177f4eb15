"""What bench/pages.py and bench/load.py share: a 100,000-pilot PostgreSQL database, gunicorn serving it as
production does, and an HTTP load generator.

- ``build_database``: a fresh database (the name in DATABASE_URL) with the councils, N imported case studies
  (bench/search.py's generator and `pilotbook import`'s own code), the demo pilots and people, and bench
  accounts: officers of real councils, each with a running pilot of their own to measure.
- ``Server``: `collectstatic` into a temporary folder, then `pilotbook serve --no-worker` (gunicorn) with
  DJANGO_DEBUG=0, as docs/deploy.md and tests/production/smoke.py run it, on a port of 127.0.0.1; stopped (its
  whole process group) whatever happens.
- ``Driver``: aiohttp clients, one coroutine each, in one or more client processes, each request timed, for a
  fixed time; ``summary`` gives requests per second and p50/p95/p99 per page.

The load generator runs on the same machine as the server and shares its cores: every figure says so.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")

# percentile: the benches' one, used here and by pages.py
from bench._common import percentile, wait_for_workers  # noqa: E402,F401

BENCH_PASSWORD = "bench-pilotbook-2026"  # noqa: S105 - bench accounts in a throwaway bench database only
BENCH_DOMAIN = "bench.example"


def bench_email(number: int) -> str:
    return f"officer-{number}@{BENCH_DOMAIN}"


# The database.

def database_pilots(database_url: str) -> int:
    """How many pilots the database holds, 0 when it does not exist or has no tables yet."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM pilots_pilot").fetchone()[0]
    except psycopg.Error:
        return 0


def bench_accounts(database_url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM councils_user WHERE email LIKE %s",
                                [f"%@{BENCH_DOMAIN}"]).fetchone()[0]
    except psycopg.Error:
        return 0


def build_database(pilots: int, accounts: int) -> None:
    """A fresh database named by DATABASE_URL (dropped first) with `pilots` imported case studies, the demo, and
    `accounts` bench officers. Runs in this process (Django set up here)."""
    import django

    django.setup()
    from bench.search import fresh_database, load  # the issue 19 generator and the import, timed

    fresh_database()
    load(pilots)
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    make_accounts(accounts)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def make_accounts(accounts: int) -> None:
    """Officers officer-N@bench.example (one password, hashed once), each a member of a real council with one
    running pilot of their own, registered and started through the same services as the pages."""
    from decimal import Decimal

    from django.db import transaction

    from pilotbook.councils.models import Council, Membership, Role, User
    from pilotbook.pilots import services

    councils = list(Council.objects.order_by("code")[:accounts])
    hashed = User(email="x@example.invalid")
    hashed.set_password(BENCH_PASSWORD)
    with transaction.atomic():
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
        for number in range(accounts):
            council = councils[number % len(councils)]
            user = User.objects.create(email=bench_email(number), full_name=f"Bench Officer {number}",
                                       password=hashed.password)
            Membership.objects.create(user=user, council=council, role=Role.OFFICER)
            pilot = services.pilot_create_draft(
                council=council, user=user, title=f"Bench pilot {number}: text reminders for council tax",
                problem="Many residents pay council tax late.", change="A text message a week before each due date.",
                service_area="revenues_benefits", intervention_type="letter_message",
                hypothesis="Reminders raise on-time payment.",
                outcome_name="Paid on time", outcome_unit="households", outcome_kind="binary",
                better_direction="higher", worthwhile_effect=Decimal("0.05"), design="randomised_individual",
                planned_sample=400,
                start_date=_today(), end_date=_today(days=90), results_due_date=_today(days=180),
                visibility="councils")
            services.pilot_register(pilot=pilot, user=user)
            services.pilot_start(pilot=pilot, user=user)
    print(f"made {accounts} bench officers ({bench_email(0)} ...), each with a running pilot")


def _today(days: int = 0):
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


def ensure_database(database_url: str, pilots: int, accounts: int, reuse: bool) -> None:
    """Build the bench database unless `reuse` and it already holds `pilots` pilots and the accounts."""
    have = database_pilots(database_url)
    if reuse and have >= pilots and bench_accounts(database_url) >= accounts:
        print(f"reusing {urlsplit(database_url).path[1:]}: {have:,} pilots, {bench_accounts(database_url)} bench "
              "officers")
        # A database kept from an older checkout lacks this one's migrations (a new table, an index): apply them,
        # as an upgrade would, so the server runs against the schema its code expects.
        subprocess.run([str(ROOT / ".venv" / "bin" / "pilotbook"), "migrate", "--noinput", "-v0"],  # noqa: S603
                       env={**os.environ, "DATABASE_URL": database_url}, cwd=ROOT, check=True)
        return
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": database_url}
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench._http import build_database; "
            f"build_database({pilots:d}, {accounts:d})")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)  # noqa: S603 - fixed arguments
    print(f"built the bench database in {time.perf_counter() - started:.0f} s")


# The server.

def free_port(low: int, high: int) -> int:
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


class Server:
    """`pilotbook serve --no-worker` with DJANGO_DEBUG=0 after `collectstatic`, as production runs it."""

    def __init__(self, database_url: str, port: int, workers: int, threads: int | None = None,
                 access_log: bool = True):
        self.database_url, self.port, self.workers, self.threads = database_url, port, workers, threads
        self.access_log = access_log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.scratch = Path(tempfile.mkdtemp(prefix="pilotbook-bench-"))
        self.log = self.scratch / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBOOK_", "DATABASE_URL"))}
        env.update({
            "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": self.database_url,
            "PILOTBOOK_DATA_DIR": str(self.scratch), "PILOTBOOK_SITE_URL": self.base,
            "LOG_LEVEL": "WARNING",
        })
        if self.threads is not None:
            env["PILOTBOOK_WEB_THREADS"] = str(self.threads)
        if not self.access_log:
            env["PILOTBOOK_ACCESS_LOG"] = "0"
        return env

    def __enter__(self) -> Server:
        env = self.env()
        pilotbook = str(BIN / "pilotbook")
        with self.log.open("ab") as out:
            subprocess.run([pilotbook, "collectstatic", "--noinput", "-v0"], env=env, cwd=self.scratch,  # noqa: S603
                           stdout=out, stderr=subprocess.STDOUT, check=True)
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [pilotbook, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=env, cwd=self.scratch, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped (exit {self.process.returncode}):\n{self.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn did not listen within 60 s:\n{self.tail()}")
        if not wait_for_workers(self.base, self.workers, deadline + 120):
            raise RuntimeError(f"gunicorn's workers did not start within the time allowed:\n{self.tail()}")
        return self

    def tail(self, lines: int = 30, skip_access: bool = False) -> str:
        if not self.log.exists():
            return ""
        kept = [line for line in self.log.read_text(errors="replace").splitlines()
                if not (skip_access and line.startswith("127.0.0.1 - - ["))]
        return "\n".join(kept[-lines:])

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.scratch, ignore_errors=True)


# The load generator.

@dataclass
class Tally:
    """Per page: each request's time in seconds, and what went wrong."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def merge(self, other: Tally) -> None:
        for name, values in other.times.items():
            self.times[name].extend(values)
        for name, values in other.errors.items():
            self.errors[name].extend(values)


def run_clients(make_clients, processes: int, clients: int, seconds: float, args: tuple) -> tuple[Tally, float]:
    """Run `clients` coroutines split over `processes` processes for `seconds`; each process calls
    make_clients(session, tally, deadline, client_numbers, *args) -> coroutines. The tallies merged, and the
    wall time from the common start to the last finish."""
    if processes == 1:
        started = time.perf_counter()
        tally = _client_process(make_clients, list(range(clients)), seconds, args)
        return tally, time.perf_counter() - started
    numbers = [list(range(clients))[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        tallies = pool.starmap(_client_process, [(make_clients, n, seconds, args) for n in numbers])
    elapsed = time.perf_counter() - started
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, elapsed


def _client_process(make_clients, numbers: list[int], seconds: float, args: tuple) -> Tally:
    return asyncio.run(_clients(make_clients, numbers, seconds, args))


async def _clients(make_clients, numbers: list[int], seconds: float, args: tuple) -> Tally:
    import aiohttp

    tally = Tally()
    deadline = time.perf_counter() + seconds
    # gunicorn closes a keep-alive connection idle for 2 s; a client must not reuse one idle longer (a browser retries
    # a request the server reset on such a connection, aiohttp does not), so it lets them go after 1 s.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=1.0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        coroutines = make_clients(session, tally, deadline, numbers, *args)
        await asyncio.gather(*coroutines)
    return tally


async def timed_get(session, tally: Tally, name: str, url: str, expect: int = 200, **kwargs) -> bytes | None:
    """GET `url`, tallied under `name`; the body, or None (an error recorded) when the status is not `expect`."""
    started = time.perf_counter()
    try:
        async with session.get(url, allow_redirects=False, **kwargs) as response:
            body = await response.read()
            status = response.status
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported, never hidden
        tally.errors[name].append(f"{type(error).__name__}: {error}")
        return None
    tally.times[name].append(time.perf_counter() - started)
    if status != expect:
        tally.errors[name].append(f"GET {url} answered {status}, not {expect}")
        return None
    return body


def summary_line(name: str, times: list[float], errors: list[str], seconds: float) -> str:
    rate = len(times) / seconds if seconds else 0.0
    return (f"{name:28} {len(times):7d} req {rate:8.1f} req/s  p50 {1000 * percentile(times, 0.5):7.1f} ms  "
            f"p95 {1000 * percentile(times, 0.95):7.1f} ms  p99 {1000 * percentile(times, 0.99):7.1f} ms  "
            f"errors {len(errors)}")


# Signed-in clients. The session and CSRF cookies are Secure when DJANGO_DEBUG=0 (as in production behind TLS), and
# an HTTP client keeps Secure cookies from plain-HTTP pages to itself: each client keeps its own cookies here.

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Cookies:
    """One client's cookies, sent with each of its requests."""

    def __init__(self):
        self.values: dict[str, str] = {}

    def header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.values.items())} if self.values else {}

    def keep(self, response) -> None:
        for name, morsel in response.cookies.items():
            self.values[name] = morsel.value


async def sign_in(session, base: str, email: str, password: str) -> Cookies:
    """Sign in through the sign-in page as a person would (its CSRF token and cookie); the client's cookies."""
    cookies = Cookies()
    async with session.get(base + "/sign-in/") as response:
        page = await response.text()
        cookies.keep(response)
    token = CSRF_FIELD.search(page).group(1)
    async with session.post(base + "/sign-in/", data={"csrfmiddlewaretoken": token, "username": email,
                                                      "password": password},
                            headers=cookies.header(), allow_redirects=False) as response:
        await response.read()
        cookies.keep(response)
        if response.status != 302 or "sessionid" not in cookies.values:
            raise RuntimeError(f"signing in as {email} failed: {response.status}")
    return cookies

"""Production-mode smoke test: Pilotbook built, collected and served as docs/deploy.md says, checked over HTTP.

    .venv/bin/python tests/production/smoke.py [--database-url postgres://postgres@127.0.0.1:5432/pilotbook]

A clean asset build; a throwaway PostgreSQL database (pilotbook_smoke_<pid>) migrated and loaded with the
councils and demo data; `collectstatic` into a temporary folder; `pilotbook serve --no-worker` (gunicorn) with
DJANGO_DEBUG=0 on a free 127.0.0.1 port; then the main pages, a 404, the API and static files fetched over HTTP
with their status codes and headers checked. It stops by itself (a time limit, and each request times out) and
always stops gunicorn and drops the database, whatever failed. Run by `make test-production` and `make test`.
Exit status 0 when every check passed, 1 otherwise (each failure printed, with the end of the log).
"""

from __future__ import annotations

import argparse
import gzip
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
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUILD_OUTPUT = ROOT / "pilotbook" / "web" / "static" / "pilotbook"
TIME_LIMIT = 15 * 60  # seconds for the whole run: a hung step must not hold up `make test` for ever
REQUEST_TIMEOUT = 30
HASHED = r"\.[0-9a-f]{12}\."  # ManifestStaticFilesStorage's name.<hash>.ext


class TimeLimit(Exception):
    pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Status codes are checked as sent: a redirect is a response, not something to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Smoke:
    base: str
    failures: list[str] = field(default_factory=list)

    def get(self, path: str, **headers: str) -> Response:
        request = urllib.request.Request(  # noqa: S310 - only ever http://127.0.0.1:<port>
            self.base + path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        try:
            with OPENER.open(request, timeout=REQUEST_TIMEOUT) as reply:
                return Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def check(self, condition: bool, message: str) -> bool:
        print(f"  {'ok  ' if condition else 'FAIL'} {message}")
        if not condition:
            self.failures.append(message)
        return condition

    def page(self, path: str, status: int = 200) -> Response:
        response = self.get(path)
        self.check(response.status == status, f"GET {path} answers {status} (got {response.status})")
        self.check(response.headers.get("content-type", "").startswith("text/html"), f"GET {path} is HTML")
        policy = response.headers.get("content-security-policy", "")
        self.check("default-src 'self'" in policy and "script-src 'self'" in policy
                   and "frame-ancestors 'none'" in policy, f"GET {path} sends the Content-Security-Policy")
        self.check("strict-transport-security" not in response.headers, f"GET {path} sends no HSTS (off by default)")
        self.check(response.headers.get("x-content-type-options") == "nosniff", f"GET {path} sends nosniff")
        self.check(response.headers.get("x-frame-options") == "DENY", f"GET {path} refuses framing")
        return response

    def static(self, path: str, content_type: str, hashed: bool = True) -> Response:
        response = self.get(path, Accept_Encoding="gzip")
        body = gzip.decompress(response.body) if response.headers.get("content-encoding") == "gzip" else response.body
        self.check(response.status == 200 and bool(body), f"GET {path} answers 200 with content ({response.status})")
        self.check(response.headers.get("content-type", "").startswith(content_type),
                   f"GET {path} is {content_type} ({response.headers.get('content-type')})")
        if hashed:
            self.check("immutable" in response.headers.get("cache-control", ""),
                       f"GET {path} may be cached for ever ({response.headers.get('cache-control')})")
        return Response(response.status, response.headers, body)


def run_checks(smoke: Smoke) -> None:
    print("pages")
    home = smoke.page("/")
    smoke.page("/evidence/")
    smoke.page("/sign-in/")
    admin = smoke.get("/admin/login/")
    where = admin.headers.get("location", "")
    smoke.check(admin.status == 302 and where.startswith("/sign-in/?next="),
                f"GET /admin/login/ sends people to the service's sign-in ({admin.status} {where})")
    smoke.page(f"/no-such-page-{os.getpid()}/", status=404)
    pilots = re.findall(r'href="/pilots/(\d+)/"', home.text)
    if smoke.check(bool(pilots), "the home page links to a published pilot"):
        pilot = smoke.page(f"/pilots/{pilots[0]}/")
        smoke.check("<svg" in pilot.text, "the pilot page draws its result chart")
    api = smoke.get("/api/")
    smoke.check(api.status == 200 and api.headers.get("content-type", "").startswith("application/json")
                and b'"pilots"' in api.body, f"GET /api/ answers JSON ({api.status})")

    print("static files, by the hashed names the pages use")
    css_name = re.search(rf'href="(/static/pilotbook/css/pilotbook{HASHED}css)"', home.text)
    if smoke.check(bool(css_name), "the home page links the hashed stylesheet"):
        css = smoke.static(css_name.group(1), "text/css")
        smoke.check(css.headers.get("content-encoding") == "gzip", "the stylesheet is served compressed")
        crest = re.search(rf'url\("?(\.\./images/govuk-crest{HASHED}svg)"?\)', css.text)
        if smoke.check(bool(crest), "the stylesheet refers to the crest by its hashed name"):
            smoke.static(urljoin(css_name.group(1), crest.group(1)), "image/svg+xml")
    init = re.search(rf'src="(/static/pilotbook/js/init{HASHED}mjs)"', home.text)
    if smoke.check(bool(init), "the home page loads the hashed GOV.UK Frontend module"):
        module = smoke.static(init.group(1), "text/javascript")
        for target in re.findall(r'from\s*"(\./[^"]+)"', module.text):
            smoke.static(urljoin(init.group(1), target), "text/javascript", hashed=False)
    missing = smoke.get(f"/static/pilotbook/no-such-file-{os.getpid()}.css")
    smoke.check(missing.status == 404, f"a static file that does not exist answers 404 ({missing.status})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def step(name: str, command: list[str], env: dict[str, str], log: Path) -> None:
    print(f"- {name}")
    with log.open("ab") as out:
        result = subprocess.run(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode:
        raise RuntimeError(f"{name} failed (exit {result.returncode}); see the log below")


def wait_until_serving(port: int, server: subprocess.Popen, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit {server.returncode} before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {seconds} s")


def stop(server: subprocess.Popen | None) -> None:
    """Stop gunicorn and its workers: they share a process group of their own (start_new_session)."""
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def admin_connection(database_url: str) -> psycopg.Connection:
    """A connection to the server's `postgres` database, to create and drop the throwaway one."""
    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/pilotbook",
                        help="a PostgreSQL server to use (only its address and user: a throwaway database is made)")
    args = parser.parse_args(argv)

    def time_up(signum, frame):
        raise TimeLimit(f"the smoke test took longer than {TIME_LIMIT} s")

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"stopped by signal {signum}")  # so `finally` below cleans up when make or CI stops us

    signal.signal(signal.SIGALRM, time_up)
    signal.signal(signal.SIGTERM, interrupted)
    signal.alarm(TIME_LIMIT)

    database = f"pilotbook_smoke_{os.getpid()}"
    scratch = Path(tempfile.mkdtemp(prefix="pilotbook-smoke-"))
    log = scratch / "smoke.log"
    port = free_port()
    smoke = Smoke(base=f"http://127.0.0.1:{port}")
    # Only what production sets: nothing of this machine's own Django or Pilotbook settings leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBOOK_", "DATABASE_URL"))}
    env.update({
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": urlunsplit(urlsplit(args.database_url)._replace(path=f"/{database}")),
        "PILOTBOOK_DATA_DIR": str(scratch),
        "PILOTBOOK_SITE_URL": smoke.base,
        "WEB_CONCURRENCY": "2",
    })
    server = None
    created = False
    try:
        print(f"Production smoke test: database {database}, static files in {scratch}, serving {smoke.base}")
        print("- clean asset build")
        shutil.rmtree(BUILD_OUTPUT, ignore_errors=True)
        step("node frontend/build.mjs", [shutil.which("node") or "node", "frontend/build.mjs"], env, log)
        with admin_connection(args.database_url) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        created = True
        pilotbook = str(BIN / "pilotbook")
        step("pilotbook migrate", [pilotbook, "migrate", "--noinput", "-v0"], env, log)
        step("pilotbook load_councils", [pilotbook, "load_councils"], env, log)
        step("pilotbook load_demo", [pilotbook, "load_demo"], env, log)
        step("pilotbook collectstatic", [pilotbook, "collectstatic", "--noinput", "-v0"], env, log)
        print("- pilotbook serve --no-worker (gunicorn, DJANGO_DEBUG=0)")
        with log.open("ab") as out:
            server = subprocess.Popen(  # noqa: S603 - fixed arguments
                [pilotbook, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                env=env, cwd=scratch, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_serving(port, server)
        run_checks(smoke)
        stop(server)
        smoke.check(server.returncode == 0, f"gunicorn stops cleanly on SIGTERM (exit {server.returncode})")
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - reported, then cleaned up below
        smoke.failures.append(f"{type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        stop(server)
        if created:
            try:
                with admin_connection(args.database_url) as connection:
                    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)))
            except psycopg.Error as error:
                smoke.failures.append(f"could not drop {database}: {error}")
        if smoke.failures and log.exists():
            print("--- last lines of the build and server log ---")
            print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))
        shutil.rmtree(scratch, ignore_errors=True)

    if smoke.failures:
        print(f"Production smoke test FAILED ({len(smoke.failures)}):")
        for failure in smoke.failures:
            print(f"  - {failure}")
        return 1
    print("Production smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Browser tests: a real `runserver` on its own SQLite file, driven by Debian's chromium.

pytest-django's live_server is not used: it flushes the shared test database, and a real
server process exercises the same stack (WhiteNoise, gzip, headers) a reader gets.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("WAYPOST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 30.0
# Staff accounts made in the browser tests' own database: editor1, moderator1, admin1.
STAFF_ROLES = ("editor", "moderator", "admin")
STAFF_PASSWORD = "browser-tests-only-password"
NEUTRAL_TITLE = "Weather"
NEUTRAL_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Weather</title></head>"
    "<body><h1>Weather</h1><p>Sunny, 21 °C.</p></body></html>"
).encode()


def _listening_socket() -> socket.socket:
    """A socket on a port the operating system chose, already listening: the server is
    handed it (gunicorn's fd://), so no other process can take the port in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


class _NeutralPage(BaseHTTPRequestHandler):
    """Stands in for the outside neutral site: there is no network beyond 127.0.0.1."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        # Keep pytest output readable; nothing here is worth logging.
        pass


@pytest.fixture(scope="session")
def quick_exit_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/weather/"
    finally:
        server.shutdown()
        server.server_close()


def _server_env(var_dir: Path, quick_exit: str) -> dict[str, str]:
    env = dict(os.environ)
    # Always a private SQLite file: a browser run must never touch a configured database.
    env.pop("DATABASE_URL", None)
    # The demo's own data, as the other tests have it, not the national data sets.
    env.pop("WAYPOST_DATASETS_DIR", None)
    env.update(
        {
            "WAYPOST_VAR_DIR": str(var_dir),
            "DEBUG": "false",
            "QUICK_EXIT_URL": quick_exit,
            "PYTHONUNBUFFERED": "1",
            # One browser sends many comments and reports from 127.0.0.1 in a minute.
            "COMMENTS_PER_HOUR": "1000",
            "REPORTS_PER_HOUR": "1000",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited early ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


@dataclass(frozen=True)
class Site:
    url: str
    # The server's environment: manage.py run with it writes to the site's own database.
    env: dict[str, str]

    def manage(self, *args: str) -> None:
        _manage(self.env, *args)


@pytest.fixture(scope="session")
def site_url(site: Site) -> str:
    return site.url


@pytest.fixture(scope="session")
def site(quick_exit_url: str) -> Iterator[Site]:
    var_dir = Path(tempfile.mkdtemp(prefix="waypost-browser-"))
    env = _server_env(var_dir, quick_exit_url)
    process: subprocess.Popen[bytes] | None = None
    log = var_dir / "runserver.log"
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_demo")
        for role in STAFF_ROLES:
            _manage(
                {**env, "WAYPOST_PASSWORD": STAFF_PASSWORD}, "add_staff", f"{role}1", "--role", role
            )
        _manage(env, "collectstatic", "--noinput", "-v0")
        # The shipped gunicorn settings, several worker processes: pages each process keeps
        # in its cache must still change when another process writes.
        with _listening_socket() as sock, log.open("wb") as log_file:
            port = int(sock.getsockname()[1])
            served = {**env, "WAYPOST_BIND": f"fd://{sock.fileno()}", "WEB_CONCURRENCY": "3"}
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "waypost.wsgi"],
                cwd=REPO_ROOT,
                env=served,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=[sock.fileno()],
            )
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url + "/", process, log)
        yield Site(url, env)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (run `make browser-deps`)")
    # Debian's chromium, never a downloaded one: `playwright install` needs the network.
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # A fresh context per test: empty cache and cookie jar, like a first visit.
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, site_url: str, role: str) -> None:
    """Sign a page's context in to the editors' workspace as a role's account."""
    page.goto(site_url + "/editors/login/?next=/editors/")
    page.fill("#id_username", f"{role}1")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site_url + "/editors/")


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def editor_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """A page logged in to the editors' site, in its own context (its cookies stay there)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "/editors/login/")
    page.fill("#id_username", "admin1")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site_url + "/editors/")
    yield page
    context.close()

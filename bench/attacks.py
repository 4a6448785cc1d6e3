"""The privacy attacks, repeated against a real gunicorn: does each promise to readers hold?

Run from the repository root:  python -m bench.attacks

It prepares its own SQLite database under var/bench/attacks (migrate, the demo data, one
editor and one confidential shelter), starts gunicorn with the shipped settings
(deploy/gunicorn.conf.py) on a free port, and plays each attack from the outside, over HTTP,
from several loopback addresses (127.0.0.x) standing for different clients. Each attack is
reported as held or broken, with what was measured; the report is also written to
var/bench/attacks.json. The exit status is 1 when any attack is broken.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import hmac
import http.client
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "var" / "bench" / "attacks"
RESULT_FILE = REPO_ROOT / "var" / "bench" / "attacks.json"

EDITOR = "editor1"
EDITOR_PASSWORD = "a long bench-only editor password"
SHELTER = "Bench Shelter (confidential)"
DOOR = (41.117734, -73.408219)  # a point to the nearest few feet
FAILURE_LIMIT = 5
SECRET_SHAPE = re.compile(r"[\w+/=.-]{16,128}")


def _configure_environment() -> None:
    # Settings read these at import time, so they must be set before django.setup().
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["WAYPOST_VAR_DIR"] = str(BENCH_DIR)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ["LOGIN_FAILURE_LIMIT"] = str(FAILURE_LIMIT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def prepare() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from waypost.datasets.demo import load_demo
    from waypost.directory.models import Location, Organization, Service, ServiceAtLocation
    from waypost.evidence.models import Fact
    from waypost.places.models import Place

    call_command("migrate", interactive=False, verbosity=0)
    if not Place.objects.filter(path="us/ct/norwalk").exists():
        load_demo()
    call_command("collectstatic", interactive=False, verbosity=0)
    user, _ = User.objects.get_or_create(username=EDITOR, defaults={"is_staff": True})
    user.set_password(EDITOR_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name="editor")])
    if not Service.objects.filter(name=SHELTER).exists():
        organization = Organization.objects.create(name="Bench Shelter Organization")
        service = Service.objects.create(
            organization=organization, name=SHELTER, fact=Fact.objects.create(label=SHELTER)
        )
        # Typed with the door's point, as an editor might before ticking "area only".
        location = Location.objects.create(
            name=SHELTER,
            latitude=DOOR[0],
            longitude=DOOR[1],
            area_only=True,
            timezone="America/New_York",
        )
        ServiceAtLocation.objects.create(service=service, location=location)


# -- talking to the server as different clients ----------------------------------------


@dataclass
class Browser:
    """One client: its own loopback address and cookie jar."""

    port: int
    address: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
        )
        sent = {"Host": f"127.0.0.1:{self.port}", **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            content = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    self.cookies[name] = morsel.value
            return response.status, found, content
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str], origin: str) -> tuple[int, bytes]:
        """GET the form page, then POST it with its token, as a browser would."""
        _, _, page = self.get(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = match.group(1).decode() if match else ""
        # What a browser sends under Referrer-Policy: no-referrer from one of the site's pages.
        extra = {"Sec-Fetch-Site": "same-origin"} if origin == "null" else {}
        status, _, content = self.request(
            "POST", path, {**fields, "csrfmiddlewaretoken": token}, Origin=origin, **extra
        )
        return status, content


def listening_socket() -> socket.socket:
    """A socket on a port the operating system chose, already listening: gunicorn is handed
    it (fd://), so no other process can take the port in between."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


# -- the attacks ------------------------------------------------------------------------


@dataclass
class Outcome:
    attack: str
    held: bool
    measured: str


Attack = Callable[["Run"], Outcome]


@dataclass
class Run:
    port: int
    log: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, n: int) -> Browser:
        return Browser(self.port, f"127.0.0.{n}")


def attack_recover_addresses(run: Run) -> Outcome:
    """Post a comment and a report from known addresses, copy the database, and hash every
    candidate address with every string the copy holds (the old salt lived there)."""
    senders = [f"127.0.0.{n}" for n in (11, 12, 13)]
    posted = [
        Browser(run.port, address).post_form(
            "/us/ct/norwalk/comment/", {"body": "Is testing free here?"}, "null"
        )[0]
        for address in senders
    ]
    if any(status != 200 for status in posted):
        return Outcome("client addresses recovered", False, f"comments not posted: {posted}")
    copy = BENCH_DIR / "stolen-copy.sqlite3"
    source = sqlite3.connect(BENCH_DIR / "waypost.sqlite3")
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    strings: set[str] = set()
    stored: set[str] = set()
    for (table,) in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in target.execute(f'SELECT * FROM "{table}"'):  # names from the copy itself
            for value in row:
                # Anything shaped like a secret (the old salt was 64 hex digits) is tried.
                if isinstance(value, str) and SECRET_SHAPE.fullmatch(value):
                    strings.add(value)
                    if re.fullmatch(r"[0-9a-f]{64}", value):
                        stored.add(value)
    target.close()
    copy.unlink()
    candidates = [f"127.0.0.{n}" for n in range(256)]
    recovered = set()
    started = time.perf_counter()
    for secret in strings:
        raw = secret.encode()
        for address in candidates:
            guesses = (
                hashlib.sha256(f"{secret}|{address}".encode()).hexdigest(),
                hmac.new(raw, f"client\0{address}".encode(), hashlib.sha256).hexdigest(),
            )
            if any(g in stored for g in guesses):
                recovered.add(address)
    seconds = time.perf_counter() - started
    return Outcome(
        "client addresses recovered from a database copy",
        not recovered,
        f"{len(stored)} stored hashes, {len(strings)} strings tried as the secret over "
        f"{len(candidates)} addresses in {seconds:.1f} s: {len(recovered)} recovered",
    )


def attack_old_keys(run: Run) -> Outcome:
    """With nobody posting, are yesterday's keys and ended counts gone after the schedule?"""
    folder = BENCH_DIR / "client-keys"
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "2000-01-01.key"
    old.write_bytes(os.urandom(32))
    db = sqlite3.connect(BENCH_DIR / "waypost.sqlite3")
    db.execute(
        "INSERT INTO safeguards_ratecount (scope, client, window_start, count) "
        "VALUES ('comment', ?, '2000-01-01 00:00:00', 1)",
        ("0" * 64,),
    )
    db.commit()
    subprocess.run(
        [sys.executable, "manage.py", "forget_clients"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    left = db.execute(
        "SELECT count(*) FROM safeguards_ratecount WHERE window_start < '2001-01-01'"
    ).fetchone()[0]
    db.close()
    return Outcome(
        "old keys and counts kept when nobody posts",
        not old.exists() and left == 0,
        f"after `forget_clients`: old key {'still there' if old.exists() else 'gone'}, "
        f"{left} old counts left",
    )


def _triangulate(observations: list[tuple[float, float, float]]) -> tuple[float, float]:
    """The point whose distances best match the observed ones (a grid search, in miles)."""
    best = (math.inf, 0.0, 0.0)
    lat0, lng0 = DOOR
    for i in range(-60, 61):
        for j in range(-60, 61):
            lat, lng = lat0 + i * 0.0025, lng0 + j * 0.0025
            error = 0.0
            for olat, olng, d in observations:
                dlat = (lat - olat) * 69.0
                dlng = (lng - olng) * 69.0 * math.cos(math.radians(lat))
                error += (math.hypot(dlat, dlng) - d) ** 2
            if error < best[0]:
                best = (error, lat, lng)
    return best[1], best[2]


def attack_locate_shelter(run: Run) -> Outcome:
    browser = run.client(21)
    published: list[tuple[float, float]] = []
    observations = []
    for lat, lng in [(41.20, -73.40), (41.10, -73.55), (41.00, -73.30)]:
        _, _, body = browser.get(f"/api/search?near={lat},{lng}&radius=40&q=Bench+Shelter")
        for result in json.loads(body)["results"]:
            if result["name"] == SHELTER:
                where = result["location"]
                published.append((where["latitude"], where["longitude"]))
                observations.append((lat, lng, float(result["distance_mi"])))
    _, _, body = browser.get("/api/hsds/service_at_locations?per_page=1000")
    for item in json.loads(body)["contents"]:
        if item["service"]["name"] == SHELTER:
            published.append((item["location"]["latitude"], item["location"]["longitude"]))
    exact = [p for p in published if p == DOOR]
    if len(observations) < 3:
        return Outcome("confidential location located", False, "the shelter was not found")
    lat, lng = _triangulate(observations)
    miss = math.hypot((lat - DOOR[0]) * 69.0, (lng - DOOR[1]) * 52.0)
    return Outcome(
        "confidential location located",
        not exact and miss > 0.5,
        f"exact point published {len(exact)} times; triangulated from 3 searches to "
        f"{miss:.2f} mi from the door (points published: {sorted(set(published))})",
    )


def _sign_in(browser: Browser, run: Run, password: str, username: str = EDITOR) -> str:
    _, content = browser.post_form(
        "/editors/login/?next=/editors/",
        {"username": username, "password": password},
        run.origin,
    )
    text = content.decode(errors="replace")
    if "Too many failed sign-ins" in text:
        return "locked"
    if not text:
        return "signed in"  # the redirect to /editors/ has no body
    return "refused"


def attack_lock_out_editor(run: Run) -> Outcome:
    attacker = run.client(31)
    for _ in range(FAILURE_LIMIT * 3):
        _sign_in(attacker, run, "wrong password")
    editor = run.client(32)
    result = _sign_in(editor, run, EDITOR_PASSWORD)
    return Outcome(
        "anyone locks the editor out",
        result == "signed in",
        f"after {FAILURE_LIMIT * 3} wrong passwords from another client, the editor: {result}",
    )


def attack_concurrent_guesses(run: Run) -> Outcome:
    """Eight guesses at once: how many reach the password check before the lock?"""
    browsers = [Browser(run.port, "127.0.0.41") for _ in range(8)]
    pages = []
    for browser in browsers:  # each gets its form first, then all post at once
        _, _, page = browser.get("/editors/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        pages.append(match.group(1).decode() if match else "")

    def post(index: int) -> str:
        _, _, content = browsers[index].request(
            "POST",
            "/editors/login/",
            {"username": EDITOR, "password": f"guess {index}", "csrfmiddlewaretoken": pages[index]},
            Origin=run.origin,
        )
        return "locked" if b"Too many failed sign-ins" in content else "checked"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(post, range(8)))
    checked = results.count("checked")
    return Outcome(
        "concurrent guesses slip past the lock",
        checked <= FAILURE_LIMIT,
        f"8 concurrent guesses: {checked} checked, {results.count('locked')} refused "
        f"(limit {FAILURE_LIMIT})",
    )


def attack_spray(run: Run) -> Outcome:
    sprayer = run.client(51)
    results = [_sign_in(sprayer, run, "Password123!", username=f"user{n}") for n in range(40)]
    checked = results.count("refused")
    return Outcome(
        "password spraying is never slowed",
        checked <= 20,
        f"one password over 40 accounts from one client: {checked} checked, "
        f"{results.count('locked')} refused",
    )


def attack_weak_password(run: Run) -> Outcome:
    editor = run.client(61)
    _sign_in(editor, run, EDITOR_PASSWORD)
    _, content = editor.post_form(
        "/editors/password_change/",
        {"old_password": EDITOR_PASSWORD, "new_password1": "1", "new_password2": "1"},
        run.origin,
    )
    refused = b"too short" in content or b"errorlist" in content
    return Outcome(
        "the web password change accepts '1'",
        refused,
        "new password '1': " + ("refused" if refused else "accepted"),
    )


def attack_long_session(run: Run) -> Outcome:
    browser = run.client(63)
    _, _, page = browser.get("/editors/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    token = match.group(1).decode() if match else ""
    status, headers, _ = browser.request(
        "POST",
        "/editors/login/?next=/editors/",
        {"username": EDITOR, "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": token},
        Origin=run.origin,
    )
    line = headers.get("set-cookie", "")
    persistent = "expires=" in line.lower() or "max-age=" in line.lower()
    return Outcome(
        "editor sessions outlive the browser",
        status == 302 and "sessionid" in line and not persistent,
        f"sign-in {status}; session cookie "
        + ("persistent" if persistent else "ends with the browser"),
    )


def attack_logs(run: Run) -> Outcome:
    with socket.create_connection(("127.0.0.1", run.port), source_address=("127.0.0.71", 0)) as s:
        s.sendall(b"GARBAGE\x00 / HTTP/9\r\n\r\n")
        s.recv(1024)
    run.client(72).get("/search/?near=41.1177,-73.4082")
    text = run.log.read_text(errors="replace")
    leaked = sorted(set(re.findall(r"127\.0\.0\.(?:7[12]|[1-6]\d)\b", text)))
    return Outcome(
        "client addresses in the server's logs",
        not leaked and "41.1177" not in text,
        f"log of {len(text.splitlines())} lines: addresses found {leaked or 'none'}, "
        f"query strings {'found' if '41.1177' in text else 'none'}",
    )


def attack_shared_cache(run: Run) -> Outcome:
    _, headers, _ = run.client(81).get("/us/ct/norwalk/comment/")
    control = headers.get("cache-control", "")
    return Outcome(
        "a shared cache keeps a form page with its token",
        "private" in control and "no-store" in control,
        f"comment form page: Cache-Control {control or 'none'}; "
        f"sets a cookie: {'set-cookie' in headers}",
    )


def attack_crafted_values(run: Run) -> Outcome:
    browser = run.client(91)
    probes = [
        "/api/hsds/services?page=%C2%B2",
        "/api/search?near=06850&open=0001-01-01T00:00%2B14:00",
        "/api/hsds/services?modified_after=9999-12-31T23:59-14:00",
        "/search/?near=06850&radius=%D9%A1%D9%A2",
        "/api/search?q=test%00ing&near=06850",
        "/us/ct/norwalk%00/",
        "/api/places/us/ct%00",
    ]
    statuses = {path: browser.get(path)[0] for path in probes}
    errors = {p: s for p, s in statuses.items() if s >= 500}
    return Outcome(
        "crafted values give server errors",
        not errors,
        f"{len(probes)} crafted requests: "
        + ", ".join(f"{s}" for s in statuses.values())
        + (f"; 5xx on {sorted(errors)}" if errors else ""),
    )


def attack_pdf_flood(run: Run) -> Outcome:
    """Many card.pdf requests at once, then a guide: does the guide still answer quickly?"""
    browser = run.client(92)
    browser.get("/us/ct/norwalk/card.pdf")  # the first one is made once

    def fetch(_: int) -> float:
        started = time.perf_counter()
        Browser(run.port, "127.0.0.93").get("/us/ct/norwalk/card.pdf")
        return time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        flood = pool.map(fetch, range(60))
        started = time.perf_counter()
        status, _, _ = browser.get("/us/ct/norwalk/")
        guide_s = time.perf_counter() - started
        times = sorted(flood)
    median_ms = times[len(times) // 2] * 1000
    return Outcome(
        "card.pdf floods slow every guide",
        status == 200 and guide_s < 1.0,
        f"60 card.pdf requests, 20 at a time: median {median_ms:.0f} ms each; "
        f"a guide during the flood: {guide_s * 1000:.0f} ms",
    )


def attack_long_export(run: Run) -> Outcome:
    status, headers, body = run.client(94).get("/api/hsds/services?format=ndjson&full=true")
    lines = body.count(b"\n")
    return Outcome(
        "an NDJSON export holds a worker without end",
        status == 200 and lines <= 10_000,
        f"one NDJSON response: {lines} records (at most 10,000 a part); "
        f"next part: {'named' if 'link' in headers else 'none (last part)'}",
    )


def attack_error_pages(run: Run) -> Outcome:
    _, headers, _ = run.client(95).get("/api/no-such-endpoint")
    return Outcome(
        "API errors answer HTML",
        headers.get("content-type", "").startswith("application/json"),
        f"unknown API address: {headers.get('content-type')}",
    )


def attack_writes_under_read(run: Run) -> Outcome:
    """A long read transaction held on the database file while readers post comments."""
    reader = sqlite3.connect(BENCH_DIR / "waypost.sqlite3", timeout=1)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM directory_service").fetchone()
    try:
        results = [
            Browser(run.port, f"127.0.0.{100 + n}").post_form(
                "/us/ct/norwalk/comment/", {"body": f"Question {n}"}, "null"
            )[0]
            for n in range(5)
        ]
    finally:
        reader.rollback()
        reader.close()
    return Outcome(
        "a long read makes comment posts fail",
        all(status == 200 for status in results),
        f"5 comment posts during an open read transaction: statuses {results}",
    )


ATTACKS: list[Attack] = [
    attack_recover_addresses,
    attack_old_keys,
    attack_locate_shelter,
    attack_lock_out_editor,
    attack_concurrent_guesses,
    attack_spray,
    attack_weak_password,
    attack_long_session,
    attack_logs,
    attack_shared_cache,
    attack_crafted_values,
    attack_pdf_flood,
    attack_long_export,
    attack_error_pages,
    attack_writes_under_read,
]


def serve(sock: socket.socket, log: Path) -> subprocess.Popen[bytes]:
    port = int(sock.getsockname()[1])
    env = {**os.environ, "WAYPOST_BIND": f"fd://{sock.fileno()}", "WEB_CONCURRENCY": "2"}
    out = log.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "waypost.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        pass_fds=[sock.fileno()],
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    args = parser.parse_args()
    if args.fresh and BENCH_DIR.exists():
        shutil.rmtree(BENCH_DIR)
    _configure_environment()
    prepare()
    log = BENCH_DIR / "gunicorn.log"
    with listening_socket() as sock:
        port = int(sock.getsockname()[1])
        server = serve(sock, log)
    run = Run(port, log)
    outcomes: list[Outcome] = []
    try:
        for attack in ATTACKS:
            try:
                outcomes.append(attack(run))
            except Exception as exc:  # an attack that errors is reported, not hidden
                outcomes.append(Outcome(attack.__name__, False, f"error: {exc!r}"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    width = max(len(o.attack) for o in outcomes)
    for o in outcomes:
        print(f"{'held  ' if o.held else 'BROKEN'}  {o.attack:<{width}}  {o.measured}")
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(
        json.dumps([o.__dict__ for o in outcomes], indent=1, ensure_ascii=False) + "\n"
    )
    return 0 if all(o.held for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

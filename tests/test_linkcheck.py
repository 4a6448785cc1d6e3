"""The link checker against a real HTTP server on 127.0.0.1 (never the network)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from waypost.editors.linkcheck import check_urls
from waypost.evidence.models import Fact, Source
from waypost.evidence.services import cite
from waypost.reports.models import Kind, ProblemReport, State

pytestmark = pytest.mark.django_db


class _Site(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str]]] = []
    active: ClassVar[int] = 0
    most_at_once: ClassVar[int] = 0
    lock = threading.Lock()

    def _answer(self, method: str) -> None:
        with self.lock:
            type(self).seen.append((method, self.path, self.headers.get("User-Agent", "")))
            type(self).active += 1
            type(self).most_at_once = max(type(self).most_at_once, type(self).active)
        path = self.path
        try:
            if path == "/slow":
                time.sleep(2)
            if path == "/busy":
                time.sleep(0.2)
        finally:
            # Counted out before answering: once the answer is sent the client may already be
            # asking its next address while this thread is still finishing.
            with self.lock:
                type(self).active -= 1
        if path == "/no-head" and method == "HEAD":
            self.send_response(405)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path in ("/ok", "/no-head", "/busy"):
            self.send_response(200)
        elif path == "/robots-only":
            self.send_response(403)
        elif path == "/broken":
            self.send_response(500)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.seen, _Site.active, _Site.most_at_once = [], 0, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_each_kind_of_answer(site: str) -> None:
    urls = [
        f"{site}/{p}" for p in ("ok", "gone", "no-head", "moved", "robots-only", "broken", "slow")
    ]
    results = check_urls(urls, timeout=0.5)
    verdict = {url.rsplit("/", 1)[1]: (r.ok, r.detail) for url, r in results.items()}
    assert verdict["ok"] == (True, "HTTP 200")
    assert verdict["gone"] == (False, "HTTP 404")
    assert verdict["no-head"] == (True, "HTTP 200")  # asked again with GET
    assert verdict["moved"] == (True, "HTTP 200")  # followed
    assert verdict["robots-only"][0] is True  # refused to robots, not gone
    assert verdict["broken"] == (False, "HTTP 500")
    assert verdict["slow"] == (False, "no answer within 0.5 s")
    agents = {agent for _, _, agent in _Site.seen}
    assert agents == {
        "WaypostLinkChecker/1.0 (checks that cited sources still answer; one request per link)"
    }


def test_a_host_that_does_not_answer_is_dead() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check_urls([f"http://127.0.0.1:{port}/x"], timeout=1)[f"http://127.0.0.1:{port}/x"]
    assert not result.ok and result.detail.startswith("could not connect")


def test_one_host_is_asked_one_request_at_a_time(site: str) -> None:
    urls = [f"{site}/busy?{n}" for n in range(6)]
    check_urls(urls, concurrency=8, timeout=5)
    assert len(_Site.seen) == 6
    assert _Site.most_at_once == 1


def test_the_same_address_is_requested_once(site: str) -> None:
    check_urls([f"{site}/ok"] * 3)
    assert len(_Site.seen) == 1


def _cited(key: str, url: str, n_facts: int) -> tuple[Source, list[Fact]]:
    source = Source.objects.create(key=key, url=url, title=key)
    facts = [Fact.objects.create(label=f"{key} fact {i}") for i in range(n_facts)]
    for fact in facts:
        cite(fact, source)
    return source, facts


def test_the_command_opens_one_problem_per_fact_citing_a_dead_link(site: str, capsys: Any) -> None:
    _, alive = _cited("live-source", f"{site}/ok", 1)
    _, dead = _cited("dead-source", f"{site}/gone", 2)
    args = ["check_links", "--source", "live-source", "--source", "dead-source", "--timeout", "2"]
    call_command(*args)
    out = capsys.readouterr().out
    assert "checked 2 addresses: 1 dead, 2 problems opened" in out
    assert f"{site}/gone\tHTTP 404" in out
    problems = ProblemReport.objects.filter(kind=Kind.DEAD_LINK, state=State.OPEN)
    assert {p.fact_id for p in problems} == {f.pk for f in dead}
    assert not ProblemReport.objects.filter(fact__in=alive).exists()
    # A dead link asks an editor to look; it does not tell readers the fact is wrong.
    for fact in dead:
        fact.refresh_from_db()
        assert fact.open_disputes == 0
    # A second run adds nothing.
    call_command(*args)
    assert "0 problems opened" in capsys.readouterr().out
    assert problems.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "no-such-key"], "unknown source key"),
        (["--concurrency", "0"], "--concurrency"),
        (["--timeout", "0"], "--timeout"),
    ],
)
def test_the_command_refuses_bad_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("check_links", *args)
    assert not ProblemReport.objects.exists()

"""The production stack as shipped (bench/stack.py): gunicorn run by the systemd unit's
commands, behind nginx with deploy/nginx/waypost.conf, on 127.0.0.1. nginx keeps reader pages
for a few seconds and never keeps a page of one person; static files are compressed and
named by content; the logs hold no address; a killed worker is replaced; a database that
goes away gives 503 from /healthz and a plain error page, and service resumes when it is back.
"""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.postgres import pg_bin, private_postgres
from bench.stack import Stack, prepare, production_stack

pytestmark = pytest.mark.skipif(
    shutil.which("nginx", path="/usr/sbin:/usr/bin") is None,
    reason="nginx is not installed (apt-get install nginx; .ci/run installs it)",
)

GUIDE = "/us/ct/norwalk/"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def get(base: str, path: str, **headers: str) -> Answer:
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("production")
    prepare(folder / "var")
    with production_stack(folder / "web", var_dir=folder / "var") as running:
        yield running


def test_nginx_keeps_a_reader_page_for_a_few_seconds(stack: Stack) -> None:
    path = f"{GUIDE}?cache-test=1"
    first, second = get(stack.base, path), get(stack.base, path)
    assert first.status == second.status == 200
    assert first.headers["X-Cache"] == "MISS" and second.headers["X-Cache"] == "HIT"
    assert second.body == first.body
    assert "public" in second.headers["Cache-Control"]


def test_nginx_answers_a_conditional_request_with_304(stack: Stack) -> None:
    etag = get(stack.base, GUIDE).headers["ETag"]
    again = get(stack.base, GUIDE, **{"If-None-Match": etag})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize("path", ["/us/ct/norwalk/comment/", "/editors/login/", "/healthz"])
def test_nginx_never_keeps_a_page_of_one_person_nor_the_health_check(
    stack: Stack, path: str
) -> None:
    answers = [get(stack.base, path) for _ in range(3)]
    assert all(a.status == 200 for a in answers)
    assert all(a.headers["X-Cache"] != "HIT" for a in answers)
    assert all("no-store" in a.headers["Cache-Control"] for a in answers)
    if path != "/healthz":
        tokens = {
            re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', a.body) for a in answers
        }
        assert len({t.group(1) for t in tokens if t}) == 3  # each reader's own token


def test_a_request_with_a_cookie_is_never_answered_from_the_cache(stack: Stack) -> None:
    get(stack.base, GUIDE)
    answer = get(stack.base, GUIDE, Cookie="sessionid=someone")
    assert answer.status == 200 and answer.headers["X-Cache"] == "BYPASS"


def test_static_files_are_compressed_named_by_content_and_kept_a_year(stack: Stack) -> None:
    page = get(stack.base, GUIDE).body.decode()
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheet and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1))
    answer = get(stack.base, stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert answer.status == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert b"{" in gzip.decompress(answer.body)
    assert "immutable" in answer.headers["Cache-Control"]


def test_the_logs_hold_no_address_and_no_query(stack: Stack) -> None:
    assert get(stack.base, "/search/?near=06850&radius=10").status == 200
    logs = [stack.folder / "logs" / "waypost.access.log", stack.folder / "gunicorn.log"]
    wait_until(lambda: "/search/" in logs[0].read_text())
    for log in logs:
        text = log.read_text()
        assert "127.0.0.1" not in text and "06850" not in text, log.name


def test_a_killed_worker_is_replaced_and_the_next_requests_succeed(stack: Stack) -> None:
    before = set(stack.worker_pids())
    killed = stack.kill_a_worker()
    # Straight to gunicorn, past nginx's cache: each request is served by a worker.
    for n in range(20):
        assert get(stack.app, f"{GUIDE}?after-kill={n}").status == 200
    wait_until(lambda: len(stack.worker_pids()) == len(before))
    assert killed not in stack.worker_pids()


@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")
def test_a_database_that_goes_away_gives_503_and_service_resumes_when_it_is_back(
    tmp_path: Path,
) -> None:
    # In the system's temporary folder: the server's user may not enter pytest's own.
    with private_postgres() as database:
        # Migrated only: the home page reads the database (the country's hotlines) all the same.
        prepare(tmp_path / "var", database.url, demo=False)
        with production_stack(
            tmp_path / "web", var_dir=tmp_path / "var", database_url=database.url
        ) as running:
            assert get(running.base, "/healthz").status == 200
            database.stop()
            down = get(running.base, "/healthz")
            assert down.status == 503 and down.body == b"database unavailable\n"
            page = get(running.base, "/?database=down")
            assert page.status == 500 and b"Something went wrong" in page.body
            assert b"Traceback" not in page.body and b"psycopg" not in page.body
            assert "public" not in page.headers.get("Cache-Control", "")
            database.start()
            wait_until(lambda: get(running.base, "/healthz").status == 200)
            assert get(running.base, "/?database=back").status == 200

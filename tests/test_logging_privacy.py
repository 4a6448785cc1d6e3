"""No client address (and no query string) in any log the project configures: Django's and
the WSGI server's, run for real with the shipped gunicorn settings."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from waypost.logfilters import REMOVED, NoClientAddress, without_addresses

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text",
    [
        "Invalid request from ip=203.0.113.9: Invalid HTTP request line",
        "peer 2001:db8::1 closed",
        "from [2001:db8:0:1::5]:443",
        "client 198.51.100.7:51234 timed out",
        "mapped ::ffff:192.0.2.1 seen",
    ],
)
def test_addresses_are_removed(text: str) -> None:
    cleaned = without_addresses(text)
    assert REMOVED in cleaned
    for address in ("203.0.113.9", "2001:db8", "198.51.100.7", "192.0.2.1"):
        assert address not in cleaned


def test_query_strings_are_removed_and_paths_kept() -> None:
    text = "Error handling request GET /search/?near=41.1,-73.4&q=x"
    assert without_addresses(text) == "Error handling request GET /search/?[query removed]"


@pytest.mark.parametrize(
    "text", ["took 12:30:45", "Django 5.2.19", "GET /us/ct/norwalk/ 200", "What? Why?"]
)
def test_other_text_stays(text: str) -> None:
    assert without_addresses(text) == text


def test_the_filter_rewrites_messages_with_arguments() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "from ip=%s", ("10.1.2.3",), None)
    assert NoClientAddress().filter(record) and record.getMessage() == f"from ip={REMOVED}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn stopped at start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)  # polling a starting server, not waiting on a result
    pytest.fail("gunicorn did not start")


def test_gunicorn_logs_no_address_and_no_query(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(WAYPOST_VAR_DIR=str(tmp_path), WAYPOST_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "waypost.wsgi"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server)
            with socket.create_connection(("127.0.0.1", port)) as raw:
                raw.sendall(b"NOT A REQUEST \x00\r\n\r\n")
                raw.recv(1024)
            # Any answer is logged; the log is what is checked.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/browse-safely/?near=41.1177,-73.4082", timeout=30
                ).read()
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "Invalid request from ip=" + REMOVED in text, text
    assert "GET /browse-safely/" in text, text
    assert "127.0.0.1" not in text.replace(f"127.0.0.1:{port}", ""), text
    assert "41.1177" not in text and "near=" not in text, text

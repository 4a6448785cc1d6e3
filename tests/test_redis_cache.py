"""A cache shared by several app servers: with WAYPOST_CACHE_URL=redis://..., Django's cache
is Debian's redis-server, so what one server process stores (a card PDF) another finds
without making it again. A private redis-server is started for the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(
    SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
)

# One app server's process: makes (or finds) the card PDF of a fixed page, says which.
APP_PROCESS = """
import sys
import django; django.setup()
from django.conf import settings
from django.core.cache import cache
from waypost.site import pdf
made = []
render = pdf.render_pdf
pdf.render_pdf = lambda html, css: made.append(1) or render(html, css)
out = pdf.cached_pdf("<h1>Shared card</h1>", "site/site.css", name=sys.argv[1])
print(settings.CACHES["pdf"]["BACKEND"].rsplit(".", 1)[-1], "made" if made else "found",
      len(out), out[:5].decode())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """The server CI started (.ci/run names it in WAYPOST_CACHE_URL), or one of the test's own."""
    named = os.environ.get("WAYPOST_CACHE_URL", "")
    if named.startswith("redis://"):
        yield named
        return
    port = free_port()
    listen = [SERVER or "redis-server", "--bind", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*listen, "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert server.poll() is None and time.monotonic() < deadline, "redis did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=30)


def app_process(redis_url: str, var: Path, name: str) -> str:
    env = {**os.environ, "WAYPOST_VAR_DIR": str(var), "WAYPOST_CACHE_URL": redis_url}
    env.setdefault("DJANGO_SETTINGS_MODULE", "waypost.settings")
    done = subprocess.run(
        [sys.executable, "-c", APP_PROCESS, name],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_card_made_by_one_app_server_is_found_by_another(redis_url: str, tmp_path: Path) -> None:
    # Two processes with var folders of their own: nothing is shared but Redis.
    name = f"card:shared-{uuid.uuid4().hex}:en"
    first = app_process(redis_url, tmp_path / "one", name).split()
    second = app_process(redis_url, tmp_path / "two", name).split()
    assert first[:2] == ["RedisCache", "made"] and first[3] == "%PDF-"
    assert second[:2] == ["RedisCache", "found"] and second[2] == first[2]
    keys = redis.Redis.from_url(redis_url).keys(f"*{name}*")
    assert len(keys) == 1


def test_a_cache_address_of_an_unknown_kind_stops_start_up(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WAYPOST_VAR_DIR": str(tmp_path),
        "WAYPOST_CACHE_URL": "memcached://127.0.0.1:11211",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "WAYPOST_CACHE_URL='memcached://127.0.0.1:11211'" in done.stderr
    assert "redis://host" in done.stderr

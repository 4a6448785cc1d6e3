"""/healthz: 200 when the database answers, 503 when it does not; plain text either way,
nothing of the error shown, never kept by a cache."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import Client

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_refuses_a_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_when_the_database_cannot_be_opened() -> None:
    # A database file in a folder that does not exist: SQLite cannot open it. In a process
    # of its own, as the settings are read once.
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "WAYPOST_VAR_DIR": var,
            "DATABASE_URL": f"sqlite:///{var}/missing/waypost.sqlite3",
            "DJANGO_SETTINGS_MODULE": "waypost.settings",
        }
        script = (
            "import django; django.setup()\n"
            "from django.test import Client\n"
            "r = Client(raise_request_exception=False).get('/healthz')\n"
            "print(r.status_code, r['Cache-Control'], r['Content-Type'], r.content, sep='|')\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    status, cache, content_type, body = done.stdout.split("|", 3)
    assert status == "503"
    assert "no-store" in cache and content_type.startswith("text/plain")
    assert body.strip() == "b'database unavailable\\n'"
    assert "Traceback" not in done.stdout + done.stderr

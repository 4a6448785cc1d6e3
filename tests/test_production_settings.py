"""The production settings (README, "Running it in production") pass Django's deployment
check with no warning; without them, the check names what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def deploy_check(**variables: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "WAYPOST_VAR_DIR": var, "DEBUG": "false", **variables}
        for name in ("WAYPOST_HTTPS", "DATABASE_URL", "SECURE_COOKIES"):
            if name not in variables:
                env.pop(name, None)
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def test_the_deploy_check_is_clean_behind_https() -> None:
    done = deploy_check(WAYPOST_HTTPS="true", ALLOWED_HOSTS="waypost.example.org")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_the_deploy_check_names_what_is_missing() -> None:
    done = deploy_check(ALLOWED_HOSTS="waypost.example.org")
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in done.stderr + done.stdout

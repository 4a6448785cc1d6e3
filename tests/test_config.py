"""Settings and required files fail loudly: a malformed value or a missing file stops
`manage.py` and the WSGI application with a message naming it, never read as a guess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from waypost.config import Env
from waypost.datasets import checks as data_checks
from waypost.datasets import demo
from waypost.site import checks as site_checks

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)],
)
def test_flags_read_the_usual_words(value: str, expected: bool) -> None:
    env = Env({"DEBUG": value})
    assert env.flag("DEBUG", not expected) is expected and env.problems == []


@pytest.mark.parametrize("value", ["Flase", "ture", "2", "y e s"])
def test_a_flag_that_is_no_yes_or_no_is_refused(value: str) -> None:
    env = Env({"DEBUG": value})
    assert env.flag("DEBUG", False) is False
    assert len(env.problems) == 1 and env.problems[0].startswith(f"DEBUG={value!r} is not")


def test_numbers_are_refused_when_unreadable_or_out_of_range() -> None:
    env = Env({"A": "ten", "B": "0", "C": "nan", "D": "inf", "E": "-3", "F": "12", "G": ""})
    assert env.integer("A", 5) == 5
    assert env.integer("B", 5, minimum=1) == 5
    assert env.decimal("C", 60.0) == 60.0
    assert env.decimal("D", 60.0) == 60.0
    assert env.decimal("E", 60.0) == 60.0
    assert env.integer("F", 5) == 12
    assert env.integer("G", 5) == 5  # empty is unset
    assert [p.split("=")[0] for p in env.problems] == ["A", "B", "C", "D", "E"]


def test_the_page_cache_is_each_process_memory_unless_an_address_names_another() -> None:
    env = Env(
        {
            "UNSET": "",
            "LOCAL": "locmem://",
            "FILES": "file:///srv/waypost/pages",
            "RELATIVE": "file://pages",
            "OTHER": "memcached://127.0.0.1",
        }
    )
    local = "django.core.cache.backends.locmem.LocMemCache"
    assert env.cache("UNSET")["BACKEND"] == env.cache("LOCAL")["BACKEND"] == local
    files = env.cache("FILES")
    assert files == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/srv/waypost/pages",
    }
    # What cannot be read is refused, naming the variable, and memory is used meanwhile.
    assert env.cache("RELATIVE")["BACKEND"] == env.cache("OTHER")["BACKEND"] == local
    assert [p.split("=")[0] for p in env.problems] == ["RELATIVE", "OTHER"]


def _manage_check(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(WAYPOST_VAR_DIR=str(tmp_path), **environ)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_stops_on_malformed_settings_naming_them(tmp_path: Path) -> None:
    found = _manage_check(
        tmp_path,
        DEBUG="Flase",
        COMMENTS_PER_HOUR="ten",
        DATABASE_URL="nonsense://editor:hunter2@db/waypost",
    )
    assert found.returncode == 1
    assert "Traceback" not in found.stderr
    for words in ("DEBUG='Flase' is not a yes/no value", "COMMENTS_PER_HOUR='ten'", "DATABASE_URL"):
        assert words in found.stderr, found.stderr
    assert "hunter2" not in found.stderr  # a database password is never echoed


def test_manage_py_starts_with_sound_settings(tmp_path: Path) -> None:
    found = _manage_check(tmp_path, DEBUG="off", COMMENTS_PER_HOUR="12")
    assert found.returncode == 0, found.stderr
    assert "no issues" in found.stdout


def test_the_wsgi_application_does_not_start_on_malformed_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(WAYPOST_VAR_DIR=str(tmp_path), NEARBY_RADIUS_MI="far")
    found = subprocess.run(
        [sys.executable, "-c", "import waypost.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.returncode != 0
    assert "NEARBY_RADIUS_MI='far'" in found.stderr


def test_a_missing_or_malformed_demo_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "PROJECT_DATA", tmp_path)
    (tmp_path / "federal-facts.json").write_text("{not json")
    (tmp_path / "norwalk-facts.json").write_text("[]")
    found = [m.msg for m in data_checks.demo_data_files()]
    assert any("federal-facts.json cannot be read as JSON" in m for m in found), found
    assert any("norwalk-facts.json is not a JSON object" in m for m in found), found
    assert any("holds 0 state law files, not 51" in m for m in found), found
    assert any(m.endswith("editorial is missing") for m in found), found


def test_the_demo_files_in_the_repository_pass() -> None:
    assert data_checks.demo_data_files() == []
    assert all(path.is_relative_to(REPO_ROOT / "data") for path in demo.demo_files())


def test_uncompiled_translations_are_named(tmp_path: Path) -> None:
    with override_settings(LOCALE_PATHS=[tmp_path]):
        found = [m.msg for m in site_checks.compiled_translations()]
    assert len(found) == 2 and "django.mo is missing" in found[1]


def test_a_reference_folder_without_the_official_files_is_named(tmp_path: Path) -> None:
    with override_settings(HSDS_REFERENCE_DIR=tmp_path):
        found = [m.msg for m in site_checks.hsds_reference_folder()]
    assert len(found) == 1 and "WAYPOST_HSDS_REFERENCE_DIR=" in found[0]
    assert "schema/service.json" in found[0]
    with override_settings(HSDS_REFERENCE_DIR=None):
        assert site_checks.hsds_reference_folder() == []

"""A Waypost SQLite database in a file of its own, used by real `manage.py` processes with the
site's settings. The test process's own database is in memory (or PostgreSQL), where neither
locking between processes nor a backup can be seen."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE = "waypost.sqlite3"
# Creates the country every test comment is posted under; `place` is then in scope.
PLACE = (
    "from waypost.places.models import Place\n"
    "from waypost.comments.services import submit\n"
    "place, _ = Place.objects.get_or_create(path='us', defaults=dict(kind='country',"
    " name='United States', name_key='united states'))\n"
)


def site_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a site whose database is `var_dir`/waypost.sqlite3."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(WAYPOST_VAR_DIR=str(var_dir), **extra)
    return env


def manage(var_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=site_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def shell(var_dir: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Python run by `manage.py shell` on the site at `var_dir`."""
    return manage(var_dir, "shell", "--no-imports", "-c", code)


def shell_process(var_dir: Path, code: str) -> subprocess.Popen[str]:
    """The same, left running; its output is read line by line."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO_ROOT,
        env=site_env(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def copy_database(source: Path, target: Path) -> None:
    """A copy through SQLite itself, whatever journal the source is in."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def rows(database: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as db:
        found = db.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    db.close()
    return found

"""`manage.py backup_db`: a checked copy of the database taken while comments keep being posted,
which restores to the same rows; bad paths refused by name with nothing written; a failed
backup leaves nothing at the path (nor changes the file there)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.sitedb import DATABASE, PLACE, manage, rows, shell, shell_process
from waypost.comments.models import Comment
from waypost.dataversion.models import DataChange
from waypost.site.backup import model_tables, postgresql_environment

COMMENTS = Comment._meta.db_table
CHANGES = DataChange._meta.db_table
# Rows enough that the copy takes a while (about 15 MB), then comments one by one until the
# test makes the stop file.
KEEP_POSTING = (
    PLACE
    + """
import pathlib
from waypost.comments.models import Comment
Comment.objects.bulk_create(
    Comment(place=place, body=f"{{n}} " + "x" * 3000) for n in range(5000)
)
stop = pathlib.Path({stop!r})
posted = 0
while posted == 0 or not stop.exists():
    submit(place, name="", email="", body=f"posted {{posted}}")
    posted += 1
    if posted == 1:
        print("posting", flush=True)
print(posted, flush=True)
"""
)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_backup_taken_while_comments_are_posted_is_whole_and_restores(
    site_var: Path, tmp_path: Path
) -> None:
    source = site_var / DATABASE
    stop = tmp_path / "stop"
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "waypost-backup.sqlite3"
    writer = shell_process(site_var, KEEP_POSTING.format(stop=str(stop)))
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "posting", writer.stderr
        done = manage(site_var, "backup_db", str(path))
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-2000:]
    posted = int(out.split()[-1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"to {path}" in done.stdout

    # One self-contained, private file; nothing else left in the folder.
    assert files_in(folder) == {path.name}
    assert path.stat().st_mode & 0o077 == 0
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    copy.close()

    # Every table as it was at one moment: the comments posted up to then, and no other.
    copied = rows(path, COMMENTS)
    assert 5000 < len(copied) <= 5000 + posted
    assert copied == rows(source, COMMENTS)[: len(copied)]
    # The data version moved on with each comment: the copy holds its rows up to then (less
    # the old ones pruned as new came), the source those and the later ones.
    changes_copied = rows(path, CHANGES)
    last_copied = max(row[0] for row in changes_copied)
    still_there = [row for row in rows(source, CHANGES) if row[0] <= last_copied]
    assert still_there == changes_copied[len(changes_copied) - len(still_there) :]
    for table in model_tables():
        if table not in (COMMENTS, CHANGES):
            assert rows(path, table) == rows(source, table), table

    # Restored as a site's database, Django finds every migration applied and the same rows.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(path, restored / DATABASE)
    checked = manage(restored, "migrate", "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    counted = shell(
        restored,
        "from waypost.comments.models import Comment\n"
        "print(Comment.objects.count(), Comment.objects.order_by('id').last().body)",
    )
    assert counted.returncode == 0, counted.stderr[-2000:]
    assert counted.stdout.split() == [str(len(copied)), "posted", str(len(copied) - 5001)]

    # A second backup to the same path is refused, plainly, and leaves the first one alone.
    again = manage(site_var, "backup_db", str(path))
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    assert f"CommandError: {path} already exists" in again.stderr
    assert rows(path, COMMENTS) == copied


def overwrite_a_page(database: Path) -> None:
    """The first page of the comments overwritten, as by a failing disk: reading it fails."""
    with sqlite3.connect(database) as db:
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [COMMENTS]
        ).fetchone()
    db.close()
    with open(database, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)


def mismatch_an_index(database: Path) -> None:
    """An index of the comments no longer matching their rows: every row reads, every count
    is right, and only SQLite's integrity check finds the damage."""
    with sqlite3.connect(database) as db:
        (name, sql) = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            ' AND sql LIKE \'%("place_id", "status")\'',
            [COMMENTS],
        ).fetchone()
        swapped = sql.replace('("place_id", "status")', '("status", "place_id")')
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [swapped, name])
    db.close()


@pytest.mark.parametrize(
    ("damage", "overwrite", "message"),
    [
        (overwrite_a_page, False, "the backup of {db} failed (database disk image is malformed)"),
        (mismatch_an_index, True, "the copy of {db} is damaged: row 1 missing from index"),
    ],
)
def test_a_failed_backup_leaves_nothing_at_the_path(
    site_var: Path, tmp_path: Path, damage: Callable[[Path], None], overwrite: bool, message: str
) -> None:
    posted = shell(site_var, PLACE + "submit(place, name='', email='', body='Hello')")
    assert posted.returncode == 0, posted.stderr[-2000:]
    damage(site_var / DATABASE)
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "waypost-backup.sqlite3"
    if overwrite:
        path.write_bytes(b"the previous backup")

    done = manage(site_var, "backup_db", str(path), *(["--overwrite"] if overwrite else []))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"CommandError: {message.format(db=site_var / DATABASE)}" in done.stderr
    if overwrite:
        assert path.read_bytes() == b"the previous backup"
        assert files_in(folder) == {path.name}
    else:
        assert files_in(folder) == set()


# -- paths refused before anything is read or written ------------------------------------


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder no one may create a file in: read-only, or immutable where the tests run as
    root (who writes in read-only folders)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if writable(folder):
        immutable = subprocess.run(["chattr", "+i", str(folder)], check=False).returncode == 0
        if not immutable or writable(folder):
            pytest.skip("no folder here is closed to this user (root, without chattr)")
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def writable(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def backup_db(*args: str) -> str:
    out = StringIO()
    call_command("backup_db", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_an_existing_path_is_refused_unless_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "backup.sqlite3"
    path.write_bytes(b"kept")
    with pytest.raises(CommandError, match=f"^{path} already exists: .*--overwrite"):
        backup_db(str(path))
    assert path.read_bytes() == b"kept"
    assert files_in(tmp_path) == {path.name}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/backup.sqlite3", "the folder {folder}/missing does not exist"),
        ("", "is a folder"),
    ],
)
def test_a_path_in_a_missing_folder_or_a_folder_is_refused(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / name
    with pytest.raises(CommandError) as refused:
        backup_db(str(path))
    assert str(path) in str(refused.value)
    assert message.format(folder=tmp_path) in str(refused.value)
    assert files_in(tmp_path) == set()


def test_an_unwritable_folder_is_refused(unwritable: Path) -> None:
    path = unwritable / "backup.sqlite3"
    with pytest.raises(CommandError, match=f"^{path}: cannot write in {unwritable}"):
        backup_db(str(path))
    assert files_in(unwritable) == set()


def test_the_live_database_itself_is_refused(site_var: Path) -> None:
    done = manage(site_var, "backup_db", str(site_var / DATABASE), "--overwrite")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is the database itself" in done.stderr
    assert files_in(site_var) >= {DATABASE}
    assert not [name for name in files_in(site_var) if name.endswith(".part")]


# -- PostgreSQL ----------------------------------------------------------------------------


def test_without_pg_dump_the_backup_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    path = tmp_path / "waypost.dump"
    done = manage(
        tmp_path,
        "backup_db",
        str(path),
        DATABASE_URL="postgres://waypost:s3cret@db.invalid:5432/waypost",
        PATH=str(empty),
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "CommandError: pg_dump and pg_restore not found on the PATH" in done.stderr
    assert "s3cret" not in done.stdout + done.stderr
    assert not path.exists()


def test_pg_dump_gets_the_password_from_the_environment_only() -> None:
    env = postgresql_environment(
        {
            "NAME": "waypost",
            "USER": "editor",
            "PASSWORD": "s3cret",
            "HOST": "db.example",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert (
        env.items()
        >= {
            "PGDATABASE": "waypost",
            "PGUSER": "editor",
            "PGPASSWORD": "s3cret",
            "PGHOST": "db.example",
            "PGPORT": "5433",
            "PGSSLMODE": "require",
        }.items()
    )


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs the suite to run on PostgreSQL (DATABASE_URL; CI does)",
)
def test_a_postgresql_backup_is_a_dump_pg_restore_reads(tmp_path: Path) -> None:
    path = tmp_path / "waypost.dump"
    out = backup_db(str(path))
    assert f"to {path}" in out
    listed = subprocess.run(
        ["pg_restore", "--list", str(path)], capture_output=True, text=True, check=True
    )
    for table in ("places_place", COMMENTS, "evidence_fact"):
        assert f" TABLE DATA public {table} " in listed.stdout
    assert path.stat().st_mode & 0o077 == 0
    assert files_in(tmp_path) == {path.name}

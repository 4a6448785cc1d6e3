"""SQLite under writes: a long read does not make a comment post fail, and a transaction that
reads before it writes is not refused because another writer came in between.

Each test runs real `manage.py` processes, with the site's settings, on a database file of
their own (tests/sitedb.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.sitedb import DATABASE, PLACE, shell
from waypost.comments.models import Comment

COMMENTS = Comment._meta.db_table


def test_a_long_read_does_not_make_a_comment_post_fail(site_var: Path) -> None:
    reader = sqlite3.connect(site_var / DATABASE, isolation_level=None)
    try:
        # A read transaction held open, as by an export streaming the whole directory.
        reader.execute("BEGIN")
        (before,) = reader.execute(f'SELECT count(*) FROM "{COMMENTS}"').fetchone()

        posted = shell(site_var, PLACE + "submit(place, name='', email='', body='Hello')")

        assert posted.returncode == 0, posted.stderr[-2000:]
        # The reader still sees the database as it was when its read began.
        assert reader.execute(f'SELECT count(*) FROM "{COMMENTS}"').fetchone() == (before,)
        reader.execute("COMMIT")
        assert reader.execute(f'SELECT count(*) FROM "{COMMENTS}"').fetchone() == (before + 1,)
    finally:
        reader.close()


# In one process, so that the order of events is fixed without threads: the site's connection
# opens a transaction and reads; another connection then tries to write (it does not wait, so
# the test stays in one thread: on the site it would wait, up to the busy timeout); then the
# transaction writes. Begun deferred, in WAL mode, that last write is refused ("database is
# locked") as soon as the other one got in; begun IMMEDIATE, the other one is made to queue.
READ_THEN_WRITE = (
    PLACE
    + """
import json
import sqlite3
from django.db import connection, transaction
from django.utils import timezone
from waypost.comments.models import Comment

table = Comment._meta.db_table
other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
with transaction.atomic():
    seen = Comment.objects.count()
    try:
        other.execute(
            f'INSERT INTO "{table}" (place_id, name, email, body, status, created_at,'
            " moderated_by) VALUES (?, '', '', 'in between', 'held', ?, '')",
            [place.pk, timezone.now().isoformat()],
        )
        other_wrote = True
    except sqlite3.OperationalError:
        other_wrote = False
    submit(place, name="", email="", body=f"after reading {seen}")
print(json.dumps({"other_wrote": other_wrote, "comments": Comment.objects.count()}))
"""
)


def test_a_transaction_that_reads_then_writes_is_not_refused_by_another_writer(
    site_var: Path,
) -> None:
    done = shell(site_var, READ_THEN_WRITE)

    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"other_wrote": False, "comments": 1}

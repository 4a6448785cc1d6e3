"""The PostgreSQL backup restores to identical data: `backup_db` (pg_dump, custom format), then
the README's restore (`pg_restore --no-owner` into an empty database) gives every model's
table the same rows, and the same tables, indexes and search triggers."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from waypost.site.backup import model_tables, postgresql_environment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs the suite to run on PostgreSQL (DATABASE_URL; CI does)",
    ),
]

# The rows of a table, each as text, in order: one digest for the whole table.
TABLE_DIGEST = (
    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
)
SCHEMA = (
    "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal "
    "UNION ALL SELECT 'extension ' || extname FROM pg_extension ORDER BY 1"
)


def fingerprint(cursor: psycopg.Cursor) -> dict[str, object]:  # type: ignore[type-arg]
    found: dict[str, object] = {}
    for table in model_tables():
        cursor.execute(TABLE_DIGEST.format(connection.ops.quote_name(table)))
        found[table] = cursor.fetchone()
    cursor.execute(SCHEMA)
    found["schema"] = [row[0] for row in cursor.fetchall()]
    return found


@pytest.fixture
def restored_name() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restored"
    env = postgresql_environment(connection.settings_dict)
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True, capture_output=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True, capture_output=True)


def test_a_dump_restores_to_identical_data(tmp_path: Path, restored_name: str) -> None:
    dump = tmp_path / "waypost.dump"
    call_command("backup_db", str(dump), stdout=StringIO())
    env = postgresql_environment(connection.settings_dict)
    subprocess.run(["createdb", restored_name], env=env, check=True, capture_output=True)
    restore = ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored_name, str(dump)]
    done = subprocess.run(restore, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

    settings = connection.settings_dict
    with connection.cursor() as cursor:
        original = fingerprint(cursor.cursor)
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=restored_name,
    ) as restored_connection:
        restored = fingerprint(restored_connection.cursor())
    assert restored == original
    # The demo's data is there: a comparison of empty tables would prove nothing.
    assert original["places_place"][0] > 0  # type: ignore[index]

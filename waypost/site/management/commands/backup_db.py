"""`manage.py backup_db PATH`: a checked copy of the database, taken while the site serves.

In the site app: a backup concerns every app's tables, and the site is the one app above all
the others, so no domain app has to know of the rest (README, "How the code is laid out").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from waypost.site.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database to PATH while the site keeps serving and writing, check the copy "
        "(SQLite: integrity and every table's row count; PostgreSQL: pg_dump's custom format, "
        "read back with pg_restore --list) and only then put it at PATH."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the file to write")
        parser.add_argument(
            "--overwrite", action="store_true", help="replace PATH if it already exists"
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = backup(
                options["path"], alias=options["database"], overwrite=options["overwrite"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = "" if done.rows is None else f", {done.rows:,} rows"
        self.stdout.write(
            f"backed up {done.tables} tables{rows} to {done.path} "
            f"({done.size / 2**20:.1f} MB, {done.seconds:.1f} s)"
        )

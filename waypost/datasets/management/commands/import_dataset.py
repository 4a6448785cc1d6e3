from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.errors import DataFileError
from waypost.datasets.national import KINDS, import_dataset


class Command(BaseCommand):
    help = (
        "Import a public national data set file (hrsa, hospitals or lsc), all or nothing: "
        "adds, updates and marks as no longer listed, then lists what was left out and why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="which data set the file is")
        parser.add_argument("path", type=Path, help="the file (CSV or JSON, as published)")
        parser.add_argument(
            "--as-of",
            help="the date of the data (YYYY, YYYY-MM or YYYY-MM-DD) when the file does not say",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_dataset(options["kind"], options["path"], as_of=options["as_of"])
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was imported)") from None
        for line in summary.lines():
            self.stdout.write(line)

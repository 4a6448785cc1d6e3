from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.editorial import load_editorial_dir, load_editorial_file
from waypost.datasets.errors import DataFileError


class Command(BaseCommand):
    help = "Load editorial answers from Markdown files (a file or a directory of them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            count = load_editorial_dir(path) if path.is_dir() else load_editorial_file(path)
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was loaded)") from None
        self.stdout.write(f"Loaded {count} editorial answers.")

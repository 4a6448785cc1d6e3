from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.errors import DataFileError
from waypost.datasets.translations import load_translations_dir, load_translations_file


class Command(BaseCommand):
    help = "Load content translations (a JSON file per language, or a directory of them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            count = load_translations_dir(path) if path.is_dir() else load_translations_file(path)
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was loaded)") from None
        self.stdout.write(f"Loaded {count} translations.")

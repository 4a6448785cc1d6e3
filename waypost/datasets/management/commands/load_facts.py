from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.errors import DataFileError
from waypost.datasets.facts import load_facts_file
from waypost.directory.taxonomy import ensure_taxonomies


class Command(BaseCommand):
    help = "Load a sourced facts file (same shape as norwalk-facts.json); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="JSON facts files")

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_taxonomies()
        for path in options["paths"]:
            try:
                self.stdout.write(str(load_facts_file(path)))
            except DataFileError as exc:
                raise CommandError(f"{exc} (nothing was loaded from this file)") from None

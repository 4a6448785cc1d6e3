from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.demo import load_demo
from waypost.datasets.errors import DataFileError


class Command(BaseCommand):
    help = "Load the demo data: gazetteer, categories, facts files and editorial answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-gazetteer",
            action="store_true",
            help="keep the gazetteer already loaded (it is loaded when missing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for line in load_demo(gazetteer=not options["skip_gazetteer"]):
                self.stdout.write(line)
        except DataFileError as exc:
            raise CommandError(str(exc)) from None

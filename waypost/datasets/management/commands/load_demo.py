from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.demo import load_demo
from waypost.datasets.errors import DataFileError


class Command(BaseCommand):
    help = (
        "Load the demo data: gazetteer, categories, facts files, editorial answers and "
        "translations, then the national data set files in WAYPOST_DATASETS_DIR, if set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-gazetteer",
            action="store_true",
            help="keep the gazetteer already loaded (it is loaded when missing)",
        )
        parser.add_argument(
            "--no-datasets",
            action="store_true",
            help="leave out the national data sets even if WAYPOST_DATASETS_DIR names them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = load_demo(
                gazetteer=not options["skip_gazetteer"], datasets=not options["no_datasets"]
            )
            for line in lines:
                self.stdout.write(line)
        except DataFileError as exc:
            raise CommandError(str(exc)) from None

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.errors import DataFileError
from waypost.dataversion.services import many_writes
from waypost.hsds.importer import import_hsds


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.1 data: a JSON file (a service, an organization, a list "
        "or an API page of them) or a tabular data package (its folder or datapackage.json). "
        "All or nothing; records already here (same HSDS id) are updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="JSON file, package folder or datapackage.json")
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="records written per statement batch"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            # The import writes in bulk SQL, around the model signals.
            with many_writes():
                result = import_hsds(options["path"], batch_size=options["batch_size"])
        except DataFileError as exc:
            raise CommandError(f"{exc} (nothing was imported)") from None
        self.stdout.write(str(result))

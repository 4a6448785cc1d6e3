from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.hsds.exporter import write_json, write_tabular


class Command(BaseCommand):
    help = (
        "Export the directory as Open Referral HSDS 3.1: a JSON file (an API page of "
        "service_full documents) or a tabular data package folder (datapackage.json + CSV)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .json file, or a folder for the package")
        parser.add_argument(
            "--format",
            choices=["json", "tabular"],
            help="default: json when PATH ends in .json, tabular otherwise",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        form = options["format"] or ("json" if path.suffix == ".json" else "tabular")
        if form == "json":
            if path.is_dir():
                raise CommandError(f"{path} is a folder; a JSON export needs a file name")
            if not path.parent.is_dir():
                raise CommandError(f"{path.parent} does not exist")
            with path.open("w", encoding="utf-8") as out:
                total = write_json(out)
            self.stdout.write(f"Exported {total} services to {path}")
            return
        if path.exists() and not path.is_dir():
            raise CommandError(f"{path} is a file; a tabular export needs a folder")
        left_out: dict[str, int] = {}
        counts = write_tabular(path, left_out)
        written = ", ".join(f"{n} rows to {name}" for name, n in counts.items())
        self.stdout.write(f"Exported {written} (and datapackage.json) in {path}")
        for name, n in left_out.items():
            self.stdout.write(f"  left out of {name}: {n} without a value HSDS requires")

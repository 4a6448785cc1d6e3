"""Write (or check) the editors' law review report from the state law files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.datasets.demo import PROJECT_DATA, STATE_LAWS
from waypost.datasets.errors import DataFileError
from waypost.datasets.law_review import report_markdown, review_all

REPORT = PROJECT_DATA / STATE_LAWS / "REVIEW.md"


class Command(BaseCommand):
    help = (
        "Per state: claims checked, held, corrected, added and left unconfirmed (with why), "
        f"and the share of penalty facts on an official source. Writes {REPORT.name} beside "
        "the state law files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed report differs from the data.",
        )
        parser.add_argument("--output", type=Path, help=f"Write here instead of {REPORT}.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = report_markdown(review_all(PROJECT_DATA / STATE_LAWS))
        except DataFileError as exc:
            raise CommandError(str(exc)) from None
        target: Path = options["output"] or REPORT
        if options["check"]:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(
                    f"{target} is out of date with the state law files: run manage.py law_review."
                )
            self.stdout.write(f"{target}: up to date")
            return
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc.strerror}") from None
        self.stdout.write(f"wrote {target}")

"""Print, per state and topic, whether Waypost has a checked, sourced fact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.guides.access import access_by_state
from waypost.guides.coverage import COVERAGE_TOPICS, state_coverage, states


class Command(BaseCommand):
    help = "Per state and topic: checked, unchecked or missing (the same data as /coverage/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", help="Two-letter state code, e.g. CT.")
        parser.add_argument(
            "--access",
            action="store_true",
            help="Per state: share of cities and of their people near in-person help.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code: str | None = options["state"]
        chosen = list(states(code))
        if code is not None and not chosen:
            raise CommandError(f"Unknown state code {code!r}: use a two-letter code such as CT.")
        if options["access"]:
            self._access(code)
            return
        headings = ["state", *(heading for _, heading in COVERAGE_TOPICS)]
        rows = [
            [row.state.name, *(status for _, status in row.cells)] for row in state_coverage(chosen)
        ]
        widths = [max(len(r[i]) for r in [headings, *rows]) for i in range(len(headings))]
        for row in [headings, *rows]:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

    def _access(self, code: str | None) -> None:
        rows, country = access_by_state(code)
        headings = ["state", "cities", *(f"{h} (cities/people)" for h, _, _ in country.columns)]
        table = [
            [row.name, str(row.total.cities)]
            + [f"{cities:.1f}% / {people:.1f}%" for _, cities, people in row.columns]
            for row in [*rows, country]
        ]
        widths = [max(len(r[i]) for r in [headings, *table]) for i in range(len(headings))]
        for row in [headings, *table]:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())

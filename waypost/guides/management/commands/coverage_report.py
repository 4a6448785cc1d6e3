"""Print, per state and topic, whether Waypost has a checked, sourced fact."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.guides.access import access_by_state
from waypost.guides.answers import SampleAnswers, sample_answers, sample_cities
from waypost.guides.coverage import COVERAGE_TOPICS, state_coverage, states

# Each guide is composed twice (once per language): a bound keeps a run to minutes.
MAX_SAMPLE = 2000


class Command(BaseCommand):
    help = "Per state and topic: checked, unchecked or missing (the same data as /coverage/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--state", help="Two-letter state code, e.g. CT.")
        parser.add_argument(
            "--access",
            action="store_true",
            help="Per state: share of cities and of their people near in-person help.",
        )
        parser.add_argument(
            "--guides",
            type=int,
            metavar="N",
            help="How many questions the guides of N random cities answer, in each language.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Which random cities (--guides); default 1."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code: str | None = options["state"]
        chosen = list(states(code))
        if code is not None and not chosen:
            raise CommandError(f"Unknown state code {code!r}: use a two-letter code such as CT.")
        if options["access"]:
            self._access(code)
            return
        if options["guides"] is not None:
            self._guides(options["guides"], options["seed"])
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

    def _guides(self, count: int, seed: int) -> None:
        if not 1 <= count <= MAX_SAMPLE:
            raise CommandError(f"--guides must be a whole number from 1 to {MAX_SAMPLE}.")
        cities = sample_cities(count, seed)
        for language, _name in settings.LANGUAGES:
            self._sample_lines(sample_answers(cities, language))

    def _sample_lines(self, sample: SampleAnswers) -> None:
        guides = sample.guides
        questions = guides[0].questions if guides else 0
        write = self.stdout.write
        write(f"[{sample.language}] {len(guides)} guides")
        write(f"  answered on average: {sample.mean_answered:.2f} of {questions}")
        write(f"  fewest answered: {sample.fewest_answered} of {questions}")
        many = sample.guides_with_more_empty_than(1)
        write(f"  guides with 'no checked information' on more than one question: {len(many)}")
        for guide in many[:10]:
            write(f"    {guide.place.path}: {', '.join(guide.empty)}")
        for slug, n in sample.empty_by_question().most_common():
            write(f"  empty: {slug}: {n} guides")
        for slug, n in sample.law_in_english_by_question().most_common():
            write(f"  law question showing English: {slug}: {n} guides")

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.editors.linkcheck import check_sources
from waypost.evidence.models import Source


class Command(BaseCommand):
    help = (
        "Request every source address (bounded concurrency, one request at a time per host, "
        "a timeout, a polite user agent); a dead link opens a problem on each fact citing it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", default=[], help="check only this source key (repeatable)"
        )
        parser.add_argument("--concurrency", type=int, default=4, help="hosts at once (4)")
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["concurrency"] <= 32:
            raise CommandError("--concurrency must be between 1 and 32")
        if not 0 < options["timeout"] <= 120:
            raise CommandError("--timeout must be more than 0 and at most 120 seconds")
        sources = Source.objects.all()
        if options["source"]:
            keys = set(options["source"])
            sources = sources.filter(key__in=keys)
            unknown = keys - set(sources.values_list("key", flat=True))
            if unknown:
                raise CommandError(f"unknown source key(s): {', '.join(sorted(unknown))}")
        report = check_sources(
            list(sources), concurrency=options["concurrency"], timeout=options["timeout"]
        )
        for result in sorted(report.dead, key=lambda r: r.url):
            self.stdout.write(f"dead\t{result.url}\t{result.detail}")
        self.stdout.write(
            f"checked {report.checked} addresses: {len(report.dead)} dead, "
            f"{report.problems_opened} problems opened"
        )

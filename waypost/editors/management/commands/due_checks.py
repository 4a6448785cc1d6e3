from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.editors.queue import UnknownPlace, due_queue


class Command(BaseCommand):
    help = (
        "List the facts due for a re-check, disputed or with an open problem, the ones shown "
        "on the most guide pages first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--place", default="", help="a place path: us/ct/norwalk (its guide) or us/ct"
        )
        parser.add_argument("--limit", type=int, default=0, help="show at most this many")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 0:
            raise CommandError("--limit must be 0 (no limit) or more")
        try:
            entries = due_queue(options["place"])
        except UnknownPlace as exc:
            raise CommandError(str(exc)) from None
        if options["limit"]:
            entries = entries[: options["limit"]]
        self.stdout.write(f"{len(entries)} facts to check")
        self.stdout.write("pages\tstatus\tproblems\tfact id\tkind\tlast checked\tfact")
        for e in entries:
            kind = e.owner.label if e.owner else "-"
            checked = e.fact.last_checked_on.isoformat() if e.fact.last_checked_on else "never"
            self.stdout.write(
                f"{e.pages}\t{e.status}\t{e.open_problems}\t{e.fact.pk}\t{kind}\t{checked}\t"
                f"{e.fact.label}"
            )

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from waypost.safeguards.keys import forget_keys_before
from waypost.safeguards.ratelimit import forget_counts


class Command(BaseCommand):
    help = (
        "Delete the client keys of past days and the counts of ended windows, so that no "
        "stored count can be tied to an address. Run it hourly (cron), posts or not."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        keys = forget_keys_before(now.date())
        counts = forget_counts(now)
        self.stdout.write(f"forgot {keys} old keys and {counts} old counts")

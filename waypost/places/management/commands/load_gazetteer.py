from typing import Any

from django.core.management.base import BaseCommand

from waypost.places.gazetteer import load_gazetteer, refresh_statistics


class Command(BaseCommand):
    help = "Load every US state, county, city and ZIP code from the offline gazetteer packages."

    def handle(self, *args: Any, **options: Any) -> None:
        stats = load_gazetteer()
        refresh_statistics()
        self.stdout.write(
            f"Gazetteer loaded: {stats.states} states, {stats.counties} counties, "
            f"{stats.cities} cities, {stats.zip_codes} ZIP codes."
        )

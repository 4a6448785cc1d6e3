"""Sitemaps: the static pages, every state page and every city guide.

Items are plain strings (URL names or place paths) rather than model instances: the city
section lists some 36,000 guides, and building a Place per URL cost most of its time.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from waypost.places.models import Place, PlaceKind


class StaticSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["home", "states"]

    def location(self, item: str) -> str:
        return reverse(item)


class PlacePathSitemap(Sitemap):
    kind: str = ""

    def items(self) -> QuerySet[Any, str]:
        # Ordered by the unique path so pages are stable between requests.
        return Place.objects.filter(kind=self.kind).order_by("path").values_list("path", flat=True)

    def location(self, item: str) -> str:
        return f"/{item}/"


class StateSitemap(PlacePathSitemap):
    kind = PlaceKind.STATE


class CitySitemap(PlacePathSitemap):
    kind = PlaceKind.CITY
    # The sitemap protocol's cap per file; more cities become more pages of the index.
    limit = 50000


SITEMAPS: dict[str, type[Sitemap]] = {
    "static": StaticSitemap,
    "states": StateSitemap,
    "cities": CitySitemap,
}

"""Places: country → state → county → city, ZIP codes, and the names people search by."""

from __future__ import annotations

from django.db import models

from waypost.places.text import normalize_name
from waypost.translations.language import address


def page_of(path: str) -> str:
    """The reader page of a place path: "us" the list of states, "us/ct" a state, and
    "us/ct/norwalk" a city's guide, in the active language."""
    parts = path.split("/")
    if len(parts) == 1:
        return address("states")
    if len(parts) == 2:
        return address("state", state=parts[1])
    return address("guide", state=parts[1], city=parts[2])


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    STATE = "state", "State"
    COUNTY = "county", "County"
    CITY = "city", "City"


class PlaceQuerySet(models.QuerySet["Place"]):
    def cities(self) -> PlaceQuerySet:
        return self.filter(kind=PlaceKind.CITY)

    def named(self, name: str) -> PlaceQuerySet:
        """Places whose name or one of whose aliases matches, ignoring case and accents."""
        key = normalize_name(name)
        # An IN subquery rather than a join, so both sides use their name index
        # (a join with DISTINCT made SQLite scan every city).
        aliased = PlaceAlias.objects.filter(name_key=key).values("place_id")
        return self.filter(models.Q(name_key=key) | models.Q(pk__in=aliased))


class Place(models.Model):
    kind = models.CharField(max_length=8, choices=PlaceKind.choices)
    name = models.CharField(max_length=120)
    # Lower-case, accent-free name: what a search box matches against.
    name_key = models.CharField(max_length=120, db_index=True)
    # The full path is the identity readers see: "us", "us/ct", "us/ct/norwalk".
    path = models.CharField(max_length=200, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # Two-letter state code, kept on every place below a state so lists filter without joins.
    state_code = models.CharField(max_length=2, blank=True, db_index=True)
    county = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="county_cities",
        help_text="For a city: the county it lies in, when known.",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "state_code"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return page_of(self.path)

    @property
    def slug(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def display_name(self) -> str:
        """'Norwalk, CT' for a city, 'Fairfield County, CT' for a county, the name otherwise."""
        if self.kind in (PlaceKind.CITY, PlaceKind.COUNTY) and self.state_code:
            return f"{self.name}, {self.state_code}"
        return self.name

    def jurisdiction_chain(self) -> list[Place]:
        """This place and every place whose law applies to it, broadest first.

        A city's chain is country → state → county → city; its county is not its
        parent in the path (cities hang under states), so it is added explicitly.
        """
        chain: list[Place] = []
        node: Place | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        chain.reverse()
        if self.kind == PlaceKind.CITY and self.county_id is not None and self.county is not None:
            chain.insert(len(chain) - 1, self.county)
        return chain


class PlaceAlias(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    name_key = models.CharField(max_length=120, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "name_key"], name="unique_alias_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.place}"


class ZipCode(models.Model):
    code = models.CharField(max_length=5, primary_key=True)
    place = models.ForeignKey(Place, null=True, on_delete=models.SET_NULL, related_name="zip_codes")
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.code

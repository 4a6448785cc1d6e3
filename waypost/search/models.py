"""The search table: what a near-me search reads, one row per service at a location.

A search near a place used to walk location → service at location → service for every
location in the circle, a few microseconds a row; with tens of thousands of locations in a
big city's circle that was most of the time. This table holds the few columns the search
needs on one row, read from one covering index with no join. It is derived data: database
triggers keep it in step with the directory tables (see `points.py`) and bulk loads rebuild it.
"""

from __future__ import annotations

from django.db import models


class SearchPoint(models.Model):
    # The service-at-location row's id: one point per service at a location.
    id = models.BigIntegerField(primary_key=True)
    service_id = models.BigIntegerField(db_index=True)
    location_id = models.BigIntegerField(db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    # The one-degree grid cell of the point (see points.cell): the index's first column.
    cell = models.IntegerField(default=0)
    timezone = models.CharField(max_length=64, blank=True)
    active = models.BooleanField()
    # Bit (term id mod 62) set for each category / attribute of the service: a filter drops
    # a row without the bit before looking the term up (a set bit is then confirmed, since
    # several terms share a bit).
    category_bits = models.BigIntegerField(default=0)
    attribute_bits = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=[
                    "cell",
                    "latitude",
                    "longitude",
                    "active",
                    "category_bits",
                    "attribute_bits",
                    "timezone",
                    "service_id",
                    "location_id",
                ],
                name="search_point_box",
            )
        ]

    def __str__(self) -> str:
        return f"service {self.service_id} at location {self.location_id}"

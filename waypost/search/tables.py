"""Names of the tables the search's own SQL reads, from the models' metadata.

The search is where hand-written SQL is the product (the nearest services through the
search table's covering index, keywords through FTS5 or PostgreSQL's full-text search);
its table names still come from the models, so a renamed table breaks no query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model

from waypost.directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from waypost.places.models import Place
from waypost.search.models import SearchPoint


def table(model: type[Model]) -> str:
    return model._meta.db_table


SERVICE = table(Service)
ORGANIZATION = table(Organization)
ADDRESS = table(Address)
PLACE = table(Place)
LOCATION = table(Location)
PHONE = table(Phone)
SERVICE_AT_LOCATION = table(ServiceAtLocation)
SERVICE_CATEGORIES = table(Service.categories.through)
SERVICE_ATTRIBUTES = table(Service.attributes.through)
SERVICE_LANGUAGE = table(ServiceLanguage)
SCHEDULE = table(Schedule)
TAXONOMY = table(Taxonomy)
TAXONOMY_TERM = table(TaxonomyTerm)
SEARCH_POINT = table(SearchPoint)


def placeholders(values: Sequence[Any]) -> str:
    """`%s, %s, …` for an IN list; an empty list matches nothing rather than failing."""
    return ", ".join(["%s"] * len(values)) if values else "NULL"

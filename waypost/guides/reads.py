"""The rows a city guide is composed from, each set read in one query.

Each function returns model instances with the related objects a guide shows already
selected, so templates never trigger a query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from waypost.directory.models import Phone, Schedule, Service, ServiceArea
from waypost.evidence.models import Citation, Source
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import Law, LawChange, LawStatement, Program
from waypost.places.models import Place, PlaceKind


def places_with_content() -> set[int]:
    """Every place that has laws, law changes, programs, facts, editorial answers or
    services covering it as their area."""
    places = Law.objects.order_by().values_list("jurisdiction_id")
    others = [
        LawChange.objects.order_by().values_list("jurisdiction_id"),
        Program.objects.order_by().values_list("jurisdiction_id"),
        PlaceFact.objects.order_by().values_list("place_id"),
        EditorialAnswer.objects.order_by().values_list("place_id"),
        ServiceArea.objects.filter(place__isnull=False).order_by().values_list("place_id"),
    ]
    return {pk for (pk,) in places.union(*others)}


# Places whose rows every guide below them shows.
BROAD = (PlaceKind.COUNTRY, PlaceKind.STATE)


def broad_places(place_ids: Iterable[int]) -> list[int]:
    """The country and the states among the places."""
    broad = Place.objects.filter(pk__in=list(place_ids), kind__in=BROAD)
    return list(broad.values_list("pk", flat=True))


def law_statements(place_ids: Sequence[int]) -> list[LawStatement]:
    """Every statement about every law of the places, by citation then topic."""
    return list(
        LawStatement.objects.filter(law__jurisdiction_id__in=place_ids)
        .select_related("law", "fact")
        .order_by("law__citation", "topic", "id")
    )


def law_changes(place_ids: Sequence[int]) -> list[LawChange]:
    return list(
        LawChange.objects.filter(jurisdiction_id__in=place_ids)
        .select_related("fact")
        .order_by("-effective_on", "bill")
    )


def programs(place_ids: Sequence[int]) -> list[Program]:
    """Every program of the places, by kind then title, whatever its dates."""
    return list(
        Program.objects.filter(jurisdiction_id__in=place_ids)
        # The relief rule: what the record-relief checker matches answers against.
        .select_related("fact", "relief")
        .order_by("kind", "title")
    )


def place_facts(place_ids: Sequence[int]) -> list[PlaceFact]:
    return list(
        PlaceFact.objects.filter(place_id__in=place_ids).select_related("fact").order_by("id")
    )


def editorial_answers(place_ids: Sequence[int]) -> list[EditorialAnswer]:
    """The answers written for the places, in every language."""
    return list(
        EditorialAnswer.objects.filter(place_id__in=place_ids).select_related("fact").order_by("id")
    )


def services(service_ids: Sequence[int]) -> list[Service]:
    """Services with their organisation and fact."""
    return list(Service.objects.filter(pk__in=service_ids).select_related("organization", "fact"))


def schedules(service_ids: Sequence[int]) -> list[Schedule]:
    return list(
        Schedule.objects.filter(service_id__in=service_ids).order_by("weekday", "opens_at", "id")
    )


def phones(service_ids: Sequence[int]) -> list[Phone]:
    return list(
        Phone.objects.filter(service_id__in=service_ids).select_related("fact").order_by("id")
    )


def sources_by_fact(fact_ids: Sequence[int]) -> dict[int, list[Source]]:
    """Each fact's sources in citation order; a source cited twice is one object (a page
    cites a few dozen sources a few hundred times: only those few dozen are built)."""
    cited = list(
        Citation.objects.filter(fact_id__in=fact_ids)
        .order_by("id")
        .values_list("fact_id", "source_id")
    )
    sources = Source.objects.in_bulk({source_id for _, source_id in cited})
    by_fact: dict[int, list[Source]] = {}
    for fact_id, source_id in cited:
        by_fact.setdefault(fact_id, []).append(sources[source_id])
    return by_fact

"""The plain-SQL reads behind guides return what the ORM would, on either database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db.models import Model

from waypost.directory.models import Location, Phone, Schedule, Service
from waypost.directory.services import hotline_ids, locations_near, terms_of
from waypost.evidence.models import Citation
from waypost.guides import reads
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import LawChange, LawStatement, Program
from waypost.places.services import city_at

pytestmark = pytest.mark.django_db


def _values(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _same(read: list[Any], orm: list[Any]) -> None:
    assert [_values(x) for x in read] == [_values(x) for x in orm]


def test_reads_match_the_orm_field_by_field(norwalk_ct: Any) -> None:
    chain = norwalk_ct.jurisdiction_chain()
    ids = [p.pk for p in chain]
    on = dt.date(2026, 1, 1)

    statements = reads.law_statements(ids)
    assert statements, "the demo data has laws for Norwalk, CT"
    _same(
        statements,
        list(
            LawStatement.objects.filter(law__jurisdiction__in=ids).order_by(
                "law__citation", "topic", "id"
            )
        ),
    )
    _same(
        reads.law_changes(ids),
        list(LawChange.objects.filter(jurisdiction__in=ids).order_by("-effective_on", "bill")),
    )
    _same(
        reads.programs_in_force(ids, on),
        list(Program.objects.for_places(chain).in_force(on).order_by("kind", "title")),
    )
    _same(reads.place_facts(ids), list(PlaceFact.objects.filter(place__in=ids).order_by("id")))
    _same(
        reads.editorial_answers(ids, ["en"]),
        list(EditorialAnswer.objects.filter(place__in=ids, language="en").order_by("id")),
    )

    service_ids = list(Service.objects.values_list("pk", flat=True))
    _same(
        sorted(reads.services(service_ids), key=lambda s: s.pk),
        list(Service.objects.order_by("pk")),
    )
    _same(
        reads.phones(service_ids),
        list(Phone.objects.filter(service_id__in=service_ids).order_by("id")),
    )
    _same(
        reads.schedules(service_ids),
        list(
            Schedule.objects.filter(service_id__in=service_ids).order_by(
                "weekday", "opens_at", "id"
            )
        ),
    )


def test_values_are_converted_as_django_converts_them(norwalk_ct: Any) -> None:
    service_ids = list(Service.objects.values_list("pk", flat=True))
    service = reads.services(service_ids)[0]
    assert isinstance(service.hsds_id, uuid.UUID)
    statement = reads.law_statements([p.pk for p in norwalk_ct.jurisdiction_chain()])[0]
    assert statement.fact.last_checked_on is None or isinstance(
        statement.fact.last_checked_on, dt.date
    )


def test_related_objects_come_attached(norwalk_ct: Any, django_assert_num_queries: Any) -> None:
    ids = [p.pk for p in norwalk_ct.jurisdiction_chain()]
    statements = reads.law_statements(ids)
    services = reads.services(list(Service.objects.values_list("pk", flat=True)))
    assert norwalk_ct.latitude is not None and norwalk_ct.longitude is not None
    near = locations_near(norwalk_ct.latitude, norwalk_ct.longitude, 60)
    assert near, "the demo data has services near Norwalk, CT"
    with django_assert_num_queries(0):
        for st in statements:
            assert st.law.title and st.fact.pk
        for service in services:
            assert service.organization.name and service.fact.pk
        for _, location in near.values():
            assert isinstance(location, Location)
            str(location.place)
            if hasattr(location, "address"):
                str(location.address)


def test_sources_by_fact_keeps_citation_order(norwalk_ct: Any) -> None:
    fact_ids = list(Citation.objects.values_list("fact_id", flat=True).distinct())
    by_fact = reads.sources_by_fact(fact_ids)
    for fact_id in fact_ids:
        expected = list(
            Citation.objects.filter(fact_id=fact_id)
            .order_by("id")
            .values_list("source_id", flat=True)
        )
        assert [s.pk for s in by_fact[fact_id]] == expected
    assert reads.sources_by_fact([]) == {}


def test_directory_reads_match_the_orm(norwalk_ct: Any) -> None:
    chain = norwalk_ct.jurisdiction_chain()
    expected = list(
        dict.fromkeys(
            Service.objects.filter(
                areas__place__in=chain, at_locations__isnull=True, status="active"
            )
            .order_by("areas__place__path", "name")
            .values_list("pk", flat=True)
        )
    )
    assert hotline_ids(chain) == expected and expected
    some = list(Service.objects.values_list("pk", flat=True))
    terms = terms_of(some)
    for service in Service.objects.prefetch_related("categories", "attributes"):
        assert terms[service.pk].categories == {t.code for t in service.categories.all()}
        assert terms[service.pk].attributes == tuple(
            sorted(t.name for t in service.attributes.all())
        )


def test_city_at_reads_the_chain_in_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        city = city_at("us/ct/norwalk")
        assert city is not None
        chain = city.jurisdiction_chain()
    assert [p.path for p in chain] == [
        "us",
        "us/ct",
        "us/ct/counties/fairfield-county",
        "us/ct/norwalk",
    ]
    assert city_at("us/ct/no-such-town") is None
    assert city_at("us/ct") is None, "a state is not a city"


def test_a_part_reads_only_the_fields_it_names() -> None:
    from waypost.sqlreads import Part, fetch

    phone = Part(Phone, "p", only=("number", "service_id"))
    rows = fetch(f"SELECT {phone.columns} FROM {phone.table} ORDER BY p.id", [], phone)
    assert rows
    (first,) = rows[0]
    orm = Phone.objects.get(pk=first.pk)
    assert (first.number, first.service_id) == (orm.number, orm.service_id)
    assert first.get_deferred_fields() >= {"hsds_id", "type", "description"}
    # A field left unread is still there, at the price of a query (as with .only()).
    assert first.type == orm.type
    with pytest.raises(ValueError, match="Phone has no field 'colour'"):
        Part(Phone, "p", only=("colour",)).columns  # noqa: B018

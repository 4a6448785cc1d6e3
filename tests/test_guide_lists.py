"""A guide lists a few services per question, nearest first, however many are near: the rest
are a search away. Health centers answer the testing question, legal aid programs the legal
help question."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.searchdata import add_service, north_of
from waypost.dataversion.services import current
from waypost.directory.models import Service, ServiceArea
from waypost.directory.services import locations_near, nearest_per_category
from waypost.evidence.models import Citation, Source
from waypost.guides import shared
from waypost.guides.services import MAX_SERVICES_PER_BLOCK, compose_guide
from waypost.places.models import Place

pytestmark = pytest.mark.django_db


def sourced(service: Service) -> Service:
    source, _ = Source.objects.get_or_create(
        key="test-list-source", defaults={"url": "https://example.org/", "title": "Test list"}
    )
    Citation.objects.create(fact=service.fact, source=source)
    return service


def answer(guide: Any, slug: str) -> Any:
    return next(a for s in guide.sections for a in s.answers if a.question.slug == slug)


# Central Wyoming: no service of the demo within 30 miles.
NOWHERE = (43.0, -107.5)


def test_nearest_per_category_keeps_the_nearest_of_each_category() -> None:
    for miles in range(1, 9):
        add_service(f"Clinic {miles}", at=[north_of(miles, NOWHERE)], categories=["primary-care"])
    add_service("Far legal aid", at=[north_of(20, NOWHERE)], categories=["legal-help"])
    near = locations_near(*NOWHERE, 30)
    kept = shared.located(nearest_per_category(near, 3), current())
    names = {location.name for _, location in kept.values()}
    assert {"Clinic 1", "Clinic 2", "Clinic 3", "Far legal aid"} <= names
    assert not {"Clinic 4", "Clinic 8"} & names


def test_a_question_lists_the_nearest_few_and_links_to_the_rest(client: Client) -> None:
    for miles in range(1, 12):
        sourced(
            add_service(
                f"Health Center {miles:02d}", at=[north_of(miles)], categories=["primary-care"]
            )
        )
    place = Place.objects.get(path="us/ct/norwalk")
    guide = compose_guide(place, dt.date.today())
    testing = answer(guide, "testing")
    listed = [i.obj.name for b in testing.blocks for i in b.items]
    assert len(listed) <= MAX_SERVICES_PER_BLOCK
    ours = [n for n in listed if n.startswith("Health Center")]
    assert ours == sorted(ours) and "Health Center 11" not in listed
    page = client.get("/us/ct/norwalk/").content.decode()
    assert "/search/?" in page and "category=" in page


def test_a_statewide_legal_aid_program_answers_legal_help_not_help_now() -> None:
    program = sourced(add_service("Test Statewide Legal Aid", categories=["legal-help"]))
    ServiceArea.objects.create(service=program, place=Place.objects.get(path="us/ct"))
    guide = compose_guide(Place.objects.get(path="us/ct/norwalk"), dt.date.today())
    legal = [i.obj.name for b in answer(guide, "legal-help").blocks for i in b.items]
    assert "Test Statewide Legal Aid" in legal
    assert "Test Statewide Legal Aid" not in [i.obj.name for i in guide.hotlines]

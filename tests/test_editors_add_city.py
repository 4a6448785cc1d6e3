"""An editor adds a city, its answer and a service through the workspace alone, and the
guide shows them: no code, no data file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from waypost.directory.models import Location, Organization, Service, TaxonomyTerm
from waypost.evidence.models import Source, Status
from waypost.guides.models import EditorialAnswer
from waypost.places.models import Place

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:4000]


def check(client: Client, fact_id: int) -> None:
    post(
        client,
        f"/editors/evidence/fact/{fact_id}/check/",
        {
            "checked_on": dt.date.today().isoformat(),
            "method": "source page",
            "outcome": "confirmed",
        },
    )


def test_an_editor_adds_a_city_with_an_answer_and_a_service(as_role: Any) -> None:
    client = as_role("editor")
    ct = Place.objects.get(path="us/ct")
    post(
        client,
        "/editors/evidence/source/add/",
        {
            "key": "testville-health",
            "url": "https://testville.example.gov/health",
            "title": "Testville health services",
            "publisher": "Town of Testville",
            "as_of": "2026",
        },
    )
    post(
        client,
        "/editors/places/place/add/",
        {
            "kind": "city",
            "name": "Testville",
            "path": "us/ct/testville",
            "parent": str(ct.pk),
            "state_code": "CT",
            "latitude": "41.2",
            "longitude": "-73.3",
            "timezone": "America/New_York",
            **management("aliases"),
        },
    )
    city = Place.objects.get(path="us/ct/testville")
    assert city.name_key == "testville"
    post(
        client,
        "/editors/guides/editorialanswer/add/",
        {
            "place": str(city.pk),
            "question": "testing",
            "language": "en",
            "body": "The town clinic tests for free. [[testville-health]]",
            "fact": "",
        },
    )
    answer = EditorialAnswer.objects.get(place=city)
    assert list(answer.fact.sources.values_list("key", flat=True)) == ["testville-health"]
    post(client, "/editors/directory/organization/add/", {"name": "Town of Testville"})
    post(
        client,
        "/editors/directory/location/add/",
        {
            "organization": str(Organization.objects.get(name="Town of Testville").pk),
            "name": "Town clinic",
            "place": str(city.pk),
            "latitude": "41.2",
            "longitude": "-73.3",
            "timezone": "America/New_York",
            # The form shows the HSDS location type filled in ("physical"); it comes back.
            "location_type": "physical",
        },
    )
    testing = TaxonomyTerm.objects.get(code="sti-testing")
    post(
        client,
        "/editors/directory/service/add/",
        {
            "organization": str(Organization.objects.get(name="Town of Testville").pk),
            "name": "Testville town clinic",
            "status": "active",
            "fees_description": "Free",
            "categories": [str(testing.pk)],
            "fact": "",
            **management("at_locations", 1),
            "at_locations-0-location": str(Location.objects.get(name="Town clinic").pk),
            **management("phones", 1),
            "phones-0-number": "203-555-0142",
            "phones-0-type": "voice",
            "phones-0-fact": "",
            **management("schedules"),
            **management("areas"),
        },
    )
    service = Service.objects.get(name="Testville town clinic")
    phone = service.phones.get()
    source = Source.objects.get(key="testville-health")
    for fact in (service.fact, phone.fact):
        # Sources are added on the fact's own page.
        post(
            client,
            f"/editors/evidence/fact/{fact.pk}/change/",
            {
                "label": fact.label,
                "note": "",
                **management("citations", 1),
                "citations-0-source": str(source.pk),
                "citations-0-excerpt": "Clinic hours and phone",
                "citations-0-fact": str(fact.pk),
                **management("checks"),
            },
        )
    for fact in (answer.fact, service.fact, phone.fact):
        assert list(fact.sources.all()) == [source]
        check(client, fact.pk)
        fact.refresh_from_db()
        assert fact.status() == Status.CHECKED

    page = Client().get("/us/ct/testville/").content.decode()
    assert "The town clinic tests for free." in page
    assert "Testville town clinic" in page and "203-555-0142" in page
    assert "Testville health services" in page  # its source, numbered at the foot


def test_an_answer_citing_an_unknown_source_is_refused(as_role: Any) -> None:
    city = Place.objects.get(path="us/oh/norwalk")
    response = as_role("editor").post(
        "/editors/guides/editorialanswer/add/",
        {"place": str(city.pk), "question": "testing", "language": "es", "body": "x [[nope]]"},
    )
    assert response.status_code == 200
    assert "No source has the key nope" in response.content.decode()
    assert not EditorialAnswer.objects.filter(place=city, language="es").exists()


def test_an_answer_to_an_unknown_question_is_refused(as_role: Any) -> None:
    city = Place.objects.get(path="us/ct/norwalk")
    response = as_role("editor").post(
        "/editors/guides/editorialanswer/add/",
        {"place": str(city.pk), "question": "no-such-question", "language": "es", "body": "x"},
    )
    assert response.status_code == 200
    assert "No question has the slug" in response.content.decode()

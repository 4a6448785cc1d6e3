"""The coverage report's "help near readers": shares of cities and people within reach of an
in-person health service, an emergency department and legal aid, per state and nationally."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.searchdata import add_service
from waypost.directory.models import Service, ServiceArea
from waypost.guides.access import Grid, access_by_state
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

NEW_HAVEN = (41.3083, -72.9279)


def ct() -> Any:
    rows, country = access_by_state("CT")
    assert [r.code for r in rows] == ["CT"]
    return rows[0], country


def test_the_grid_finds_a_point_within_the_radius_and_no_farther() -> None:
    grid = Grid([NEW_HAVEN])
    assert grid.within(41.3083 + 9 / 69.0, -72.9279, 10)
    assert not grid.within(41.3083 + 11 / 69.0, -72.9279, 10)
    assert grid.within(41.3083, -72.9279 + 0.9 / 0.7509, 70)  # across many longitude cells


def test_a_health_center_brings_nearby_cities_and_their_people_within_reach() -> None:
    before, _ = ct()
    add_service("Test Health Center", at=[NEW_HAVEN], categories=["primary-care"])
    after, country = ct()
    assert after.total == before.total and after.total.cities > 100
    assert after.health_near.cities > before.health_near.cities
    assert after.health_far.people > before.health_far.people
    assert after.health_far.cities >= after.health_near.cities
    assert 0 < after.percent(after.health_far) <= 100
    assert country.total == after.total  # one state asked: the country row is that state


def test_area_only_and_inactive_services_are_not_in_person_help() -> None:
    before, _ = ct()
    shelter = add_service("Test Shelter", at=[NEW_HAVEN], categories=["primary-care"])
    location = shelter.at_locations.get().location
    location.area_only = True
    location.save()
    add_service("Closed Clinic", at=[NEW_HAVEN], categories=["primary-care"], status="inactive")
    after, _ = ct()
    assert after.health_near == before.health_near


def test_only_hospitals_of_the_data_set_count_as_emergency_departments() -> None:
    before, _ = ct()
    clinic = add_service("Test Hospital", at=[NEW_HAVEN], categories=["sexual-assault"])
    assert ct()[0].emergency == before.emergency
    Service.objects.filter(pk=clinic.pk).update(dataset="hospitals", dataset_key="test-1")
    assert ct()[0].emergency.cities > before.emergency.cities


def test_a_statewide_legal_aid_program_reaches_every_city_of_its_state() -> None:
    program = add_service("Test Legal Aid", categories=["legal-help"])
    ServiceArea.objects.create(service=program, place=Place.objects.get(path="us/ct"))
    row, _ = ct()
    assert row.legal == row.total


def test_the_command_and_the_page_show_the_same_table(client: Client, staff: Any) -> None:
    add_service("Test Health Center", at=[NEW_HAVEN], categories=["primary-care"])
    out = StringIO()
    call_command("coverage_report", "--access", "--state", "CT", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("state") and "health ≤ 25 mi (cities/people)" in lines[0]
    assert lines[1].startswith("Connecticut") and lines[-1].startswith("United States")
    row, _ = ct()
    shown = f"{row.percent(row.health_far, people=False):.1f}% / {row.percent(row.health_far):.1f}%"
    assert shown in lines[1]
    client.force_login(staff["editor"])
    page = client.get("/coverage/").content.decode()
    assert "Help near readers" in page and shown in page

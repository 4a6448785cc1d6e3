"""Contact details show their age: a service or phone whose sources are all older than the
check window is never "checked", whenever it was imported or compared with them; readers
see where it comes from, that source's date, and to call first, in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from waypost.dataversion.services import many_writes
from waypost.directory.models import Service
from waypost.evidence.models import (
    Citation,
    Fact,
    Outcome,
    Source,
    Status,
    fact_status,
    newest_outdated,
    source_date,
)
from waypost.evidence.services import record_check

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)
OLD_NOTE = "From HRSA list of health centers, 2020; not checked by Waypost since. Call first."


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2020", dt.date(2020, 12, 31)),
        ("2024-02", dt.date(2024, 2, 29)),
        ("2025-12", dt.date(2025, 12, 31)),
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("", None),
        ("soon", None),
        ("2026-13", None),
    ],
)
def test_source_dates_mean_their_last_day(as_of: str, expected: dt.date | None) -> None:
    assert source_date(as_of) == expected


def test_only_sources_all_old_and_all_dated_age_a_fact() -> None:
    old, recent, undated = Source(as_of="2020"), Source(as_of="2026"), Source(as_of="")
    assert newest_outdated([old], TODAY) is old
    assert newest_outdated([old, Source(as_of="2021")], TODAY).as_of == "2021"  # type: ignore[union-attr]
    assert newest_outdated([old, recent], TODAY) is None
    assert newest_outdated([old, undated], TODAY) is None
    assert newest_outdated([], TODAY) is None


def test_a_fact_on_old_sources_is_never_checked() -> None:
    recent_check = TODAY - dt.timedelta(days=3)
    assert fact_status(recent_check, Outcome.CONFIRMED, 0, TODAY) == Status.CHECKED
    assert fact_status(recent_check, Outcome.CONFIRMED, 0, TODAY, outdated=True) == Status.DUE
    assert fact_status(None, "", 0, TODAY, outdated=True) == Status.UNCHECKED
    assert fact_status(recent_check, Outcome.CONFIRMED, 1, TODAY, outdated=True) == Status.DISPUTED


def _age_sources_of(service: Service, as_of: str, title: str) -> None:
    old = Source.objects.create(key=f"old-{service.pk}", url="https://example.org/", title=title)
    old.as_of = as_of
    old.save()
    for fact in [service.fact, *(p.fact for p in service.phones.all())]:
        Citation.objects.filter(fact=fact).delete()
        Citation.objects.create(fact=fact, source=old)


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_service_checked_against_an_old_page_shows_its_age(client: Client, prefix: str) -> None:
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    _age_sources_of(service, "2020", "HRSA list of health centers")
    fact = Fact.objects.get(pk=service.fact_id)
    record_check(
        fact,
        checked_on=dt.date.today(),
        checked_by="test",
        method="source page",
        outcome=Outcome.CONFIRMED,
    )
    guide = client.get(f"{prefix}/us/ct/norwalk/").content.decode()
    card = client.get(f"{prefix}/us/ct/norwalk/card/").content.decode()
    service_page = client.get(f"{prefix}/services/{service.hsds_id}/").content.decode()
    if prefix:
        assert "de una fuente de 2020, sin revisar desde entonces; llame antes" in card
    else:
        assert "from a 2020 source, not checked since; call first" in card
    for name, page in (("guide", guide), ("service", service_page)):
        assert "HRSA list of health centers, 2020" in page, name
        if prefix:
            assert "Según HRSA list of health centers, 2020; Waypost no lo ha revisado" in page
        else:
            assert OLD_NOTE in page
    if not prefix:
        listings = [
            chunk.split("</li>", 1)[0]
            for chunk in guide.split('<li class="svc"')[1:]
            if "Norwalk Health Department: walk-in STD clinic" in chunk.split("</li>", 1)[0]
        ]
        assert listings
        for listing in listings:
            assert OLD_NOTE in listing and "checked on" not in listing


def test_the_api_says_the_status_and_the_age(client: Client) -> None:
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    _age_sources_of(service, "2019", "An old page")
    record_check(
        Fact.objects.get(pk=service.fact_id),
        checked_on=dt.date.today(),
        checked_by="test",
        method="source page",
        outcome=Outcome.CONFIRMED,
    )
    body: Any = client.get("/api/guides/us/ct/norwalk").json()
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("name") == "Norwalk Health Department: walk-in STD clinic":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    assert found
    for item in found:
        assert item["evidence"]["status"] == "due"
        assert item["evidence"]["old_source_as_of"] == "2019"


@pytest.mark.parametrize(("prefix", "words"), [("", "No longer listed:"), ("/es", "Ya no figura:")])
def test_a_service_no_longer_listed_says_so_on_its_page(
    client: Client, prefix: str, words: str
) -> None:
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    assert words not in client.get(f"{prefix}/services/{service.hsds_id}/").content.decode()
    # As a data set retires a service: in bulk, around the model (which moves the data
    # version on once, for the cached page).
    with many_writes():
        Service.objects.filter(pk=service.pk).update(status="inactive")
    assert words in client.get(f"{prefix}/services/{service.hsds_id}/").content.decode()

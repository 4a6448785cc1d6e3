"""The re-check queue: facts due or disputed, or with an open problem, most-read first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from waypost.editors.facts import place_q
from waypost.editors.reach import Reach
from waypost.evidence.models import Fact, Outcome, Status
from waypost.guides.owners import Owner, owner_of, with_owners
from waypost.guides.services import compose_guide
from waypost.places.models import Place, PlaceKind
from waypost.reports.models import State


class UnknownPlace(ValueError):
    pass


@dataclass(frozen=True)
class QueueEntry:
    fact: Fact
    owner: Owner | None
    status: Status
    pages: int
    open_problems: int


def _pages(owner: Owner | None, reach: Reach) -> int:
    if owner is None:
        return 0
    obj = owner.obj
    if owner.kind == "law_statement":
        return reach.of_place(obj.law.jurisdiction)
    if owner.kind in ("law_change", "program"):
        return reach.of_place(obj.jurisdiction)
    if owner.kind == "place_fact":
        return reach.of_place(obj.place)
    if owner.kind == "answer":
        return reach.of_answer(obj)
    if owner.kind == "service":
        return reach.of_service(obj)
    if owner.kind == "phone":
        return reach.of_service(obj.service)
    return 0


def facts_on_guide(place: Place) -> set[int]:
    """Every fact a city's guide shows today (services' phones included)."""
    guide = compose_guide(place)
    items = [*guide.hotlines, *guide.about, *guide.repealed, *guide.nearest_elsewhere]
    for answer in guide.answers:
        if answer.editorial is not None:
            items.append(answer.editorial)
        for block in answer.blocks:
            items.extend(block.items)
    ids = set()
    for item in items:
        ids.add(item.evidence.fact_id)
        ids.update(phone.evidence.fact_id for phone in item.phones)
    return ids


def due_queue(place_path: str = "", today: dt.date | None = None) -> list[QueueEntry]:
    today = today or dt.date.today()
    oldest_valid = today - dt.timedelta(days=settings.CHECK_VALID_DAYS)
    needs_check = (
        Q(open_disputes__gt=0)
        | Q(last_outcome=Outcome.CONFLICT)
        | Q(last_outcome=Outcome.CONFIRMED, last_checked_on__lt=oldest_valid)
        | Q(problems__state=State.OPEN)
    )
    facts = Fact.objects.filter(needs_check)
    if place_path:
        path = place_path.strip("/").lower()
        place = Place.objects.filter(path=path).first()
        if place is None:
            raise UnknownPlace(f"no place with the path {path!r} (write it like us/ct/norwalk)")
        if place.kind == PlaceKind.CITY:
            facts = facts.filter(pk__in=facts_on_guide(place))
        else:
            facts = facts.filter(place_q(path))
    annotated = with_owners(
        facts.distinct().annotate(
            open_problems=Count("problems", filter=Q(problems__state=State.OPEN), distinct=True)
        )
    )
    reach = Reach()
    entries = []
    for fact in annotated:
        owner = owner_of(fact)
        problems = int(getattr(fact, "open_problems", 0))
        entries.append(QueueEntry(fact, owner, fact.status(today), _pages(owner, reach), problems))
    entries.sort(key=lambda e: (-e.pages, e.status != Status.DISPUTED, e.fact.pk))
    return entries

"""A place's pocket resource card: the hotlines and the nearest service of each kind.

Built from the same composition as the guide, so the card never says what the guide does
not, and every entry keeps its sources' check date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.guides.services import GuideComposer, Item, items_localizer
from waypost.places.models import Place, PlaceKind
from waypost.translations.services import Localizer

# The rows of the card, in order: a heading and the categories that fill it.
CARD_ROWS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
    (_("Testing for STIs and HIV"), ("sti-testing", "hiv-testing")),
    (_("Syringes, naloxone, harm reduction"), ("syringe-services", "naloxone", "harm-reduction")),
    (_("After an assault"), ("sexual-assault", "domestic-violence", "counselling")),
    (_("Shelter and housing"), ("shelter", "housing-help")),
    (
        _("Leaving sex work, trafficking survivors"),
        ("exit-services", "trafficking-survivor-services", "case-management"),
    ),
    (_("LGBTQ+ support"), ("lgbtq-services",)),
    (_("Legal help"), ("legal",)),
)
# A card fits one printed page: at most this many services per row.
PER_ROW = 2


@dataclass(frozen=True)
class CardRow:
    heading: str
    items: tuple[Item, ...]


@dataclass
class Card:
    place: Place
    on: dt.date
    hotlines: list[Item]
    rows: list[CardRow]
    loc: Localizer


def compose_card(place: Place, language: str = "en", on: dt.date | None = None) -> Card:
    if place.kind != PlaceKind.CITY:
        raise ValueError("cards are composed for cities")
    composer = GuideComposer(place, on or dt.date.today(), language)
    hotlines = [composer._service_item(s, None, False) for s in composer.hotline_services]
    hotlines = [i for i in hotlines if i.evidence.refs]
    rows = []
    shown: set[int] = set()
    for heading, categories in CARD_ROWS:
        wanted = category_codes_with_descendants(list(categories))
        items: list[Item] = []
        for near in composer.nearby:  # nearest first
            if len(items) == PER_ROW:
                break
            if near.service.pk in shown or not composer.terms[near.service.pk].categories & wanted:
                continue
            local = near.location.place_id == place.pk
            item = composer._service_item(near.service, near.distance_mi, local, near.location)
            if item.evidence.refs:
                items.append(item)
                shown.add(near.service.pk)
        if items:
            rows.append(CardRow(str(heading), tuple(items)))
    everything = [*hotlines, *(i for r in rows for i in r.items)]
    loc = items_localizer(language, [*everything, *(p for i in everything for p in i.phones)])
    return Card(place, composer.on, hotlines, rows, loc)

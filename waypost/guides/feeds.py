"""Law-change feeds: one list of dated changes per place, written as Atom, JSON Feed and a page.

A feed's entries come from `feed_for` alone; the Atom writer (Django's syndication framework),
the JSON Feed writer and the "What changed" page only render them, so the three always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import override as language_override

from waypost.laws.models import LawChange
from waypost.places.models import Place, PlaceKind
from waypost.translations.services import localizer_for

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_TYPE = "application/feed+json"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One dated law change, in the feed's language."""

    anchor: str
    jurisdiction: str
    bill: str
    name: str
    change: str
    # No translation on file: the page marks the English as such.
    untranslated: bool
    caveat: str
    signed_on: dt.date | None
    effective_on: dt.date | None
    checked_on: dt.date | None
    sources: tuple[SourceRef, ...]

    @property
    def date(self) -> dt.date:
        """The date the entry is filed under: when the change took effect, else when signed."""
        day = self.effective_on or self.signed_on
        assert day is not None  # feed_for keeps dated changes only
        return day

    @property
    def title(self) -> str:
        label = f"{self.jurisdiction}: {self.bill}"
        return f"{label} ({self.name})" if self.name else label


@dataclass(frozen=True)
class LawFeed:
    place: Place
    language: str
    title: str
    # The page the feed stands for (a guide, a "What changed" page) and the "What changed"
    # page whose anchors name the entries.
    home_url: str
    page_url: str
    atom_url: str
    json_url: str
    entries: tuple[Entry, ...]

    @property
    def updated(self) -> dt.datetime:
        """The newest entry's date, never later than now (a change may take effect later)."""
        newest = max((e.date for e in self.entries), default=dt.date(2000, 1, 1))
        return min(_instant(newest), timezone.now().replace(microsecond=0))

    @property
    def etag(self) -> str:
        """Changes with any shown text, date, source or check: readers fetch it again."""
        text = json.dumps([_entry_json(e, self.page_url) for e in self.entries], sort_keys=True)
        return hashlib.sha256(f"{self.language}\n{text}".encode()).hexdigest()[:32]


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _scope(place: Place) -> Q:
    """Whose changes a place's feed lists: the nation's lists every one on file; a state's,
    federal law and everything within the state; a city's, its jurisdiction chain."""
    if place.kind == PlaceKind.COUNTRY:
        return Q()
    if place.kind == PlaceKind.STATE:
        return Q(jurisdiction__kind=PlaceKind.COUNTRY) | Q(
            jurisdiction__state_code=place.state_code
        )
    return Q(jurisdiction__in=place.jurisdiction_chain())


def _urls(place: Place) -> tuple[str, str, str, str]:
    """(home, "What changed" page, Atom, JSON Feed) of the place's feed."""
    if place.kind == PlaceKind.COUNTRY:
        page = reverse("changes-us")
        return page, page, reverse("changes-us-atom"), reverse("changes-us-json")
    state = place.path.split("/")[1]
    page = reverse("changes-state", args=[state])
    if place.kind == PlaceKind.STATE:
        atom = reverse("changes-state-atom", args=[state])
        return page, page, atom, reverse("changes-state-json", args=[state])
    city = place.slug
    return (
        place.get_absolute_url(),
        page,
        reverse("changes-city-atom", args=[state, city]),
        reverse("changes-city-json", args=[state, city]),
    )


def feed_for(place: Place, language: str) -> LawFeed:
    """Every dated law change for the place, newest first, in the language."""
    changes = list(
        LawChange.objects.filter(_scope(place))
        .filter(Q(effective_on__isnull=False) | Q(signed_on__isnull=False))
        .select_related("jurisdiction", "fact")
        .prefetch_related("fact__citations__source")
    )
    loc = localizer_for(language, changes)
    entries = [
        Entry(
            anchor=change_anchor(c),
            jurisdiction=c.jurisdiction.display_name,
            bill=c.bill,
            name=loc.plain(c.name),
            change=loc.plain(c.change),
            untranslated=loc.text(c.change) is None,
            caveat=loc.plain(c.fact.caveat),
            signed_on=c.signed_on,
            effective_on=c.effective_on,
            checked_on=c.fact.last_checked_on,
            sources=tuple(
                SourceRef(cit.source.title, cit.source.url)
                for cit in sorted(c.fact.citations.all(), key=lambda cit: cit.source.key)
            ),
        )
        for c in changes
    ]
    entries.sort(key=lambda e: (e.date, e.jurisdiction, e.bill), reverse=True)
    home_url, page_url, atom_url, json_url = _urls(place)
    with language_override(language):
        title = gettext("Law changes for %(place)s · Waypost") % {"place": place.display_name}
    return LawFeed(place, language, title, home_url, page_url, atom_url, json_url, tuple(entries))


def change_anchor(change: LawChange) -> str:
    """A fragment that names the change for as long as its jurisdiction and bill stay."""
    text = f"{change.jurisdiction.path} {change.bill}".lower()
    return "change-" + "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def entry_html(entry: Entry) -> str:
    """The entry as a feed reader shows it: the change, its dates, caveat, sources, check."""
    dates = []
    if entry.effective_on:
        dates.append(gettext("In force from %(day)s.") % {"day": entry.effective_on.isoformat()})
    if entry.signed_on:
        dates.append(gettext("Signed on %(day)s.") % {"day": entry.signed_on.isoformat()})
    if entry.checked_on:
        dates.append(gettext("Last checked on %(day)s.") % {"day": entry.checked_on.isoformat()})
    else:
        dates.append(gettext("Not yet checked by an editor."))
    caveat = format_html("<p>{}</p>", entry.caveat) if entry.caveat else ""
    sources = format_html_join(
        "", '<li><a href="{}">{}</a></li>', ((s.url, s.title) for s in entry.sources)
    )
    return format_html(
        "<p>{}</p><p>{}</p>{}<p>{}</p><ul>{}</ul><p>{}</p>",
        entry.change,
        " ".join(dates),
        caveat,
        gettext("Sources:"),
        sources,
        gettext("Information, not legal advice."),
    )


def _entry_json(entry: Entry, page_url: str) -> dict[str, Any]:
    return {
        "id": f"{page_url}#{entry.anchor}",
        "title": entry.title,
        "content_text": entry.change,
        "date_published": _instant(entry.date).isoformat(),
        "_law_change": {
            "jurisdiction": entry.jurisdiction,
            "bill": entry.bill,
            "signed_on": entry.signed_on.isoformat() if entry.signed_on else None,
            "effective_on": entry.effective_on.isoformat() if entry.effective_on else None,
            "caveat": entry.caveat,
            "checked_on": entry.checked_on.isoformat() if entry.checked_on else None,
            "sources": [{"title": s.title, "url": s.url} for s in entry.sources],
        },
    }


def json_feed(feed: LawFeed, request: HttpRequest) -> dict[str, Any]:
    """The feed as a JSON Feed 1.1 document; Waypost's own fields under `_law_change`."""
    page = request.build_absolute_uri(feed.page_url)
    items = []
    for entry in feed.entries:
        item = _entry_json(entry, page)
        item["url"] = item["id"]
        item["content_html"] = entry_html(entry)
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": request.build_absolute_uri(feed.home_url),
        "feed_url": request.build_absolute_uri(feed.json_url),
        "language": feed.language,
        "authors": [{"name": "Waypost"}],
        "items": items,
    }


class AtomLawFeed(Feed):
    """The Atom writer; `get_object` is handed the feed already composed by the view."""

    feed_type = Atom1Feed
    author_name = "Waypost"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> LawFeed:
        law_feed: LawFeed = kwargs["law_feed"]
        return law_feed

    def title(self, obj: LawFeed) -> str:
        return obj.title

    def link(self, obj: LawFeed) -> str:
        return obj.home_url

    def feed_url(self, obj: LawFeed) -> str:
        return obj.atom_url

    def feed_guid(self, obj: LawFeed) -> str:
        return self.request.build_absolute_uri(obj.atom_url)

    def items(self, obj: LawFeed) -> tuple[Entry, ...]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return entry_html(item)

    def item_link(self, item: Entry) -> str:
        return f"{self.page_url}#{item.anchor}"

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return _instant(item.date)

    def item_updateddate(self, item: Entry) -> dt.datetime:
        return _instant(item.date)

    def get_feed(self, obj: LawFeed, request: HttpRequest) -> Any:
        self.request = request
        self.page_url = obj.page_url
        feedgen = super().get_feed(obj, request)
        feedgen.feed["language"] = obj.language
        return feedgen

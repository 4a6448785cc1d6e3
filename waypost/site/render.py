"""One renderer for each thing a reader page shows: a service, an evidence mark, a source,
a phone number, where a service is.

Guides, state pages, cards, the search, the home page and service pages all call these, so
a service or a fact reads the same wherever it appears. Markup is built with format_html and
format_html_join, which escape every value they are given; data-driven text goes through the
page's Localizer (whose output is escaped HTML), interface words through gettext. Addresses
come from reverse().

Python rather than included templates: a guide shows some thirty services and a hundred
evidence marks, and per-item template includes were most of a page's render time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from django.template.defaultfilters import floatformat
from django.utils.dateformat import time_format
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from waypost.directory.models import Location, Phone, PhoneType, Schedule, Service, Weekday
from waypost.evidence.models import Fact, Source, Status
from waypost.guides.citations import CitationRegistry, Evidence, evidence_for
from waypost.guides.services import Item
from waypost.places.models import Place
from waypost.search.listing import SearchResult
from waypost.translations.language import address, choice_label, short_day
from waypost.translations.language import gettext_memo as _
from waypost.translations.services import Localizer

EMPTY = mark_safe("")
Style = Literal["listing", "compact", "card", "search"]


def text(loc: Localizer, value: str) -> SafeString:
    """Data-driven text in the page's language (escaped by the Localizer)."""
    return loc.html(value)


def interpolate(message: str, **values: str) -> SafeString:
    """A translated message with values put in: both escaped, except values that are
    already HTML (SafeString). The message keeps its catalogue's %(name)s form."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(conditional_escape(message) % escaped)


def join(items: Iterable[SafeString | str], separator: str = "") -> SafeString:
    """Pieces of HTML one after the other; a piece that is not HTML yet is escaped."""
    return mark_safe(
        separator.join(item if isinstance(item, SafeData) else escape(item) for item in items)
    )


# -- citations ---------------------------------------------------------------------------


def refs(ev: Evidence) -> SafeString:
    """A fact's numbered sources: [1][4]."""
    return _numbered_refs(ev.refs)


@lru_cache(maxsize=4096)
def _numbered_refs(numbers: tuple[int, ...]) -> SafeString:
    # Numbers alone make the markup, and a page repeats the same few runs of them.
    return format_html_join("", '<a href="#source-{}">[{}]</a>', ((n, n) for n in numbers))


def source_item(source: Source, number: int | None = None) -> SafeString:
    """A source in a page's list; numbered where facts cite it as [n]."""
    return _source_item(source.url, source.title, source.publisher, source.as_of, number)


@lru_cache(maxsize=8192)
def _source_item(
    url: str, title: str, publisher: str, as_of: str, number: int | None
) -> SafeString:
    # Made of these values alone: a guide lists some fifty sources, mostly its state's, in
    # the same order on many of its cities' guides.
    anchor = format_html(' id="source-{}"', number) if number is not None else EMPTY
    shown_publisher = format_html(", {}", publisher) if publisher else EMPTY
    shown_as_of = format_html(" ({})", as_of) if as_of else EMPTY
    return format_html(
        '<li{}><a href="{}" rel="noreferrer">{}</a>{}{}</li>',
        anchor,
        url,
        title,
        shown_publisher,
        shown_as_of,
    )


def source_items(sources: Sequence[Source], *, numbered: bool = True) -> SafeString:
    return join(
        source_item(source, number if numbered else None)
        for number, source in enumerate(sources, start=1)
    )


# -- evidence marks ----------------------------------------------------------------------


def old_source_said(source: Source) -> str:
    """What a reader sees instead of a check date for contact details from an old source."""
    return _("From %(source)s, %(year)s; not checked by Waypost since. Call first.") % {
        "source": source.title,
        "year": source.as_of,
    }


def _status_said(ev: Evidence) -> str:
    """Plain text (escaped where it is put in), or the catalogue's own markup."""
    if ev.old_source is not None and ev.status != Status.DISPUTED:
        return old_source_said(ev.old_source)
    return _said(get_language(), ev.status, ev.checked_on, ev.reported)


@lru_cache(maxsize=4096)
def _said(language: str | None, status: Status, checked_on: dt.date | None, reported: bool) -> str:
    # `language`, the active one, keys what is remembered: the words are gettext's.
    day = short_day(checked_on) if checked_on else ""
    if status == Status.CHECKED:
        return _("checked on %(day)s") % {"day": day}
    if status == Status.DUE:
        return _("last checked %(day)s, due for a re-check") % {"day": day}
    # These messages hold their own <strong>: the catalogue's text is trusted markup.
    if reported:
        return mark_safe(
            _(
                "<strong>Disputed:</strong> a reader reported this may be out of date; we are checking"  # noqa: E501
            )
        )
    if status == Status.DISPUTED:
        return mark_safe(
            _("<strong>Disputed:</strong> a check found this may be wrong; we are checking")
        )
    return mark_safe(_("<strong>Unchecked:</strong> not confirmed, treat with care"))


def evidence_mark(ev: Evidence, loc: Localizer, *, report: bool = True) -> SafeString:
    """Beside every fact: its sources, whether and when it was checked, a note, and a plain
    link to report a problem (one small link, no form; left out on the report page)."""
    cited = _cited(ev.refs) if ev.refs else EMPTY
    note = format_html(" · <em>{}</em>", text(loc, ev.caveat)) if ev.caveat else EMPTY
    if report and ev.fact_id:
        return format_html(
            '<span class="ev ev-{}">{}{}{} · <a class="rp" href="{}">{}</a></span>',
            ev.status,
            cited,
            _status_said(ev),
            note,
            address("report", ev.fact_id),
            _("Report a problem"),
        )
    return format_html(
        '<span class="ev ev-{}">{}{}{}</span>', ev.status, cited, _status_said(ev), note
    )


@lru_cache(maxsize=4096)
def _cited(numbers: tuple[int, ...]) -> SafeString:
    return format_html("{} ", _numbered_refs(numbers))


def card_mark(ev: Evidence) -> SafeString:
    """The printed card's short form of the same mark: no sources, no links."""
    if ev.old_source is not None and ev.status != Status.DISPUTED:
        said = _("from a %(year)s source, not checked since; call first") % {
            "year": ev.old_source.as_of
        }
    elif ev.checked_on and ev.status in (Status.CHECKED, Status.DUE):
        said = _("checked %(day)s") % {"day": short_day(ev.checked_on)}
    else:
        said = _("not confirmed")
    return format_html(' <span class="ev ev-{}">{}</span>', ev.status, said)


def fact_evidence(fact: Fact, *, ages_with_sources: bool = False) -> Evidence:
    """A fact's evidence on a page that lists its sources unnumbered (a service's own page,
    a report page). Its citations must be prefetched with their sources."""
    sources = [c.source for c in fact.citations.all()] if ages_with_sources else []
    ev = evidence_for(
        fact,
        sources,
        CitationRegistry(),
        dt.date.today(),
        ages_with_sources=ages_with_sources,
    )
    return replace(ev, refs=())


# -- where a service is, and its phones ----------------------------------------------------


def where(location: Location | None, loc: Localizer) -> SafeString:
    """The street address; for a service without a public address, the area it serves."""
    if location is None:
        return EMPTY
    if not location.area_only:
        address = getattr(location, "address", None)
        if address is not None:
            return format_html("{}", address)
    if location.area_description:
        return interpolate(_("Serves %(area)s"), area=text(loc, location.area_description))
    if location.place_id is None:
        return EMPTY
    if location.area_only:
        return interpolate(_("Serves %(area)s"), area=str(location.place))
    return format_html("{}", location.place)


def phone_label(number: Phone) -> str:
    spanish = " (español)" if number.language == "es" else ""
    return f"{choice_label(PhoneType, number.type)} {number.number}{spanish}"


def phone_link(number: Phone, loc: Localizer) -> SafeString:
    """A number to call: its kind, the number (a tel: link), and what it is for."""
    about = format_html(" ({})", text(loc, number.description)) if number.description else EMPTY
    return format_html(
        '<a href="{}">{} {}</a>{}{}',
        number.href,
        choice_label(PhoneType, number.type),
        number.number,
        " (español)" if number.language == "es" else "",
        about,
    )


def service_link(service: Service, loc: Localizer) -> SafeString:
    return format_html('<a href="{}">{}</a>', service.get_absolute_url(), text(loc, service.name))


def _time(value: dt.time) -> str:
    return time_format(value, "g:i A")


def opening_days(schedules: Iterable[Schedule]) -> str:
    return "; ".join(
        f"{choice_label(Weekday, s.weekday)} {_time(s.opens_at)}–{_time(s.closes_at)}"
        for s in schedules
    )


# -- a service in a list -------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneEntry:
    number: Phone
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ServiceEntry:
    """A service as a list shows it, whatever page the list is on."""

    service: Service
    location: Location | None = None
    # Worded by the page: "in Norwalk", "3 mi from Norwalk", "2.5 mi".
    distance: str = ""
    local: bool = False
    tags: tuple[str, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    phones: tuple[PhoneEntry, ...] = ()
    evidence: Evidence | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def entry_of_item(item: Item, place: Place) -> ServiceEntry:
    """A guide's, state page's or card's item (a service with its evidence)."""
    distance = ""
    if item.distance_mi is not None:
        if item.local:
            distance = _("in %(place)s") % {"place": place.name}
        else:
            distance = _("%(miles).0f mi from %(place)s") % {
                "miles": item.distance_mi,
                "place": place.name,
            }
    service = item.obj
    tags = (*item.attributes, *([service.fees_description] if service.fees_description else []))
    return ServiceEntry(
        service,
        item.location,
        distance,
        item.local,
        tags,
        item.schedules,
        tuple(PhoneEntry(p.obj, p.evidence) for p in item.phones),
        item.evidence,
        {"distance_mi": item.distance_mi},
    )


def entry_of_result(result: SearchResult) -> ServiceEntry:
    """A search result (a service with its categories and attributes, no evidence)."""
    distance = ""
    if result.distance_mi is not None:
        distance = _("%(miles)s mi") % {"miles": floatformat(result.distance_mi, 1)}
    tags = tuple(t.name for t in (*result.categories, *result.attributes))
    return ServiceEntry(
        result.service,
        result.location,
        distance,
        tags=tags,
        phones=tuple(PhoneEntry(p) for p in result.phones),
    )


def _phones_with_marks(entry: ServiceEntry, loc: Localizer) -> SafeString:
    out = []
    for phone in entry.phones:
        mark: SafeString = EMPTY
        if phone.evidence is not None and entry.evidence is not None:
            if phone.evidence.reads_as(entry.evidence):
                # The same mark as the service's: only its sources, once.
                mark = format_html('<span class="ev">{}</span>', refs(phone.evidence))
            else:
                mark = evidence_mark(phone.evidence, loc)
        spaced = format_html(" {}", mark) if mark else EMPTY
        out.append(
            format_html('<span class="phone">{}{}</span>', phone_link(phone.number, loc), spaced)
        )
    return join(out)


def service_entry(entry: ServiceEntry, loc: Localizer, style: Style = "listing") -> SafeString:
    """One service in a list: a guide's questions ("listing"), its hotlines ("compact"), the
    printed card ("card") and the search's results ("search")."""
    service = entry.service
    if style == "card":
        return _card_entry(entry, loc)
    parts: list[SafeString | str] = [service_link(service, loc)]
    if style != "compact" and service.organization.name != service.name:
        parts.append(format_html(' <span class="org">({})</span>', service.organization.name))
    if entry.distance:
        parts.append(format_html(' <span class="dist">{}</span>', entry.distance))
    place_line = where(entry.location, loc)
    shown_where = format_html('<br><span class="where">{}</span>', place_line) if place_line else ""
    tags = join(format_html("<span>{}</span>", text(loc, tag)) for tag in entry.tags)
    shown_tags = format_html('<br><span class="tags">{}</span>', tags) if entry.tags else ""
    hours = (
        format_html("<br>{} {}", _("Hours:"), text(loc, service.hours_description))
        if service.hours_description
        else ""
    )
    if style == "search":
        # Line breaks between the parts, as the search page's markup had them.
        phones = join(
            format_html('<span class="phone">{}</span>', phone_link(p.number, loc))
            for p in entry.phones
        )
        return format_html(
            '<li class="svc">{}\n{}\n{}\n{}\n{}\n</li>\n',
            join(parts),
            shown_where,
            shown_tags,
            hours,
            format_html("<br>{}", phones) if entry.phones else "",
        )
    parts.append(shown_where)
    if style == "compact":
        if service.hours_description:
            parts.append(format_html(" · {}", text(loc, service.hours_description)))
    else:
        if service.description:
            parts.append(format_html("<br>{}", text(loc, service.description)))
        parts += [shown_tags, hours]
        if entry.schedules:
            settled = entry.evidence is None or entry.evidence.settled
            label = _("Hours:") if settled else _("Hours (not confirmed):")
            parts.append(format_html("<br>{} {}", label, opening_days(entry.schedules)))
    if entry.phones:
        parts.append(
            format_html('<br><span class="phones">{}</span>', _phones_with_marks(entry, loc))
        )
    if entry.evidence is not None:
        parts.append(format_html("<br>{}", evidence_mark(entry.evidence, loc)))
    return format_html('<li class="svc">{}</li>', join(parts))


def _card_entry(entry: ServiceEntry, loc: Localizer) -> SafeString:
    """A service on the printed card: name, where, phones, and when it was last checked."""
    service = entry.service
    parts = [format_html("<strong>{}</strong>", text(loc, service.name))]
    miles = entry.extra.get("distance_mi")
    if miles is not None and entry.location is not None:
        place_line = where(entry.location, loc)
        if place_line:
            parts.append(format_html(" · {}", place_line))
        if not entry.local:
            parts.append(format_html(" · {}", _("%(miles).0f mi away") % {"miles": miles}))
    elif service.hours_description:
        parts.append(format_html(" · {}", text(loc, service.hours_description)))
    numbers = " · ".join(phone_label(p.number) for p in entry.phones)
    if numbers:
        parts.append(format_html('<br><span class="nums">{}</span>', numbers))
    if entry.evidence is not None:
        parts.append(card_mark(entry.evidence))
    return format_html("<li>{}</li>", join(parts))

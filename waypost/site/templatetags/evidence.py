"""The evidence mark beside every fact, and the service entry of a guide listing.

Tags built with plain string escaping rather than included templates: a guide shows about
a hundred of these, and per-fact includes were most of a page's render time.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django import template
from django.utils.dateformat import time_format
from django.utils.safestring import SafeString, mark_safe

from waypost.directory.models import PhoneType, Weekday
from waypost.evidence.models import Fact, Source, Status, newest_outdated
from waypost.guides.citations import Evidence
from waypost.guides.services import Item
from waypost.localize import choice_label, language_prefix, short_day
from waypost.localize import gettext_memo as _
from waypost.places.models import Place
from waypost.translations.services import ENGLISH, Localizer

register = template.Library()


def _refs(ev: Evidence) -> str:
    return "".join(f'<a href="#source-{n}">[{n}]</a>' for n in ev.refs)


def old_source_said(source: Source) -> str:
    """What a reader sees instead of a check date for contact details from an old source."""
    return escape(
        _("From %(source)s, %(year)s; not checked by Waypost since. Call first.")
        % {"source": source.title, "year": source.as_of}
    )


def _evidence(ev: Evidence, loc: Localizer = ENGLISH) -> str:
    day = short_day(ev.checked_on) if ev.checked_on else ""
    if ev.old_source is not None and ev.status != Status.DISPUTED:
        said = old_source_said(ev.old_source)
    elif ev.status == Status.CHECKED:
        said = escape(_("checked on %(day)s") % {"day": day})
    elif ev.status == Status.DUE:
        said = escape(_("last checked %(day)s, due for a re-check") % {"day": day})
    elif ev.reported:
        said = _(
            "<strong>Disputed:</strong> a reader reported this may be out of date; we are checking"
        )
    elif ev.status == Status.DISPUTED:
        said = _("<strong>Disputed:</strong> a check found this may be wrong; we are checking")
    else:
        said = _("<strong>Unchecked:</strong> not confirmed, treat with care")
    note = f" · <em>{loc.html(ev.caveat)}</em>" if ev.caveat else ""
    return f'<span class="ev ev-{ev.status}">{_refs(ev)} {said}{note}{_report_link(ev)}</span>'


def _report_link(ev: Evidence) -> str:
    """A plain link to the fact's report page: one small link, no form, on every fact."""
    if not ev.fact_id:
        return ""
    href = f"{language_prefix()}/report/{ev.fact_id}/"
    text = _("Report a problem")
    return f' · <a class="rp" href="{href}">{text}</a>'


@register.simple_tag
def source_items(sources: list[Any]) -> SafeString:
    """The numbered sources of a page, in citation order (a guide cites forty or more)."""
    out = []
    for number, source in enumerate(sources, start=1):
        publisher = f", {escape(source.publisher)}" if source.publisher else ""
        as_of = f" ({escape(str(source.as_of))})" if source.as_of else ""
        out.append(
            f'<li id="source-{number}"><a href="{escape(source.url)}" rel="noreferrer">'
            f"{escape(source.title)}</a>{publisher}{as_of}</li>"
        )
    return mark_safe("".join(out))


@register.simple_tag
def refs(ev: Evidence) -> SafeString:
    return mark_safe(f'<span class="ev">{_refs(ev)}</span>')


@register.simple_tag(takes_context=True)
def evidence(context: dict[str, Any], ev: Evidence) -> SafeString:
    return mark_safe(_evidence(ev, context.get("loc") or ENGLISH))


@register.simple_tag(takes_context=True)
def tr(context: dict[str, Any], value: str) -> SafeString:
    """Data-driven text in the page's language, or in English marked as such."""
    loc: Localizer = context.get("loc") or ENGLISH
    return mark_safe(loc.html(value))


def _time(value: dt.time) -> str:
    return time_format(value, "g:i A")


@register.simple_tag(takes_context=True)
def service_item(
    context: dict[str, Any], item: Item, place: Place, compact: bool = False
) -> SafeString:
    loc = context.get("loc") or ENGLISH
    return mark_safe(service_html(item, place, loc, compact, page_fragments(context)))


def page_fragments(context: Any) -> dict[tuple[int, bool], str] | None:
    guide = context.get("guide")
    return getattr(guide, "fragments", None)


def service_html(
    item: Item,
    place: Place,
    loc: Localizer,
    compact: bool = False,
    fragments: dict[tuple[int, bool], str] | None = None,
) -> str:
    """render_service_item, once per page for a service the page lists several times."""
    if fragments is None:
        return render_service_item(item, place, loc, compact)
    key = (id(item), compact)
    found = fragments.get(key)
    if found is None:
        found = fragments[key] = render_service_item(item, place, loc, compact)
    return found


def _where(item: Item, loc: Localizer) -> str:
    """The street address, or only the area for a service without a public address."""
    location = item.location
    if location is None:
        return ""
    if not location.area_only:
        address = getattr(location, "address", None)
        if address is not None:
            return escape(str(address))
    if not location.area_description:
        return ""
    return escape(_("Serves %(area)s")) % {"area": loc.html(location.area_description)}


def render_service_item(item: Item, place: Place, loc: Localizer, compact: bool = False) -> str:
    """One service in a guide listing: name, distance, details, phones, evidence."""
    service = item.obj
    out = [f'<li class="svc"><a href="{service.get_absolute_url()}">{loc.html(service.name)}</a>']
    if not compact and service.organization.name != service.name:
        out.append(f' <span class="org">({escape(service.organization.name)})</span>')
    if item.distance_mi is not None:
        if item.local:
            where = _("in %(place)s") % {"place": place.name}
        else:
            where = _("%(miles).0f mi from %(place)s") % {
                "miles": item.distance_mi,
                "place": place.name,
            }
        out.append(f' <span class="dist">{escape(where)}</span>')
    where_text = _where(item, loc)
    if where_text:
        out.append(f'<br><span class="where">{where_text}</span>')
    if compact:
        if service.hours_description:
            out.append(f" · {loc.html(service.hours_description)}")
    else:
        if service.description:
            out.append(f"<br>{loc.html(service.description)}")
        tags = [*item.attributes, *([service.fees_description] if service.fees_description else [])]
        if tags:
            spans = "".join(f"<span>{loc.html(t)}</span>" for t in tags)
            out.append(f'<br><span class="tags">{spans}</span>')
        if service.hours_description:
            out.append(f"<br>{escape(_('Hours:'))} {loc.html(service.hours_description)}")
        days = item.schedules
        if days:
            hours = "; ".join(
                f"{choice_label(Weekday, s.weekday)} {_time(s.opens_at)}–{_time(s.closes_at)}"
                for s in days
            )
            label = _("Hours:") if item.evidence.settled else _("Hours (not confirmed):")
            out.append(f"<br>{escape(label)} {escape(hours)}")
    if item.phones:
        phones = []
        for phone in item.phones:
            number = phone.obj
            extra = " (español)" if number.language == "es" else ""
            if number.description:
                extra += f" ({loc.html(number.description)})"
            if phone.evidence.reads_as(item.evidence):
                mark = f'<span class="ev">{_refs(phone.evidence)}</span>'
            else:
                mark = _evidence(phone.evidence, loc)
            phones.append(
                f'<span class="phone"><a href="{escape(number.href)}">'
                f"{escape(choice_label(PhoneType, number.type))} {escape(number.number)}</a>"
                f"{extra} {mark}"
                "</span>"
            )
        out.append(f'<br><span class="phones">{"".join(phones)}</span>')
    out.append(f"<br>{_evidence(item.evidence, loc)}</li>")
    return "".join(out)


@register.simple_tag(takes_context=True)
def card_item(context: dict[str, Any], item: Item) -> SafeString:
    """A service on the printed card: name, where, phones, and when it was last checked."""
    loc: Localizer = context.get("loc") or ENGLISH
    service = item.obj
    out = [f"<li><strong>{loc.html(service.name)}</strong>"]
    if item.distance_mi is not None and item.location is not None:
        where = _where(item, loc)
        if where:
            out.append(f" · {where}")
        if not item.local:
            out.append(" · " + escape(_("%(miles).0f mi away") % {"miles": item.distance_mi}))
    elif service.hours_description:
        out.append(f" · {loc.html(service.hours_description)}")
    numbers = [
        f"{escape(choice_label(PhoneType, p.obj.type))} {escape(p.obj.number)}"
        + (" (español)" if p.obj.language == "es" else "")
        for p in item.phones
    ]
    if numbers:
        out.append(f'<br><span class="nums">{" · ".join(numbers)}</span>')
    ev = item.evidence
    if ev.old_source is not None and ev.status != Status.DISPUTED:
        said = _("from a %(year)s source, not checked since; call first") % {
            "year": ev.old_source.as_of
        }
    elif ev.checked_on and ev.status in (Status.CHECKED, Status.DUE):
        said = _("checked %(day)s") % {"day": short_day(ev.checked_on)}
    else:
        said = _("not confirmed")
    out.append(f' <span class="ev ev-{ev.status}">{escape(said)}</span></li>')
    return mark_safe("".join(out))


@register.simple_tag
def old_source(fact: Fact) -> Source | None:
    """For a service's or phone's own page: the newest of the fact's sources when all are
    older than the check window (the same rule as a guide's listing), else None."""
    # .all(): the service page prefetches every citation with its source (no query per fact).
    sources = [c.source for c in fact.citations.all()]
    return newest_outdated(sources, dt.date.today())


@register.simple_tag
def old_source_text(source: Source) -> SafeString:
    return mark_safe(old_source_said(source))

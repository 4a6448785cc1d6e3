"""The evidence mark beside every fact, and the service entry of a guide listing.

Tags built with plain string escaping rather than included templates: a guide shows about
a hundred of these, and per-fact includes were most of a page's render time.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django import template
from django.utils.dateformat import time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from waypost.evidence.models import Status
from waypost.guides.citations import Evidence
from waypost.guides.services import Item
from waypost.places.models import Place

register = template.Library()


def _refs(ev: Evidence) -> str:
    return "".join(f'<a href="#source-{n}">[{n}]</a>' for n in ev.refs)


def _evidence(ev: Evidence) -> str:
    day = f"{ev.checked_on.day} {ev.checked_on:%b %Y}" if ev.checked_on else ""
    if ev.status == Status.CHECKED:
        said = f"checked on {day}"
    elif ev.status == Status.DUE:
        said = f"last checked {day}, due for a re-check"
    elif ev.reported:
        said = str(_READER_REPORTED)
    elif ev.status == Status.DISPUTED:
        said = str(_CHECK_CONFLICT)
    else:
        said = str(_UNCHECKED)
    note = f" · <em>{escape(ev.note)}</em>" if ev.note else ""
    return f'<span class="ev ev-{ev.status}">{_refs(ev)} {said}{note}{_report_link(ev)}</span>'


_READER_REPORTED = _(
    "<strong>Disputed:</strong> a reader reported this may be out of date; we are checking"
)
_CHECK_CONFLICT = _("<strong>Disputed:</strong> a check found this may be wrong; we are checking")
_UNCHECKED = _("<strong>Unchecked:</strong> not confirmed, treat with care")
_REPORT = _("Report a problem")


def _report_link(ev: Evidence) -> str:
    """A plain link to the fact's report page: one small link, no form, on every fact."""
    if not ev.fact_id:
        return ""
    return f' · <a class="rp" href="/report/{ev.fact_id}/">{_REPORT}</a>'


@register.simple_tag
def refs(ev: Evidence) -> SafeString:
    return mark_safe(f'<span class="ev">{_refs(ev)}</span>')


@register.simple_tag
def evidence(ev: Evidence) -> SafeString:
    return mark_safe(_evidence(ev))


def _time(value: dt.time) -> str:
    return time_format(value, "g:i A")


@register.simple_tag
def service_item(item: Item, place: Place, compact: bool = False) -> SafeString:
    return mark_safe(render_service_item(item, place, compact))


def _where(item: Item) -> str:
    """The street address, or only the area for a service without a public address."""
    location = item.location
    if location is None:
        return ""
    if not location.area_only:
        address = getattr(location, "address", None)
        if address is not None:
            return str(address)
    return f"Serves {location.area_description}" if location.area_description else ""


def render_service_item(item: Item, place: Place, compact: bool = False) -> str:
    """One service in a guide listing: name, distance, details, phones, evidence."""
    service = item.obj
    out = [f'<li class="svc"><a href="{service.get_absolute_url()}">{escape(service.name)}</a>']
    if not compact and service.organization.name != service.name:
        out.append(f' <span class="org">({escape(service.organization.name)})</span>')
    if item.distance_mi is not None:
        where = "in " if item.local else f"{item.distance_mi:.0f} mi from "
        out.append(f' <span class="dist">{where}{escape(place.name)}</span>')
    where_text = _where(item)
    if where_text:
        out.append(f'<br><span class="where">{escape(where_text)}</span>')
    if compact:
        if service.hours_description:
            out.append(f" · {escape(service.hours_description)}")
    else:
        if service.description:
            out.append(f"<br>{escape(service.description)}")
        tags = [*item.attributes, *([service.fees_description] if service.fees_description else [])]
        if tags:
            spans = "".join(f"<span>{escape(t)}</span>" for t in tags)
            out.append(f'<br><span class="tags">{spans}</span>')
        if service.hours_description:
            out.append(f"<br>Hours: {escape(service.hours_description)}")
        days = item.schedules
        if days:
            hours = "; ".join(
                f"{s.get_weekday_display()} {_time(s.opens_at)}–{_time(s.closes_at)}" for s in days
            )
            caveat = "" if item.evidence.settled else " (not confirmed)"
            out.append(f"<br>Hours{caveat}: {escape(hours)}")
    if item.phones:
        phones = []
        for phone in item.phones:
            number = phone.obj
            extra = " (español)" if number.language == "es" else ""
            if number.description:
                extra += f" ({escape(number.description)})"
            if phone.evidence.reads_as(item.evidence):
                mark = f'<span class="ev">{_refs(phone.evidence)}</span>'
            else:
                mark = _evidence(phone.evidence)
            phones.append(
                f'<span class="phone"><a href="{escape(number.href)}">'
                f"{escape(number.get_type_display())} {escape(number.number)}</a>{extra} {mark}"
                "</span>"
            )
        out.append(f'<br><span class="phones">{"".join(phones)}</span>')
    out.append(f"<br>{_evidence(item.evidence)}</li>")
    return "".join(out)

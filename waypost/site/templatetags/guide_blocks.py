"""A guide answer's data blocks as HTML.

Written as Python rather than included templates because a guide holds some twenty answers
and a hundred facts: per-item template includes were the larger part of the page's server
time. The markup stays small and every value is escaped here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from waypost.guides.services import REPEALED_AFTER, Answer, Block, Item
from waypost.laws.models import Law, LawStatement
from waypost.places.models import Place
from waypost.site.templatetags.evidence import _evidence, render_service_item

register = template.Library()


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _caveat(item: Item) -> str:
    return "" if item.evidence.settled else "<em>Reported, not confirmed:</em> "


def _cite(law: Law) -> str:
    return escape(law.citation) if law.citation else "citation not known"


def _law(item: Item, place: Place) -> str:
    statement = item.obj
    law = statement.law
    return (
        f'<li><strong>{escape(law.title)}</strong> <span class="cite">({_cite(law)}, '
        f"{escape(law.jurisdiction.name)})</span><br>{_caveat(item)}{escape(statement.summary)}<br>"
        f"{_evidence(item.evidence)}</li>"
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _penalty_text(statement: LawStatement) -> str:
    """ "Class A misdemeanor; up to 1 year in jail; a fine of up to $2,000. Note." """
    parts = []
    if statement.classification:
        parts.append(escape(_capitalized(statement.classification)))
    if statement.max_jail:
        where = "" if "jail" in statement.max_jail else " in jail"
        parts.append(f"up to {escape(statement.max_jail)}{where}")
    if statement.max_fine_usd is not None:
        parts.append(f"a fine of up to ${statement.max_fine_usd:,}")
    note = f" {escape(_capitalized(statement.penalty_note))}." if statement.penalty_note else ""
    return f"{'; '.join(parts)}.{note}"


def _penalty(item: Item, place: Place) -> str:
    statement = item.obj
    law = statement.law
    return (
        f"<li><strong>{_cite(law)}</strong>: {escape(law.title)}. {_caveat(item)}"
        f"{_penalty_text(statement)}<br>{_evidence(item.evidence)}</li>"
    )


def _state_law(item: Item, place: Place) -> str:
    """A state page's statement: the law, its summary, and its penalties, which are
    prefixed as reported when the statement is not settled (never shown as fact)."""
    statement = item.obj
    law = statement.law
    penalty = ""
    if statement.has_penalty:
        penalty = f"<br>Penalty: {_caveat(item)}{_penalty_text(statement)}"
    return (
        f'<li><strong>{escape(law.title)}</strong> <span class="cite">({_cite(law)})</span>'
        f"<br>{_caveat(item)}{escape(statement.summary)}{penalty}<br>{_evidence(item.evidence)}</li>"
    )


def _law_change(item: Item, place: Place) -> str:
    change = item.obj
    name = f" ({escape(change.name)})" if change.name else ""
    when = f", in effect from {_day(change.effective_on)}" if change.effective_on else ""
    unsettled = "" if item.evidence.settled else " <em>(not confirmed)</em>"
    return (
        f"<li><strong>{escape(change.bill)}</strong>{name}{when}{unsettled}: "
        f"{escape(change.change)}<br>{_evidence(item.evidence)}</li>"
    )


def _program(item: Item, place: Place) -> str:
    program = item.obj
    cite = f' <span class="cite">({escape(program.citation)})</span>' if program.citation else ""
    amount = ""
    if program.amount_usd_month is not None:
        amount = f"<br>{_caveat(item)}at most ${program.amount_usd_month:,} a month"
    return (
        f"<li><strong>{escape(program.title)}</strong>{cite}<br>{escape(program.summary)}"
        f"{amount}<br>{_evidence(item.evidence)}</li>"
    )


def _place_fact(item: Item, place: Place) -> str:
    fact = item.obj
    cite = f' <span class="cite">({escape(fact.citation)})</span>' if fact.citation else ""
    return f"<li>{escape(fact.text)}{cite}<br>{_evidence(item.evidence)}</li>"


def _service(item: Item, place: Place) -> str:
    return render_service_item(item, place)


def _repealed(item: Item, place: Place) -> str:
    law = item.obj.law
    ended = ", ".join(
        escape(c.bill) + (f" (in effect from {_day(c.effective_on)})" if c.effective_on else "")
        for c in law.ended_by()
    )
    ended_by = f"; ended by {ended}" if ended else ""
    return (
        f"<li><s>{_cite(law)}</s>: {escape(law.title)}. In force until "
        f"{_day(law.effective_to)}{ended_by}.<br>{_evidence(item.evidence)}</li>"
    )


RENDERERS: dict[str, tuple[str, Callable[[Item, Place], str]]] = {
    "laws": ("facts", _law),
    "penalties": ("facts", _penalty),
    "state_laws": ("facts", _state_law),
    "law_changes": ("facts", _law_change),
    "programs": ("facts", _program),
    "place_facts": ("facts", _place_fact),
    "services": ("svcs", _service),
    "hotlines": ("svcs", _service),
    "repealed": ("facts", _repealed),
}


def render_items(kind: str, items: tuple[Item, ...] | list[Item], place: Place) -> str:
    css, render = RENDERERS[kind]
    return f'<ul class="{css}">{"".join(render(item, place) for item in items)}</ul>'


@register.simple_tag
def block_html(block: Block, place: Place) -> SafeString:
    return mark_safe(render_items(block.kind, block.items, place))


@register.simple_tag
def items_html(kind: str, items: list[Item], place: Place) -> SafeString:
    return mark_safe(render_items(kind, items, place))


def _search_link(block: Block, place: Place) -> str:
    """The directory search for this block's categories around the place, to see more."""
    params = [("near", place.path), ("radius", f"{settings.NEARBY_RADIUS_MI:g}")]
    params += [("category", code) for code in block.categories]
    text = gettext("Search the directory for more services like these near %(place)s") % {
        "place": place.name
    }
    return f'<p class="more"><a href="/search/?{escape(urlencode(params))}">{escape(text)}</a></p>'


EMPTY_ANSWER = (
    '<p class="empty">We have no checked information on this for {place} yet. We would rather '
    'say so than guess. The <a href="#hotlines">hotlines at the top of this page</a> can help '
    "you now.</p>"
)


@register.simple_tag
def answer_body(answer: Answer, place: Place, repealed: list[Item]) -> SafeString:
    """Everything under a question's heading: editorial text, then the data blocks."""
    out = []
    if answer.is_empty:
        out.append(EMPTY_ANSWER.format(place=escape(place.name)))
    else:
        if answer.editorial_html and answer.editorial is not None:
            # editorial_html was sanitized when it was loaded (see guides.editorial).
            out.append(
                f'<div class="editorial">{answer.editorial_html}'
                f"<p>{_evidence(answer.editorial.evidence)}</p></div>"
            )
        out.extend(render_items(b.kind, b.items, place) for b in answer.blocks if b.items)
    out.extend(_search_link(block, place) for block in answer.blocks if block.categories)
    if answer.question.slug == REPEALED_AFTER and repealed:
        out.append(f"<h4>No longer in force</h4>{render_items('repealed', repealed, place)}")
    return mark_safe("".join(out))

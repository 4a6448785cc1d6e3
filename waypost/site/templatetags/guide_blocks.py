"""A guide answer's data blocks as HTML.

Written as Python rather than included templates because a guide holds some twenty answers
and a hundred facts: per-item template includes were the larger part of the page's server
time. The markup stays small and every value is escaped here; data-driven text goes
through the page's localizer, interface words through gettext.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from waypost.guides.services import REPEALED_AFTER, Answer, Block, Guide, Item
from waypost.laws.models import Law, LawStatement
from waypost.localize import gettext_memo as _
from waypost.localize import language_prefix
from waypost.places.models import Place
from waypost.site.templatetags.evidence import _evidence, page_fragments, service_html, short_day
from waypost.translations.services import ENGLISH, Localizer

register = template.Library()


def _caveat(item: Item) -> str:
    return "" if item.evidence.settled else f"<em>{escape(_('Reported, not confirmed:'))}</em> "


def _cite(law: Law) -> str:
    # Laws keep their official citation in every language.
    return escape(law.citation) if law.citation else escape(_("citation not known"))


def _law(item: Item, place: Place, loc: Localizer) -> str:
    statement = item.obj
    law = statement.law
    return (
        f'<li><strong>{loc.html(statement.heading)}</strong> <span class="cite">({_cite(law)}, '
        f"{escape(law.jurisdiction.name)})</span><br>{_caveat(item)}{loc.html(statement.summary)}"
        f"<br>{_evidence(item.evidence, loc)}</li>"
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _penalty_text(statement: LawStatement, loc: Localizer) -> str:
    """ "Class A misdemeanor; up to 1 year in jail; a fine of up to $2,000. Note." """
    parts = []
    if statement.classification:
        parts.append(_capitalized(loc.html(statement.classification)))
    if statement.max_jail:
        jail = loc.html(statement.max_jail)
        if "jail" in statement.max_jail:
            parts.append(escape(_("up to %(time)s")) % {"time": jail})
        else:
            parts.append(escape(_("up to %(time)s in jail")) % {"time": jail})
    if statement.max_fine_usd is not None:
        parts.append(
            escape(_("a fine of up to $%(amount)s") % {"amount": f"{statement.max_fine_usd:,}"})
        )
    note = f" {_capitalized(loc.html(statement.penalty_note))}." if statement.penalty_note else ""
    return f"{'; '.join(parts)}.{note}"


def _penalty(item: Item, place: Place, loc: Localizer) -> str:
    statement = item.obj
    law = statement.law
    return (
        f"<li><strong>{_cite(law)}</strong>: {loc.html(statement.heading)}. {_caveat(item)}"
        f"{_penalty_text(statement, loc)}<br>{_evidence(item.evidence, loc)}</li>"
    )


def _state_law(item: Item, place: Place, loc: Localizer) -> str:
    """A state page's statement: the law, its summary, and its penalties, which are
    prefixed as reported when the statement is not settled (never shown as fact)."""
    statement = item.obj
    law = statement.law
    penalty = ""
    if statement.has_penalty:
        penalty = f"<br>{escape(_('Penalty:'))} {_caveat(item)}{_penalty_text(statement, loc)}"
    heading = loc.html(statement.heading)
    return (
        f'<li><strong>{heading}</strong> <span class="cite">({_cite(law)})</span>'
        f"<br>{_caveat(item)}{loc.html(statement.summary)}{penalty}<br>"
        f"{_evidence(item.evidence, loc)}</li>"
    )


def _law_change(item: Item, place: Place, loc: Localizer) -> str:
    change = item.obj
    name = f" ({loc.html(change.name)})" if change.name else ""
    when = ""
    if change.effective_on:
        when = escape(_(", in effect from %(day)s") % {"day": short_day(change.effective_on)})
    unsettled = "" if item.evidence.settled else f" <em>{escape(_('(not confirmed)'))}</em>"
    return (
        f"<li><strong>{escape(change.bill)}</strong>{name}{when}{unsettled}: "
        f"{loc.html(change.change)}<br>{_evidence(item.evidence, loc)}</li>"
    )


def _program(item: Item, place: Place, loc: Localizer) -> str:
    program = item.obj
    cite = f' <span class="cite">({escape(program.citation)})</span>' if program.citation else ""
    amount = ""
    if program.amount_usd_month is not None:
        most = _("at most $%(amount)s a month") % {"amount": f"{program.amount_usd_month:,}"}
        amount = f"<br>{_caveat(item)}{escape(most)}"
    return (
        f"<li><strong>{loc.html(program.title)}</strong>{cite}<br>{loc.html(program.summary)}"
        f"{amount}<br>{_evidence(item.evidence, loc)}</li>"
    )


def _place_fact(item: Item, place: Place, loc: Localizer) -> str:
    fact = item.obj
    cite = f' <span class="cite">({escape(fact.citation)})</span>' if fact.citation else ""
    return f"<li>{_caveat(item)}{loc.html(fact.text)}{cite}<br>{_evidence(item.evidence, loc)}</li>"


def _service(item: Item, place: Place, loc: Localizer) -> str:
    return service_html(item, place, loc)


def _repealed(item: Item, place: Place, loc: Localizer) -> str:
    law = item.obj.law
    ended = ", ".join(
        escape(c.bill)
        + (
            escape(_(" (in effect from %(day)s)") % {"day": short_day(c.effective_on)})
            if c.effective_on
            else ""
        )
        for c in law.ended_by()
    )
    ended_by = escape(_("; ended by %(laws)s")) % {"laws": ended} if ended else ""
    until = escape(_("In force until %(day)s") % {"day": short_day(law.effective_to)})
    return (
        f"<li><s>{_cite(law)}</s>: {loc.html(law.title)}. {until}{ended_by}.<br>"
        f"{_evidence(item.evidence, loc)}</li>"
    )


RENDERERS: dict[str, tuple[str, Callable[[Item, Place, Localizer], str]]] = {
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


def render_items(
    kind: str,
    items: tuple[Item, ...] | list[Item],
    place: Place,
    loc: Localizer = ENGLISH,
    fragments: dict[tuple[int, bool], str] | None = None,
) -> str:
    css, render = RENDERERS[kind]
    if css == "svcs":
        html = "".join(service_html(item, place, loc, False, fragments) for item in items)
    else:
        html = "".join(render(item, place, loc) for item in items)
    return f'<ul class="{css}">{html}</ul>'


def _loc(context: dict[str, Any]) -> Localizer:
    return context.get("loc") or ENGLISH


@register.simple_tag(takes_context=True)
def block_html(context: dict[str, Any], block: Block, place: Place) -> SafeString:
    return mark_safe(
        render_items(block.kind, block.items, place, _loc(context), page_fragments(context))
    )


@register.simple_tag(takes_context=True)
def items_html(context: dict[str, Any], kind: str, items: list[Item], place: Place) -> SafeString:
    return mark_safe(render_items(kind, items, place, _loc(context), page_fragments(context)))


def _search_link(block: Block, place: Place) -> str:
    """The directory search for this block's categories around the place, to see more."""
    params = [("near", place.path), ("radius", f"{settings.NEARBY_RADIUS_MI:g}")]
    params += [("category", code) for code in block.categories]
    text = _("Search the directory for more services like these near %(place)s") % {
        "place": place.name
    }
    href = f"{language_prefix()}/search/?{escape(urlencode(params))}"
    return f'<p class="more"><a href="{href}">{escape(text)}</a></p>'


def _empty_answer(place: Place) -> str:
    text = escape(
        _(
            "We have no checked information on this for %(place)s yet. We would rather say so "
            "than guess."
        )
        % {"place": place.name}
    )
    link = escape(_("hotlines at the top of this page"))
    help_now = escape(_("The %(hotlines)s can help you now.")) % {
        "hotlines": f'<a href="#hotlines">{link}</a>'
    }
    return f'<p class="empty">{text} {help_now}</p>'


@register.simple_tag
def toc_items(guide: Guide) -> SafeString:
    """The table of contents' entries for the topics and their questions."""
    out = []
    for section in guide.sections:
        topic = section.topic
        questions = "".join(
            f'<li><a href="#{conditional_escape(a.question.slug)}">'
            f"{escape(str(a.question.text))}</a></li>"
            for a in section.answers
        )
        out.append(
            f'<li><a href="#{conditional_escape(topic.slug)}">{escape(str(topic.title))}'
            f"</a><ol>{questions}</ol></li>"
        )
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def guide_sections(context: dict[str, Any], guide: Guide, place: Place) -> SafeString:
    """Each topic's section, with each question and its answer (a guide has about twenty)."""
    loc = _loc(context)
    fragments = page_fragments(context)
    out = []
    for section in guide.sections:
        slug = conditional_escape(section.topic.slug)
        out.append(
            f'\n<section id="{slug}" aria-labelledby="{slug}-h">\n'
            f'<h2 id="{slug}-h">{escape(str(section.topic.title))}</h2>\n'
        )
        for answer in section.answers:
            body = answer_body(answer, place, guide.repealed, loc, fragments)
            out.append(
                f'\n<article id="{conditional_escape(answer.question.slug)}" class="qa">\n'
                f"<h3>{escape(str(answer.question.text))}</h3>\n{body}\n</article>\n"
            )
        out.append("\n</section>\n")
    return mark_safe("".join(out))


def answer_body(
    answer: Answer,
    place: Place,
    repealed: list[Item],
    loc: Localizer,
    fragments: dict[tuple[int, bool], str] | None,
) -> str:
    """Everything under a question's heading: editorial text, then the data blocks."""
    out = []
    if answer.is_empty:
        out.append(_empty_answer(place))
    else:
        if answer.editorial_html and answer.editorial is not None:
            # editorial_html was sanitized when it was loaded (see guides.editorial).
            body = answer.editorial_html
            if answer.editorial_language != loc.language:
                # No answer written in this language: the English one, marked as such.
                note = escape(_("(in English)"))
                body = f'<div lang="en">{body}</div><p class="in-en">{note}</p>'
            evidence = _evidence(answer.editorial.evidence, loc)
            out.append(f'<div class="editorial">{body}<p>{evidence}</p></div>')
        out.extend(
            render_items(b.kind, b.items, place, loc, fragments) for b in answer.blocks if b.items
        )
    out.extend(_search_link(block, place) for block in answer.blocks if block.categories)
    if answer.question.slug == REPEALED_AFTER and repealed:
        heading = escape(_("No longer in force"))
        out.append(f"<h4>{heading}</h4>{render_items('repealed', repealed, place, loc)}")
    return "".join(out)

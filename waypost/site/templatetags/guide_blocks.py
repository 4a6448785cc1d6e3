"""A guide's (and a state page's) answers and data blocks as HTML.

Python rather than included templates: a guide holds some twenty answers and a hundred
facts, and per-item template includes were the larger part of the page's server time.
Markup is built with format_html, which escapes every value; data-driven text goes through
the page's localizer, interface words through gettext. Services and evidence marks are
rendered by waypost/site/render.py, as on every other page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from waypost.guides.services import REPEALED_AFTER, Answer, Block, Guide, Item
from waypost.laws.models import Law, LawStatement
from waypost.places.models import Place
from waypost.site.render import EMPTY, evidence_mark, interpolate, join, text
from waypost.site.templatetags.evidence import page_fragments, page_loc, service_html
from waypost.translations.language import address, short_day
from waypost.translations.language import gettext_memo as _
from waypost.translations.services import ENGLISH, Localizer

register = template.Library()


def _caveat(item: Item) -> SafeString:
    if item.evidence.settled:
        return EMPTY
    return format_html("<em>{}</em> ", _("Reported, not confirmed:"))


def _cite(law: Law) -> str:
    # Laws keep their official citation in every language.
    return law.citation or _("citation not known")


def _law(item: Item, place: Place, loc: Localizer) -> SafeString:
    statement = item.obj
    law = statement.law
    return format_html(
        '<li><strong>{}</strong> <span class="cite">({}, {})</span><br>{}{}<br>{}</li>',
        text(loc, statement.heading),
        _cite(law),
        law.jurisdiction.name,
        _caveat(item),
        text(loc, statement.summary),
        evidence_mark(item.evidence, loc),
    )


def _capitalized(value: SafeString) -> SafeString:
    # Escaped HTML starts with a letter or an entity; a tag only for text marked English.
    return SafeString(value[:1].upper() + value[1:])


def _penalty_text(statement: LawStatement, loc: Localizer) -> SafeString:
    """ "Class A misdemeanor; up to 1 year in jail; a fine of up to $2,000. Note." """
    parts: list[SafeString] = []
    if statement.classification:
        parts.append(_capitalized(text(loc, statement.classification)))
    if statement.max_jail:
        jail = text(loc, statement.max_jail)
        if "jail" in statement.max_jail:
            parts.append(interpolate(_("up to %(time)s"), time=jail))
        else:
            parts.append(interpolate(_("up to %(time)s in jail"), time=jail))
    if statement.max_fine_usd is not None:
        amount = f"{statement.max_fine_usd:,}"
        parts.append(interpolate(_("a fine of up to $%(amount)s"), amount=amount))
    note = (
        format_html(" {}.", _capitalized(text(loc, statement.penalty_note)))
        if statement.penalty_note
        else EMPTY
    )
    return format_html("{}.{}", join(parts, "; "), note)


def _penalty(item: Item, place: Place, loc: Localizer) -> SafeString:
    statement = item.obj
    law = statement.law
    return format_html(
        "<li><strong>{}</strong>: {}. {}{}<br>{}</li>",
        _cite(law),
        text(loc, statement.heading),
        _caveat(item),
        _penalty_text(statement, loc),
        evidence_mark(item.evidence, loc),
    )


def _state_law(item: Item, place: Place, loc: Localizer) -> SafeString:
    """A state page's statement: the law, its summary, and its penalties, which are
    prefixed as reported when the statement is not settled (never shown as fact)."""
    statement = item.obj
    law = statement.law
    penalty = EMPTY
    if statement.has_penalty:
        penalty = format_html(
            "<br>{} {}{}", _("Penalty:"), _caveat(item), _penalty_text(statement, loc)
        )
    return format_html(
        '<li><strong>{}</strong> <span class="cite">({})</span><br>{}{}{}<br>{}</li>',
        text(loc, statement.heading),
        _cite(law),
        _caveat(item),
        text(loc, statement.summary),
        penalty,
        evidence_mark(item.evidence, loc),
    )


def _law_change(item: Item, place: Place, loc: Localizer) -> SafeString:
    change = item.obj
    name = format_html(" ({})", text(loc, change.name)) if change.name else EMPTY
    when = ""
    if change.effective_on:
        when = _(", in effect from %(day)s") % {"day": short_day(change.effective_on)}
    unsettled = (
        EMPTY if item.evidence.settled else format_html(" <em>{}</em>", _("(not confirmed)"))
    )
    return format_html(
        "<li><strong>{}</strong>{}{}{}: {}<br>{}</li>",
        change.bill,
        name,
        when,
        unsettled,
        text(loc, change.change),
        evidence_mark(item.evidence, loc),
    )


def _program(item: Item, place: Place, loc: Localizer) -> SafeString:
    program = item.obj
    cite = (
        format_html(' <span class="cite">({})</span>', program.citation)
        if program.citation
        else EMPTY
    )
    amount = EMPTY
    if program.amount_usd_month is not None:
        most = _("at most $%(amount)s a month") % {"amount": f"{program.amount_usd_month:,}"}
        amount = format_html("<br>{}{}", _caveat(item), most)
    return format_html(
        "<li><strong>{}</strong>{}<br>{}{}<br>{}</li>",
        text(loc, program.title),
        cite,
        text(loc, program.summary),
        amount,
        evidence_mark(item.evidence, loc),
    )


def _place_fact(item: Item, place: Place, loc: Localizer) -> SafeString:
    fact = item.obj
    cite = format_html(' <span class="cite">({})</span>', fact.citation) if fact.citation else EMPTY
    return format_html(
        "<li>{}{}{}<br>{}</li>",
        _caveat(item),
        text(loc, fact.text),
        cite,
        evidence_mark(item.evidence, loc),
    )


def _repealed(item: Item, place: Place, loc: Localizer) -> SafeString:
    law = item.obj.law
    ended = ", ".join(
        change.bill
        + (
            _(" (in effect from %(day)s)") % {"day": short_day(change.effective_on)}
            if change.effective_on
            else ""
        )
        for change in law.ended_by()
    )
    ended_by = _("; ended by %(laws)s") % {"laws": ended} if ended else ""
    until = _("In force until %(day)s") % {"day": short_day(law.effective_to)}
    return format_html(
        "<li><s>{}</s>: {}. {}{}.<br>{}</li>",
        _cite(law),
        text(loc, law.title),
        until,
        ended_by,
        evidence_mark(item.evidence, loc),
    )


FACT_RENDERERS: dict[str, Callable[[Item, Place, Localizer], SafeString]] = {
    "laws": _law,
    "penalties": _penalty,
    "state_laws": _state_law,
    "law_changes": _law_change,
    "programs": _program,
    "place_facts": _place_fact,
    "repealed": _repealed,
}
SERVICE_KINDS = frozenset({"services", "hotlines"})


def render_items(
    kind: str,
    items: tuple[Item, ...] | list[Item],
    place: Place,
    loc: Localizer = ENGLISH,
    fragments: dict[tuple[int, bool], str] | None = None,
) -> SafeString:
    if kind in SERVICE_KINDS:
        html = join(service_html(item, place, loc, False, fragments) for item in items)
        return format_html('<ul class="svcs">{}</ul>', html)
    render = FACT_RENDERERS[kind]
    return format_html(
        '<ul class="facts">{}</ul>', join(render(item, place, loc) for item in items)
    )


@register.simple_tag(takes_context=True)
def items_html(context: dict[str, Any], kind: str, items: list[Item], place: Place) -> SafeString:
    return render_items(kind, items, place, page_loc(context), page_fragments(context))


def _search_link(block: Block, place: Place) -> SafeString:
    """The directory search for this block's categories around the place, to see more."""
    params = [("near", place.path), ("radius", f"{settings.NEARBY_RADIUS_MI:g}")]
    params += [("category", code) for code in block.categories]
    words = _("Search the directory for more services like these near %(place)s") % {
        "place": place.name
    }
    href = f"{address('search')}?{urlencode(params)}"
    return format_html('<p class="more"><a href="{}">{}</a></p>', href, words)


# The question whose answer links to the private record-relief checker.
RELIEF_QUESTION = "record-clearing"


def _relief_link(place: Place) -> SafeString:
    _country, state, city = place.path.split("/")
    href = address("relief-city", state, city)
    words = _("Can your record be cleared? Answer five questions, privately, to see what may fit.")
    return format_html('<p class="more tool"><a href="{}">{}</a></p>', href, words)


def _empty_answer(place: Place) -> SafeString:
    words = _(
        "We have no checked information on this for %(place)s yet. We would rather say so "
        "than guess."
    ) % {"place": place.name}
    link = format_html('<a href="#hotlines">{}</a>', _("hotlines at the top of this page"))
    help_now = interpolate(_("The %(hotlines)s can help you now."), hotlines=link)
    return format_html('<p class="empty">{} {}</p>', words, help_now)


@register.simple_tag
def toc_items(guide: Guide) -> SafeString:
    """The table of contents' entries for the topics and their questions."""
    return join(
        format_html(
            '<li><a href="#{}">{}</a><ol>{}</ol></li>',
            section.topic.slug,
            section.topic.title,
            format_html_join(
                "",
                '<li><a href="#{}">{}</a></li>',
                ((a.question.slug, a.question.text) for a in section.answers),
            ),
        )
        for section in guide.sections
    )


@register.simple_tag(takes_context=True)
def guide_sections(context: dict[str, Any], guide: Guide, place: Place) -> SafeString:
    """Each topic's section, with each question and its answer (a guide has about twenty)."""
    loc = page_loc(context)
    fragments = page_fragments(context)
    out = []
    for section in guide.sections:
        answers = join(
            format_html(
                '\n<article id="{}" class="qa">\n<h3>{}</h3>\n{}\n</article>\n',
                answer.question.slug,
                answer.question.text,
                answer_body(answer, place, guide.repealed, loc, fragments),
            )
            for answer in section.answers
        )
        out.append(
            format_html(
                '\n<section id="{0}" aria-labelledby="{0}-h">\n<h2 id="{0}-h">{1}</h2>\n{2}'
                "\n</section>\n",
                section.topic.slug,
                section.topic.title,
                answers,
            )
        )
    return join(out)


def answer_body(
    answer: Answer,
    place: Place,
    repealed: list[Item],
    loc: Localizer,
    fragments: dict[tuple[int, bool], str] | None,
) -> SafeString:
    """Everything under a question's heading: editorial text, then the data blocks."""
    out: list[SafeString] = []
    if answer.is_empty:
        out.append(_empty_answer(place))
    else:
        if answer.editorial_html and answer.editorial is not None:
            # editorial_html was sanitized when it was loaded (see guides.editorial).
            body = SafeString(answer.editorial_html)
            if answer.editorial_language != loc.language:
                # No answer written in this language: the English one, marked as such.
                body = format_html(
                    '<div lang="en">{}</div><p class="in-en">{}</p>', body, _("(in English)")
                )
            out.append(
                format_html(
                    '<div class="editorial">{}<p>{}</p></div>',
                    body,
                    evidence_mark(answer.editorial.evidence, loc),
                )
            )
        out.extend(
            render_items(b.kind, b.items, place, loc, fragments) for b in answer.blocks if b.items
        )
    out.extend(_search_link(block, place) for block in answer.blocks if block.categories)
    if answer.question.slug == RELIEF_QUESTION:
        out.append(_relief_link(place))
    if answer.question.slug == REPEALED_AFTER and repealed:
        out.append(
            format_html(
                "<h4>{}</h4>{}",
                _("No longer in force"),
                render_items("repealed", repealed, place, loc),
            )
        )
    return join(out)

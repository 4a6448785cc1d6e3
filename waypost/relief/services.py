"""Which record relief a state's law may offer a reader, from their answers.

The answers are matched against each record-relief program's ReliefRule (its statute read
into fields). Nothing here stores or logs the answers: they live for one request. Where a
rule leaves a field unknown, the finding says what could not be confirmed instead of
guessing either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypost.guides.coverage import StateComposer
from waypost.guides.services import GuideComposer, Item, items_localizer
from waypost.guides.topics import QUESTIONS, BlockSpec
from waypost.laws.models import (
    OtherConvictionsRule,
    ProgramKind,
    ReliefRecord,
    ReliefRule,
    Remedy,
    TraffickingRule,
)
from waypost.places.models import Place
from waypost.translations.services import Localizer

YES, NO, UNSURE = "yes", "no", "unsure"
# A record that is none of the kinds relief laws name: only a general law can clear it.
OTHER_RECORD = "other"
# The kinds a relief law names (one label each, in laws.models), and the reader's "other".
RECORD_CHOICES = [
    *((value, label) for value, label in ReliefRecord.choices if value != ReliefRecord.ANY),
    (OTHER_RECORD, gettext_lazy("Another offence")),
]
# Each answer on how long ago names the years it covers: (at least, at most; None = open).
YEARS_AGO: dict[str, tuple[int, int | None]] = {
    "0": (0, 0),
    "1": (1, 2),
    "3": (3, 4),
    "5": (5, 9),
    "10": (10, None),
    UNSURE: (0, None),
}


class Verdict:
    MAY_FIT = "may-fit"
    NOT_YET = "not-yet"
    DOES_NOT_FIT = "does-not-fit"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Answers:
    """What the reader said. Kept only for the request that carries it."""

    records: frozenset[str]
    trafficked: str
    years_ago: str
    other_convictions: str
    under_18: str


@dataclass(frozen=True)
class Match:
    verdict: str
    # What the reader must show or do, and what the law's text left unsettled.
    needs: tuple[str, ...] = ()
    # Why it does not fit (or not yet).
    reasons: tuple[str, ...] = ()


def match(rule: ReliefRule | None, answers: Answers) -> Match:
    """How one program's rule meets the answers. Written once, for every state."""
    if rule is None:
        return Match(Verdict.UNKNOWN, (_("We have not yet read who this law is for."),))
    needs: list[str] = []
    reasons: list[str] = []
    covered = set(rule.records)
    if ReliefRecord.ANY not in covered and not answers.records & covered:
        reasons.append(_("It does not clear the kind of record you chose."))
    if rule.trafficking == TraffickingRule.REQUIRED:
        if answers.trafficked == NO:
            reasons.append(_("It is only for people who were trafficked or coerced."))
        else:
            needs.append(_("You must show that you were trafficked or coerced when it happened."))
    elif not rule.trafficking:
        needs.append(_("We could not confirm whether you must show you were trafficked."))
    if rule.minors_only:
        if answers.under_18 == NO:
            reasons.append(_("It is only for offences from before age 18."))
        else:
            needs.append(_("It is only for offences from before age 18."))
    not_yet = False
    low, high = YEARS_AGO[answers.years_ago]
    if rule.wait_years is None:
        needs.append(_("We could not confirm how long you must wait before you apply."))
    elif rule.wait_years > 0:
        wait = _("You can apply %(years)s years after the conviction or sentence.") % {
            "years": rule.wait_years
        }
        if high is not None and high < rule.wait_years:
            not_yet = True
            reasons.append(wait)
        elif low < rule.wait_years:
            needs.append(wait)
    if answers.other_convictions != NO:
        if rule.other_convictions == OtherConvictionsRule.MAY_BAR:
            needs.append(_("Other convictions or open charges can stop it."))
        elif not rule.other_convictions and answers.other_convictions == YES:
            needs.append(_("We could not confirm whether other convictions matter."))
    if reasons:
        only_waiting = not_yet and len(reasons) == 1
        verdict = Verdict.NOT_YET if only_waiting else Verdict.DOES_NOT_FIT
        return Match(verdict, tuple(needs), tuple(reasons))
    return Match(Verdict.MAY_FIT, tuple(needs))


@dataclass(frozen=True)
class Finding:
    item: Item
    match: Match

    @property
    def items(self) -> list[Item]:
        """The program, for the one renderer of programs (which takes a list)."""
        return [self.item]

    @property
    def remedies(self) -> list[str]:
        rule = _rule_of(self.item)
        labels = dict(Remedy.choices)
        return [str(labels[r]) for r in rule.remedies if r in labels] if rule else []


@dataclass
class ReliefPage:
    place: Place
    state: Place
    findings: list[Finding] = field(default_factory=list)
    notes: list[Item] = field(default_factory=list)
    legal_help: list[Item] = field(default_factory=list)
    sources: list[object] = field(default_factory=list)
    loc: Localizer | None = None

    def with_verdict(self, verdict: str) -> list[Finding]:
        return [f for f in self.findings if f.match.verdict == verdict]

    @property
    def may_fit(self) -> list[Finding]:
        return self.with_verdict(Verdict.MAY_FIT)

    @property
    def not_yet(self) -> list[Finding]:
        return self.with_verdict(Verdict.NOT_YET)

    @property
    def does_not_fit(self) -> list[Finding]:
        return self.with_verdict(Verdict.DOES_NOT_FIT)

    @property
    def unknown(self) -> list[Finding]:
        return self.with_verdict(Verdict.UNKNOWN)


RELIEF_PROGRAMS = BlockSpec("programs", program_kinds=(ProgramKind.RECORD_RELIEF,))
STATE_NOTES = BlockSpec("place_facts")
LEGAL_HELP = QUESTIONS["legal-help"]


def check_record(
    state: Place, city: Place | None, answers: Answers, language: str = "en"
) -> ReliefPage:
    """The state's record-relief programs matched to the answers, with free legal help
    near the city, or statewide when no city was given."""
    on = dt.date.today()
    composer: GuideComposer = (
        StateComposer(state, on, language) if city is None else GuideComposer(city, on, language)
    )
    question = QUESTIONS["record-clearing"]
    # The programs are the state's own: federal programs carry no rule to match.
    programs = [
        item
        for item in composer.block(RELIEF_PROGRAMS, question).items
        if item.obj.jurisdiction_id == state.pk
    ]
    findings = [Finding(item, match(_rule_of(item), answers)) for item in programs]
    # What the state's law does not offer is said too ("Kansas has no vacatur law").
    notes = [
        item
        for item in composer.block(STATE_NOTES, question).items
        if item.obj.place_id == state.pk
    ]
    legal_help = [
        item for spec in LEGAL_HELP.blocks for item in composer.block(spec, LEGAL_HELP).items
    ]
    shown = [*programs, *notes, *legal_help]
    return ReliefPage(
        place=city or state,
        state=state,
        findings=findings,
        notes=notes,
        legal_help=legal_help,
        sources=list(composer.registry.sources),
        loc=items_localizer(language, [*shown, *(p for i in shown for p in i.phones)]),
    )


def _rule_of(item: Item) -> ReliefRule | None:
    try:
        rule: ReliefRule = item.obj.relief
    except ReliefRule.DoesNotExist:
        return None
    return rule

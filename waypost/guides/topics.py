"""The questions every city guide answers (docs/PRODUCT.md, "Guide topics"), and their blocks.

A question lists the data blocks that answer it; editorial text, where an editor wrote
some, comes first. Adding a question is adding an entry here, not editing a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from waypost.laws.models import LawTopic, ProgramKind


@dataclass(frozen=True)
class BlockSpec:
    """Which block answers part of a question, and with which filter."""

    kind: str  # laws | penalties | law_changes | programs | services | hotlines | place_facts
    law_topics: tuple[str, ...] = ()
    program_kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    heading: str | Promise = ""


@dataclass(frozen=True)
class Question:
    slug: str
    text: str | Promise
    blocks: tuple[BlockSpec, ...] = ()


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str | Promise
    questions: tuple[Question, ...] = field(default_factory=tuple)


# Trafficking law has its own question; these are the laws on selling, buying and promoting.
SEX_WORK_LAW_TOPICS: tuple[str, ...] = (
    "",
    LawTopic.SELLING,
    LawTopic.BUYING,
    LawTopic.PROMOTING,
    LawTopic.RELATED,
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        "law",
        _("The law"),
        (
            Question(
                "legal-status",
                _("Is selling or buying sex legal here?"),
                (
                    BlockSpec("laws", law_topics=SEX_WORK_LAW_TOPICS),
                    BlockSpec("place_facts"),
                ),
            ),
            Question(
                "penalties",
                _("What are the penalties for selling, buying or promoting?"),
                (BlockSpec("penalties", law_topics=SEX_WORK_LAW_TOPICS),),
            ),
            Question(
                "law-changes",
                _("How have the laws changed, and what did each change do?"),
                (BlockSpec("law_changes"),),
            ),
            Question(
                "record-clearing",
                _("Can a record be cleared (diversion, vacatur, sealing)?"),
                (
                    BlockSpec(
                        "programs", program_kinds=(ProgramKind.DIVERSION, ProgramKind.RECORD_RELIEF)
                    ),
                    # Where a state has no such law, a note says so.
                    BlockSpec("place_facts"),
                ),
            ),
            Question(
                "minors",
                _("What protects minors (safe-harbor rules)?"),
                (
                    BlockSpec("programs", program_kinds=(ProgramKind.SAFE_HARBOR,)),
                    BlockSpec("services", categories=("child-advocacy",)),
                ),
            ),
            Question(
                "reporting-rights",
                _("What are my rights when reporting a crime?"),
                (BlockSpec("place_facts"),),
            ),
        ),
    ),
    Topic(
        "health",
        _("Health"),
        (
            Question(
                "testing",
                _("Where can I get tested for STIs and HIV?"),
                # Federally funded health centers serve anyone whatever they can pay; readers
                # are told to ask them about STI and HIV testing.
                (
                    BlockSpec(
                        "services", categories=("sti-testing", "hiv-testing", "primary-care")
                    ),
                    # The state health department's testing information, reached by phone.
                    BlockSpec("hotlines", categories=("sti-testing", "hiv-testing")),
                ),
            ),
            Question(
                "syringes-naloxone",
                _("Where can I get syringes, naloxone and test strips?"),
                (
                    BlockSpec(
                        "services", categories=("syringe-services", "naloxone", "harm-reduction")
                    ),
                    BlockSpec("hotlines", categories=("substance-use",)),
                ),
            ),
            Question("health-risks", _("What are the health risks?"), (BlockSpec("place_facts"),)),
        ),
    ),
    Topic(
        "safety",
        _("Safety"),
        (
            Question(
                "harm-reduction",
                _("How do sex workers reduce risk?"),
                (BlockSpec("services", categories=("harm-reduction", "outreach", "peer-support")),),
            ),
            Question(
                "after-assault",
                _("What should I do after an assault?"),
                (
                    BlockSpec(
                        "hotlines",
                        categories=("sexual-assault", "domestic-violence", "victim-compensation"),
                    ),
                    BlockSpec(
                        "services",
                        categories=(
                            "sexual-assault",
                            "domestic-violence",
                            "counselling",
                            "shelter",
                        ),
                    ),
                ),
            ),
            Question(
                "peer-groups",
                _("Which peer and harm-reduction groups work here?"),
                (BlockSpec("services", categories=("peer-support", "outreach", "harm-reduction")),),
            ),
        ),
    ),
    Topic(
        "support",
        _("Support"),
        (
            Question(
                "leaving",
                _("How can I leave sex work if I want to?"),
                (
                    BlockSpec(
                        "services",
                        categories=(
                            "exit-services",
                            "case-management",
                            "housing-help",
                            "education-and-job-training",
                            "trafficking-survivor-services",
                            "shelter",
                        ),
                    ),
                ),
            ),
            Question(
                "income-support",
                _("What income support is there?"),
                (
                    BlockSpec("programs", program_kinds=(ProgramKind.BENEFIT,)),
                    # 211 finds the local benefits offices and aid.
                    BlockSpec("hotlines", categories=("information-and-referral",)),
                ),
            ),
            Question(
                "lgbtq-support",
                _("What support is there for LGBTQ+ and trans people?"),
                (
                    BlockSpec("hotlines", categories=("lgbtq",)),
                    BlockSpec("services", categories=("lgbtq-services",)),
                ),
            ),
            Question(
                "legal-help",
                _("Where can I get legal help?"),
                (
                    BlockSpec("services", categories=("legal",)),
                    # Legal aid programs serving the whole state are reached by phone.
                    BlockSpec("hotlines", categories=("legal",)),
                ),
            ),
        ),
    ),
    Topic(
        "trafficking",
        _("Trafficking and community"),
        (
            Question(
                "trafficking-signs",
                _("How is sex work different from trafficking?"),
                (BlockSpec("laws", law_topics=(LawTopic.TRAFFICKING,)),),
            ),
            Question(
                "reporting-trafficking",
                _("How do I report trafficking or a concern?"),
                (
                    BlockSpec("hotlines", categories=("trafficking",)),
                    BlockSpec("place_facts"),
                ),
            ),
            Question(
                "visitors",
                _("What should visitors know about the legal risks?"),
                (BlockSpec("penalties", law_topics=("", LawTopic.BUYING)),),
            ),
            Question(
                "residents",
                _("How can residents support harm reduction?"),
                (BlockSpec("services", categories=("harm-reduction", "syringe-services")),),
            ),
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.slug: q for t in TOPICS for q in t.questions}

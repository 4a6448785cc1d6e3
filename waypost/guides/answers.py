"""How well guides answer their questions, measured on a random sample of cities.

An answer counts when the guide shows sourced content for it (an editorial answer with its
citations, or at least one cited record); an empty one is where a reader meets "We have no
checked information on this". In another language, an answer that shows English text (an
untranslated record, or an editorial answer not written in that language) is counted too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from waypost.guides.services import Answer, Guide, compose_guide
from waypost.guides.topics import TOPICS
from waypost.places.models import Place
from waypost.translations.services import texts_of

LAW_TOPIC = "law"


@dataclass(frozen=True)
class GuideAnswers:
    place: Place
    language: str
    questions: int
    empty: tuple[str, ...]
    # Law questions whose answer shows some English text on a page in another language.
    law_in_english: tuple[str, ...]

    @property
    def answered(self) -> int:
        return self.questions - len(self.empty)


@dataclass
class SampleAnswers:
    language: str
    guides: list[GuideAnswers] = field(default_factory=list)

    @property
    def mean_answered(self) -> float:
        return sum(g.answered for g in self.guides) / len(self.guides) if self.guides else 0.0

    @property
    def fewest_answered(self) -> int:
        return min((g.answered for g in self.guides), default=0)

    def guides_with_more_empty_than(self, allowed: int) -> list[GuideAnswers]:
        return [g for g in self.guides if len(g.empty) > allowed]

    def empty_by_question(self) -> Counter[str]:
        return Counter(slug for g in self.guides for slug in g.empty)

    def law_in_english_by_question(self) -> Counter[str]:
        return Counter(slug for g in self.guides for slug in g.law_in_english)


def _shows_english(guide: Guide, answer: Answer) -> bool:
    if guide.loc.is_source_language:
        return False
    if answer.editorial_html and answer.editorial_language != guide.language:
        return True
    return any(
        guide.loc.text(text) is None
        for block in answer.blocks
        for item in block.items
        for text in texts_of(item.obj)
        if text
    )


def law_question_slugs() -> tuple[str, ...]:
    return tuple(q.slug for topic in TOPICS if topic.slug == LAW_TOPIC for q in topic.questions)


def guide_answers(place: Place, language: str, on: dt.date | None = None) -> GuideAnswers:
    guide = compose_guide(place, on, language)
    law_slugs = set(law_question_slugs())
    answers = guide.answers
    return GuideAnswers(
        place=place,
        language=language,
        questions=len(answers),
        empty=tuple(a.question.slug for a in answers if a.is_empty),
        law_in_english=tuple(
            a.question.slug
            for a in answers
            if a.question.slug in law_slugs and not a.is_empty and _shows_english(guide, a)
        ),
    )


def sample_cities(count: int, seed: int) -> list[Place]:
    """`count` distinct cities drawn at random (the same ones for the same seed)."""
    ids = sorted(Place.objects.cities().values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    by_id = Place.objects.in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def sample_answers(places: list[Place], language: str) -> SampleAnswers:
    return SampleAnswers(language, [guide_answers(place, language) for place in places])

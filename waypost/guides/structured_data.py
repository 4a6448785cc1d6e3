"""schema.org FAQPage for a guide: each question with a short, plain-text answer."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from django.utils.html import strip_tags

from waypost.guides.services import Answer, Guide


@lru_cache(maxsize=4096)
def _plain_prose(html: str) -> str:
    """The editorial text without its markup. Pure, so kept: stripping tags is slow and a
    guide's text is the same from one request to the next."""
    # Reference marks ([3]) point into the page; the structured answer is read without it.
    prose = re.sub(r"\s*<sup>.*?</sup>", "", html)
    return strip_tags(prose).strip() if prose else ""


def _answer_text(answer: Answer, guide: Guide) -> str:
    prose = _plain_prose(answer.editorial_html)
    parts = [prose] if prose else []
    for block in answer.blocks:
        for item in block.items:
            if not item.evidence.settled:
                continue  # unconfirmed facts are never stated as settled, here either
            obj = item.obj
            text = str(
                getattr(obj, "summary", "")
                or getattr(obj, "change", "")
                or getattr(obj, "name", "")
                or getattr(obj, "text", "")
            )
            # In the page's language, or the English the page itself shows.
            parts.append(guide.loc.plain(text))
    return " ".join(p for p in parts if p)


def faq_json_ld(guide: Guide) -> dict[str, Any]:
    entities = []
    for answer in guide.answers:
        text = _answer_text(answer, guide)
        if text:
            entities.append(
                {
                    "@type": "Question",
                    "name": str(answer.question.text),
                    "acceptedAnswer": {"@type": "Answer", "text": text},
                }
            )
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities}


def faq_json_ld_text(guide: Guide) -> str:
    """The JSON-LD, safe to place inside a <script> element."""
    text = json.dumps(faq_json_ld(guide), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

"""Translations of data-driven text (law summaries, service descriptions, place facts...).

A translation is keyed by the exact English text it renders and the language. The English
text is what the facts files hold; keying on it means a translation shows only while the
text it was written for is still the text on file: when an editor changes the English,
the old translation stops matching and the page shows the new English, marked as such,
rather than a translation of something no longer said. The translated text is shown in
place of the English inside the same fact, so it keeps that fact's sources and check dates.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models


def text_key(text: str) -> str:
    # A fixed-width key: indexes on long text columns differ between SQLite and PostgreSQL.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Translation(models.Model):
    language = models.CharField(max_length=8)
    source_key = models.CharField(max_length=64, editable=False)
    source = models.TextField(help_text="The English text, exactly as on file.")
    text = models.TextField(help_text="The text readers see in this language.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "source_key"], name="unique_translation")
        ]
        ordering = ["language", "source"]

    def __str__(self) -> str:
        return f"{self.language}: {self.source[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.source_key = text_key(self.source)
        super().save(*args, **kwargs)

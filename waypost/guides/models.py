"""What a guide adds to laws and the directory: editorial answers and facts about a place."""

from __future__ import annotations

from typing import Any

from django.db import models

from waypost.evidence.models import Fact
from waypost.guides import editorial
from waypost.places.models import Place


class EditorialAnswer(models.Model):
    """Markdown written by an editor for one question, at one jurisdiction level.

    An answer written for a state serves every city of that state unless the city has
    its own. Citation markers `[[source-key]]` become numbered references on the page.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="answers")
    question = models.SlugField(max_length=60)
    language = models.CharField(max_length=8, default="en")
    body = models.TextField(help_text="Markdown with [[source-key]] citation markers.")
    # Sanitized HTML of the body, markers kept: rendering Markdown on every request would
    # cost more than the rest of the answer. Numbers replace markers per page.
    body_html = models.TextField(editable=False, default="")
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="answer")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "question", "language"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return f"{self.place.path} · {self.question} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = editorial.to_html(self.body)
        # update_or_create saves only the fields it was given: the HTML goes with the body.
        fields = kwargs.get("update_fields")
        if fields is not None and "body" in fields:
            kwargs["update_fields"] = {*fields, "body_html"}
        super().save(*args, **kwargs)


class PlaceFact(models.Model):
    """A sourced statement about a place: who polices it, a statistic, a public office."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="place_facts")
    # The question it answers; "about" facts open the guide, before the questions.
    question = models.SlugField(max_length=60, default="about")
    text = models.TextField()
    citation = models.CharField(max_length=200, blank=True, help_text="The law it rests on.")
    # Set for a statistic; statistics without a source are never shown (a fact has one).
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="place_fact")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from waypost.evidence.admin import OwnsFactAdmin
from waypost.evidence.models import Source
from waypost.evidence.services import cite
from waypost.guides.editorial import marker_keys
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.guides.topics import QUESTIONS


class EditorialAnswerForm(forms.ModelForm):
    class Meta:
        model = EditorialAnswer
        fields = ["place", "question", "language", "body", "fact"]

    def clean_question(self) -> str:
        slug = str(self.cleaned_data["question"])
        if slug not in QUESTIONS:
            raise forms.ValidationError(f"No question has the slug {slug!r}.")
        return slug

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        keys = set(marker_keys(body))
        known = set(Source.objects.filter(key__in=keys).values_list("key", flat=True))
        if missing := sorted(keys - known):
            raise forms.ValidationError(
                f"No source has the key {', '.join(missing)}: add it under Sources first."
            )
        return body


@admin.register(EditorialAnswer)
class EditorialAnswerAdmin(OwnsFactAdmin):
    form = EditorialAnswerForm
    list_display = ["place", "question", "language"]
    list_filter = ["language", "question"]
    raw_id_fields = ["place", "fact"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Each [[source-key]] marker cites its source on the answer's fact.
        for source in Source.objects.filter(key__in=marker_keys(obj.body)):
            cite(obj.fact, source)


@admin.register(PlaceFact)
class PlaceFactAdmin(OwnsFactAdmin):
    list_display = ["text", "place", "question"]
    raw_id_fields = ["place", "fact"]

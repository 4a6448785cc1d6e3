from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from waypost.translations.language import in_language, language_prefix, unprefixed

# The switch names each language in that language, so a reader finds their own.
SWITCH_LABELS = {"en": "English", "es": "Español"}


def site(request: HttpRequest) -> dict[str, Any]:
    language = get_language() or settings.LANGUAGE_CODE
    english_path = unprefixed(request.path)
    alternates = [
        (code, request.build_absolute_uri(in_language(english_path, code)))
        for code, _ in settings.LANGUAGES
    ]
    query = request.META.get("QUERY_STRING", "")
    switch = [
        (
            code,
            SWITCH_LABELS.get(code, code),
            in_language(english_path, code) + (f"?{query}" if query else ""),
        )
        for code, _ in settings.LANGUAGES
        if code != language
    ]
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "LANG": language,
        "PREFIX": language_prefix(language),
        "alternates": alternates,
        "x_default": request.build_absolute_uri(english_path),
        "language_switch": switch,
    }

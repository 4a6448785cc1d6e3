"""Start-up checks of the configuration: a malformed setting or a missing file stops
`manage.py` (and the WSGI application) with a message naming it, instead of a page that
quietly behaves otherwise (Spanish shown in English, a flag read as false)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

LOCALE_FILES = ("es/LC_MESSAGES/django.po", "es/LC_MESSAGES/django.mo")
HSDS_REFERENCE_FILES = ("schema/service.json", "schema/organization.json", "examples")


@register()
def settings_problems(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, hint="Fix or unset the variable (README, Settings).", id="waypost.E001")
        for problem in settings.SETTINGS_PROBLEMS
    ]


@register()
def compiled_translations(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    folder = Path(settings.LOCALE_PATHS[0])
    found: list[CheckMessage] = []
    for name in LOCALE_FILES:
        path = folder / name
        if not path.is_file():
            found.append(
                Error(
                    f"{path} is missing: Spanish pages would show English text",
                    hint="Run `make install` (it compiles the translations).",
                    id="waypost.E002",
                )
            )
    return found


@register()
def hsds_reference_folder(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    folder = settings.HSDS_REFERENCE_DIR
    if folder is None:
        return []
    missing = [name for name in HSDS_REFERENCE_FILES if not (Path(folder) / name).exists()]
    if not missing:
        return []
    return [
        Error(
            f"WAYPOST_HSDS_REFERENCE_DIR={str(folder)!r} holds no {', '.join(missing)}",
            hint="Name the folder of the official HSDS 3.1 files (schema/, examples/) or unset it",
            id="waypost.E003",
        )
    ]

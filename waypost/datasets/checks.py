"""Start-up checks: the demo's data files are in the repository and readable as JSON, and a
folder of national data sets named by WAYPOST_DATASETS_DIR exists."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from waypost.datasets import demo


@register()
def demo_data_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for path in demo.demo_files():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            reason = "is missing"
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = f"cannot be read as JSON ({exc})"
        else:
            if isinstance(document, dict):
                continue
            reason = "is not a JSON object (a facts file)"
        found.append(
            Error(
                f"{path} {reason}",
                hint="The demo data set is part of the repository: restore it with git.",
                id="waypost.E010",
            )
        )
    state_files = len(list((demo.PROJECT_DATA / demo.STATE_LAWS).glob("us-*.json")))
    if state_files != demo.STATE_COUNT:
        found.append(
            Error(
                f"{demo.PROJECT_DATA / demo.STATE_LAWS} holds {state_files} state law files, "
                f"not {demo.STATE_COUNT} (one per state and DC)",
                hint="The demo data set is part of the repository: restore it with git.",
                id="waypost.E010",
            )
        )
    for folder in (demo.PROJECT_DATA / "editorial", demo.PROJECT_DATA / "translations"):
        if not folder.is_dir():
            found.append(
                Error(
                    f"{folder} is missing",
                    hint="The demo data set is part of the repository: restore it with git.",
                    id="waypost.E010",
                )
            )
    return found


@register()
def datasets_folder(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    folder = settings.DATASETS_DIR
    if folder is None or folder.is_dir():
        return []
    return [
        Error(
            f"WAYPOST_DATASETS_DIR={str(folder)!r} is not a folder",
            hint="Name the folder holding the national data set files, or unset it.",
            id="waypost.E011",
        )
    ]

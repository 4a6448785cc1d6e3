"""Start-up check: the demo's data files are in the repository and readable as JSON."""

from __future__ import annotations

import json
from typing import Any

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

"""Reading settings from the environment, refusing what is malformed instead of guessing.

`settings.py` reads every variable through one `Env`. A value that cannot be read (a
boolean written `Flase`, a number written `ten`) is not replaced silently: the default is
kept so that the settings module still loads, and the problem is recorded; the system check
`waypost.site.checks.settings_problems` then stops start-up with a message naming the
variable. Nothing here imports Django: settings are read before Django is set up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.problems: list[str] = []

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def _refuse(self, name: str, value: str, expected: str) -> None:
        self.problems.append(f"{name}={value!r} is not {expected}")

    def text(self, name: str, default: str) -> str:
        value = self._raw(name)
        return value or default

    def optional_text(self, name: str) -> str | None:
        return self._raw(name) or None

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if not value:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self._refuse(
                name, value, "a yes/no value (write 1, true, yes or on; 0, false, no or off)"
            )
            return default
        return False

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        value = self._raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            self._refuse(name, value, "a whole number")
            return default
        if number < minimum:
            self._refuse(name, value, f"a whole number of at least {minimum}")
            return default
        return number

    def decimal(self, name: str, default: float, *, minimum: float = 0.0) -> float:
        value = self._raw(name)
        if not value:
            return default
        try:
            number = float(value)
        except ValueError:
            self._refuse(name, value, "a number")
            return default
        if not number >= minimum or number == float("inf"):
            self._refuse(name, value, f"a finite number of at least {minimum:g}")
            return default
        return number

    def items(self, name: str, default: str) -> list[str]:
        value = self.environ.get(name, default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name)
        return Path(value) if value else default

    def optional_path(self, name: str) -> Path | None:
        value = self._raw(name)
        return Path(value) if value else None

    def cache(self, name: str) -> dict[str, object]:
        """A cache backend from an address: unset or `locmem://`, each process's memory;
        `file:///absolute/folder`, files shared by the processes of one machine."""
        value = self._raw(name)
        local: dict[str, object] = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
        }
        if not value or value == "locmem://":
            return local
        scheme, _, rest = value.partition("://")
        if scheme == "file" and rest.startswith("/"):
            return {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": rest,
            }
        self._refuse(name, value, "a cache address (locmem:// or file:///absolute/folder)")
        return local

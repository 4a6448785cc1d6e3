"""Compares an HSDS record with what Waypost exports of it: what was lost, what was added."""

from __future__ import annotations

import re
from typing import Any


def differences(original: Any, exported: Any, path: str = "") -> tuple[set[str], set[str]]:
    """(paths lost or changed, paths added or changed); list positions written as `*`."""
    lost: set[str] = set()
    added: set[str] = set()
    if isinstance(original, dict) and isinstance(exported, dict):
        for key in original.keys() | exported.keys():
            sub = f"{path}/{key}"
            if key not in exported:
                lost.add(sub)
            elif key not in original:
                if exported[key] not in ([], None):  # an empty list says nothing new
                    added.add(sub)
            else:
                more_lost, more_added = differences(original[key], exported[key], sub)
                lost |= more_lost
                added |= more_added
        return lost, added
    if isinstance(original, list) and isinstance(exported, list):
        keyed = all(isinstance(x, dict) and "id" in x for x in original + exported)
        pairs: list[tuple[Any, Any]]
        if keyed:
            by_id = {x["id"]: x for x in exported}
            pairs = [(x, by_id.pop(x["id"], None)) for x in original]
            pairs += [(None, x) for x in by_id.values()]
        else:
            pairs = [
                (
                    original[i] if i < len(original) else None,
                    exported[i] if i < len(exported) else None,
                )
                for i in range(max(len(original), len(exported)))
            ]
        for before, after in pairs:
            if after is None:
                lost.add(f"{path}/*")
            elif before is None:
                added.add(f"{path}/*")
            else:
                more_lost, more_added = differences(before, after, f"{path}/*")
                lost |= more_lost
                added |= more_added
        return lost, added
    if _same(original, exported):
        return set(), set()
    return {path}, {path}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def csv_value(value: str) -> str:
    """CSV cells compared as HSDS values: 100 and 100.0 are one number."""
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        return repr(float(value))
    return value

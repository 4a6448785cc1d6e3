"""Filters of the editors' fact lists: by kind, by place, by service category."""

from __future__ import annotations

from django.db.models import Q

from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.guides.owners import KINDS


def kind_q(kind: str) -> Q:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return Q(**{f"{kind}__isnull": False})


def _under(prefix: str, path: str) -> Q:
    return Q(**{f"{prefix}__path": path}) | Q(**{f"{prefix}__path__startswith": f"{path}/"})


def place_q(path: str) -> Q:
    """Facts about a place or anything inside it (a state's laws, its counties' notes, its
    cities' facts, services located or serving there)."""
    path = path.strip("/")
    return (
        _under("law_statement__law__jurisdiction", path)
        | _under("law_change__jurisdiction", path)
        | _under("program__jurisdiction", path)
        | _under("place_fact__place", path)
        | _under("answer__place", path)
        | _under("service__at_locations__location__place", path)
        | _under("service__areas__place", path)
        | _under("phone__service__at_locations__location__place", path)
        | _under("phone__service__areas__place", path)
    )


def category_q(code: str) -> Q:
    codes = category_codes_with_descendants([code])
    return Q(service__categories__code__in=codes) | Q(phone__service__categories__code__in=codes)

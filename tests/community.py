"""Helpers for tests of reports and comments: facts as a guide shows them."""

from __future__ import annotations

import re

from django.test import Client

from waypost.evidence.models import Fact

REPORT_LINK = re.compile(r"/report/(\d+)/")


def report_ids_on(client: Client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(n) for n in REPORT_LINK.findall(response.content.decode())]


def mark_of(html: str, fact_id: int) -> str:
    """The evidence mark (the span holding the fact's report link) in a page."""
    link = f'href="/report/{fact_id}/"'
    at = html.index(link)
    start = html.rindex('<span class="ev', 0, at)
    return html[start : html.index("</span>", at) + len("</span>")]


def a_phone_fact(path: str = "us/ct/norwalk") -> Fact:
    """A phone number shown on the guide (the fact a reader most often finds wrong)."""
    return (
        Fact.objects.filter(phone__service__at_locations__location__place__path=path)
        .distinct()
        .order_by("pk")[0]
    )


def a_service_fact(path: str = "us/ct/norwalk") -> Fact:
    """A service located in the city, listed on its guide with its own evidence mark."""
    return (
        Fact.objects.filter(service__at_locations__location__place__path=path)
        .distinct()
        .order_by("pk")[0]
    )

"""No shared cache may keep what belongs to one person: pages that set a cookie or show a form
token are `private, no-store`; reader pages that carry nothing personal are left cacheable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.community import a_service_fact

pytestmark = pytest.mark.django_db


def cache_control(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("path", ["/us/ct/norwalk/comment/", "/es/us/ct/norwalk/comment/"])
def test_comment_form_pages_are_never_stored(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert {"private", "no-store"} <= cache_control(response)


def test_report_form_pages_are_never_stored(client: Client) -> None:
    response = client.get(f"/report/{a_service_fact().pk}/")
    assert response.status_code == 200 and "csrftoken" in response.cookies
    assert {"private", "no-store"} <= cache_control(response)
    assert "This form page sets one" in response.content.decode()


def test_a_refused_post_is_never_stored(client: Client) -> None:
    response = client.post("/us/ct/norwalk/comment/", {"body": ""})
    assert {"private", "no-store"} <= cache_control(response)


def test_editors_pages_are_never_stored(client: Client) -> None:
    response = client.get("/editors/login/")
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.parametrize("path", ["/", "/us/ct/norwalk/", "/es/us/ca/norwalk/", "/search/"])
def test_reader_pages_set_no_cookie_and_are_not_marked_private(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and not response.cookies
    assert "private" not in cache_control(response) and "no-store" not in cache_control(response)
    page = response.content.decode()
    assert "This site sets no cookies for readers" in page or "no pone cookies a sus" in page

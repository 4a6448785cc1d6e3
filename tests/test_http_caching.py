"""HTTP caching that keeps readers safe: a page that is the same for every reader may be kept
by browsers and by the proxy in front (public, max-age, an ETag, 304 to a conditional
request); anything of one person (a cookie, a form token, editors' pages) never is."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

READER_PAGES = [
    "/",
    "/us/ct/norwalk/",
    "/es/us/ct/norwalk/",
    "/search/?near=us%2Fct%2Fnorwalk&radius=10",
    "/api/search?near=06850&radius=10",
    "/api/hsds/services",
]


def directives(response: Any) -> dict[str, str]:
    found = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found


@pytest.mark.parametrize("path", READER_PAGES)
def test_reader_pages_are_public_with_a_max_age_and_an_etag(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and not response.cookies
    cache = directives(response)
    assert "public" in cache and "private" not in cache and "no-store" not in cache
    assert cache["max-age"] == str(settings.READER_PAGE_MAX_AGE)
    assert cache["s-maxage"] == str(settings.SHARED_CACHE_MAX_AGE)
    assert response.has_header("ETag")


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_conditional_request_for_an_unchanged_page_is_answered_304(
    client: Client, path: str
) -> None:
    etag = client.get(path)["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert "public" in directives(again)
    changed = client.get(path, headers={"If-None-Match": '"another-version"'})
    assert changed.status_code == 200 and changed.content


def test_the_etag_follows_the_language_of_the_page(client: Client) -> None:
    english = client.get("/us/ct/norwalk/")["ETag"]
    spanish = client.get("/es/us/ct/norwalk/")["ETag"]
    assert english != spanish


@pytest.mark.parametrize("path", ["/us/ct/norwalk/comment/", "/editors/login/", "/healthz"])
def test_pages_with_a_form_token_editors_pages_and_the_health_check_are_never_kept(
    client: Client, path: str
) -> None:
    cache = directives(client.get(path))
    assert "private" in cache and "no-store" in cache and "public" not in cache


def test_a_signed_in_editor_reading_a_guide_gets_a_private_page(
    client: Client, django_user_model: Any
) -> None:
    editor = django_user_model.objects.create_user("cache-editor", is_staff=True)
    client.force_login(editor)
    cache = directives(client.get("/us/ct/norwalk/"))
    assert "private" in cache and "public" not in cache


def test_errors_and_refused_input_are_not_kept(client: Client) -> None:
    for path in ["/us/ct/nowhere-at-all/", "/search/?radius=ten", "/api/search?radius=-1"]:
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert "public" not in directives(response), path

"""Error pages: a server error is a page in the reader's language with the quick exit, shown
without the database; under /api/ every error answers JSON.

The addresses that fail exist only here: this module is the URLconf of its own tests (the
product's routes, plus views that raise), with the product's error handlers.
"""

from __future__ import annotations

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.htmltree import Element, parse
from waypost.site.middleware import CONTENT_SECURITY_POLICY
from waypost.urls import handler404, handler500
from waypost.urls import urlpatterns as product_urlpatterns


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server")


urlpatterns = [
    *i18n_patterns(
        path("fails/", _fails),
        path("database-down/", _database_down),
        prefix_default_language=False,
    ),
    path("api/fails", _fails),
    path("api/hsds/fails", _fails),
    *product_urlpatterns,
]
__all__ = ["handler404", "handler500", "urlpatterns"]

as_this_urlconf = override_settings(ROOT_URLCONF=__name__)


def reader() -> Client:
    """A reader whose request failing shows the error page (not the test's traceback)."""
    return Client(raise_request_exception=False)


def quick_exit(page: bytes) -> Element:
    return parse(page).by_id("quick-exit")


# No database mark: any query while answering fails the test, as a database that is down
# would fail the page.
@as_this_urlconf
@pytest.mark.parametrize("url", ["/fails/", "/database-down/"])
def test_a_server_error_is_a_page_with_the_quick_exit_that_needs_no_database(url: str) -> None:
    response = reader().get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert not response.cookies
    tree = parse(response.content)
    assert tree.find_all("html")[0].attrs["lang"] == "en"
    assert "Something went wrong" in tree.by_id("main").text()
    assert tree.by_id("quick-exit").attrs.get("rel") == "noreferrer"
    scripts = [s.attrs.get("src", "") for s in tree.find_all("script")]
    assert any(src.endswith("/quick-exit.js") for src in scripts)


@as_this_urlconf
def test_a_server_error_under_es_is_in_spanish() -> None:
    response = reader().get("/es/fails/")
    assert response.status_code == 500
    tree = parse(response.content)
    assert tree.find_all("html")[0].attrs["lang"] == "es"
    assert "Algo salió mal" in tree.by_id("main").text()
    assert "Salida rápida" in tree.by_id("quick-exit").text()


@pytest.mark.django_db
@as_this_urlconf
def test_the_quick_exit_of_the_500_page_is_the_one_every_page_has() -> None:
    for language in ("", "/es"):
        failed = reader().get(f"{language}/fails/")
        missing = reader().get(f"{language}/no-such-page/")
        home = reader().get(f"{language}/")
        assert (failed.status_code, missing.status_code, home.status_code) == (500, 404, 200)
        assert quick_exit(failed.content) == quick_exit(missing.content)
        assert quick_exit(failed.content) == quick_exit(home.content)


@as_this_urlconf
@pytest.mark.parametrize("url", ["/api/fails", "/api/hsds/fails"])
def test_a_server_error_in_the_api_answers_json(url: str) -> None:
    response = reader().get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "url", ["/api/no-such-endpoint", "/api/hsds/no-such-list", "/api/hsds/services/a/b"]
)
def test_an_unknown_api_address_answers_json(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == {"message"}


@pytest.mark.django_db
def test_an_unknown_page_is_still_the_html_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert quick_exit(response.content)

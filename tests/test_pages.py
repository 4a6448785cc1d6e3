"""Every page as an anonymous reader gets it: status, content, errors, privacy headers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from tests.htmltree import parse
from waypost.directory.models import Service

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, status: int = 200, **params: str) -> Any:
    """The test client's response (an HttpResponse with the request attached)."""
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response


def text_of(response: HttpResponse) -> str:
    return parse(response.content).by_id("main").text()


def a_service_url() -> str:
    return Service.objects.get(
        name="Norwalk Health Department: walk-in STD clinic"
    ).get_absolute_url()


# -- home and search ------------------------------------------------------------------


def test_the_home_page_shows_the_national_hotlines(client: Client) -> None:
    response = get(client, "/")
    hotlines = parse(response.content).by_id("hotlines").text()
    for name in ("National Human Trafficking Hotline", "988 Suicide & Crisis Lifeline"):
        assert name in hotlines
    assert "1-888-373-7888" in hotlines
    # State hotlines belong on state pages, not the national list.
    assert "Connecticut Sexual Assault Crisis Hotline" not in hotlines


def test_searching_a_bare_name_lists_every_norwalk(client: Client) -> None:
    response = get(client, "/places/", q="norwalk")
    links = [a.attrs["href"] for a in parse(response.content).by_id("main").find_all("a")]
    for url in ("/us/ca/norwalk/", "/us/ct/norwalk/", "/us/oh/norwalk/"):
        assert url in links
    assert "more than one norwalk" in text_of(response)


def test_searching_a_zip_code_goes_straight_to_its_guide(client: Client) -> None:
    response = client.get("/places/", {"q": "06850"})
    assert response.status_code == 302
    assert response["Location"] == "/us/ct/norwalk/"


def test_searching_a_name_with_its_state_lists_just_that_place(client: Client) -> None:
    response = get(client, "/places/", q="Norwalk, CT")
    assert "One place matches" in text_of(response)
    assert "/us/ct/norwalk/" in response.content.decode()
    assert "/us/ca/norwalk/" not in response.content.decode()


def test_searching_a_name_that_matches_nothing_is_not_found(client: Client) -> None:
    response = get(client, "/places/", 404, q="Xyzzyville")
    assert "Xyzzyville" in text_of(response)


def test_searching_a_zip_code_that_does_not_exist_is_not_found(client: Client) -> None:
    response = get(client, "/places/", 404, q="00000")
    assert "We do not know the ZIP code 00000" in text_of(response)


# -- guides ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/us/ct/norwalk/", "Norwalk, Connecticut"), ("/us/ca/norwalk/", "Norwalk, California")],
)
def test_a_guide_with_local_data_is_served(client: Client, url: str, heading: str) -> None:
    response = get(client, url)
    tree = parse(response.content)
    assert tree.find_all("h1")[0].text() == heading
    assert "Information, not legal advice" in text_of(response)
    assert tree.by_id("sources").find_all("li")


def test_a_guide_for_a_city_with_no_local_data_answers_from_state_and_nation(
    client: Client,
) -> None:
    response = get(client, "/us/oh/norwalk/")
    tree = parse(response.content)
    assert tree.find_all("h1")[0].text() == "Norwalk, Ohio"
    # National answers stand in where nothing local is known; at most one question is left
    # saying so.
    assert text_of(response).count("We have no checked information on this") <= 1
    assert "Harm reduction means practical ways" in tree.by_id("residents").text()
    hotlines = tree.by_id("hotlines").text()
    assert "National Human Trafficking Hotline" in hotlines
    assert "Connecticut" not in hotlines
    # Federal law applies everywhere.
    assert "18 U.S.C. § 1591" in tree.by_id("trafficking-signs").text()


def test_a_guide_for_a_past_date_says_so(client: Client) -> None:
    response = get(client, "/us/ca/norwalk/", date="2022-06-01")
    assert "as the law stood on 1 June 2022" in text_of(response)


def test_a_service_page_is_served(client: Client) -> None:
    response = get(client, a_service_url())
    text = text_of(response)
    assert "Norwalk Health Department: walk-in STD clinic" in text
    assert "137 East Avenue" in text
    assert "checked on" in text or "last checked" in text  # due once the demo data ages


def test_a_hotline_service_page_lists_its_phones_and_area(client: Client) -> None:
    hotline = Service.objects.get(name="National Human Trafficking Hotline")
    text = text_of(get(client, hotline.get_absolute_url()))
    assert "1-888-373-7888" in text
    assert "by phone" in text


def test_an_unknown_service_is_not_found(client: Client) -> None:
    get(client, f"/services/{uuid.uuid4()}/", 404)


def test_a_malformed_service_id_is_not_found(client: Client) -> None:
    get(client, "/services/not-a-uuid/", 404)


# -- not found ------------------------------------------------------------------------


def test_an_unknown_state_and_town_is_a_not_found_page(client: Client) -> None:
    response = get(client, "/us/zz/nowhere/", 404)
    assert "We could not find that page" in text_of(response)


def test_an_unknown_town_in_a_real_state_is_a_not_found_page(client: Client) -> None:
    response = get(client, "/us/ct/no-such-town/", 404)
    assert "We could not find that page" in text_of(response)


def test_a_norwalk_in_the_wrong_state_suggests_the_real_norwalks(client: Client) -> None:
    response = get(client, "/us/tx/norwalk/", 404)
    links = [a.attrs["href"] for a in parse(response.content).by_id("main").find_all("a")]
    assert "/us/ca/norwalk/" in links
    assert "/us/ct/norwalk/" in links
    assert "Did you mean" in text_of(response)


def test_a_path_that_is_no_guide_is_a_not_found_page(client: Client) -> None:
    get(client, "/us/zz/", 404)  # /us/ct/ is now the state page
    get(client, "/us/ct/Norwalk/", 404)
    get(client, "/no/such/page/at/all/", 404)


def test_a_county_path_is_not_served_as_a_city_guide(client: Client) -> None:
    get(client, "/us/ct/counties/fairfield-county/", 404)


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/places/", {"q": ""}, "Type a city name or a 5-digit ZIP code."),
        ("/places/", {}, "Type a city name or a 5-digit ZIP code."),
        ("/places/", {"q": "0685"}, "is not a ZIP code"),
        ("/places/", {"q": "x" * 101}, "at most 100 characters"),
        ("/places/", {"q": "!!!"}, "using letters"),
        ("/us/ct/norwalk/", {"date": "2022-13-01"}, "'2022-13-01' is not a date"),
        ("/us/ct/norwalk/", {"date": "1800-01-01"}, "between 1900 and 2100"),
    ],
    ids=["empty", "missing", "short-zip", "too-long", "punctuation", "bad-date", "old-date"],
)
def test_bad_input_gets_a_400_page_that_says_what_is_wrong(
    client: Client, url: str, params: dict[str, str], message: str
) -> None:
    response = get(client, url, 400, **params)
    [error] = parse(response.content).find_all("p", "error")
    assert message in error.text()


@pytest.mark.parametrize("url", ["/us/ct/norwalk/", "/", "/places/?q=norwalk"])
def test_posting_to_a_reader_page_is_not_allowed(client: Client, url: str) -> None:
    response = client.post(url, {"anything": "x"})
    assert response.status_code == 405


def test_a_head_request_for_a_guide_is_allowed(client: Client) -> None:
    assert client.head("/us/ct/norwalk/").status_code == 200


# -- privacy headers, on every page ----------------------------------------------------

READER_REQUESTS: list[tuple[str, str, dict[str, str], int]] = [
    ("get", "/", {}, 200),
    ("get", "/places/", {"q": "norwalk"}, 200),
    ("get", "/places/", {"q": "06850"}, 302),
    ("get", "/places/", {"q": ""}, 400),
    ("get", "/us/ct/norwalk/", {}, 200),
    ("get", "/us/ca/norwalk/", {}, 200),
    ("get", "/us/oh/norwalk/", {}, 200),
    ("get", "/us/ct/norwalk/", {"date": "2022-13-01"}, 400),
    ("get", "/us/tx/norwalk/", {}, 404),
    ("get", "/us/zz/nowhere/", {}, 404),
    ("get", f"/services/{uuid.UUID(int=0)}/", {}, 404),
    ("post", "/us/ct/norwalk/", {}, 405),
]


def privacy_cases() -> list[Any]:
    return [
        pytest.param(method, url, params, status, id=f"{method}-{url}-{status}")
        for method, url, params, status in READER_REQUESTS
    ]


@pytest.mark.parametrize(("method", "url", "params", "status"), privacy_cases())
def test_every_reader_page_sends_the_privacy_headers_and_no_cookie(
    client: Client, method: str, url: str, params: dict[str, str], status: int
) -> None:
    response = getattr(client, method)(url, params)
    assert response.status_code == status
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_the_service_page_sends_the_privacy_headers_and_no_cookie(client: Client) -> None:
    response = get(client, a_service_url())
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_pages_have_no_inline_script_and_load_nothing_from_other_sites(client: Client) -> None:
    for url in ("/", "/us/ct/norwalk/", "/us/ca/norwalk/", a_service_url()):
        tree = parse(get(client, url).content)
        for script in tree.find_all("script"):
            if script.attrs.get("type") == "application/ld+json":
                continue  # data, not code: the CSP never runs it
            assert script.attrs.get("src", "").startswith("/static/"), url
            assert not script.text().strip(), url
        for link in tree.find_all("link"):
            if link.attrs.get("rel") == "alternate":
                # Names the page in another language, or its feed, on this site; nothing
                # is loaded.
                href = link.attrs["href"]
                assert href.startswith("http://testserver/") or href.startswith("/"), url
                assert not href.startswith("//"), url
                continue
            assert link.attrs["href"].startswith("/static/"), url
        for element in tree.iter():
            assert not any(name.startswith("on") for name in element.attrs), (url, element.tag)


def test_every_page_has_a_quick_exit_link(client: Client) -> None:
    for url in ("/", "/us/ct/norwalk/", "/places/?q=norwalk", a_service_url()):
        tree = parse(get(client, url).content)
        exit_link = tree.by_id("quick-exit")
        assert exit_link.attrs["href"].startswith("https://")
        assert exit_link.attrs.get("rel") == "noreferrer"


# -- the editors' admin ---------------------------------------------------------------


def test_the_editors_admin_sends_an_anonymous_reader_to_log_in(client: Client) -> None:
    response = client.get("/editors/")
    assert response.status_code == 302
    assert response["Location"].startswith("/editors/login/")


def test_the_editors_admin_is_open_to_staff(client: Client) -> None:
    editor = User.objects.create_user("editor", password="a long test password", is_staff=True)
    client.force_login(editor)
    assert client.get("/editors/").status_code == 200


def test_the_editors_admin_is_closed_to_a_user_who_is_not_staff(client: Client) -> None:
    reader = User.objects.create_user("reader", password="a long test password")
    client.force_login(reader)
    response = client.get("/editors/")
    assert response.status_code == 302
    assert response["Location"].startswith("/editors/login/")

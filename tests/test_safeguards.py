"""Abuse resistance without tracking: salted client hashes, lockout, argon2."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory

from waypost.safeguards.models import DailySalt, LoginFailure, RateCount
from waypost.safeguards.ratelimit import allow, client_key

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"


def request_from(address: str) -> Any:
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_a_client_is_known_by_a_salted_hash_that_changes_every_day() -> None:
    today = dt.date(2026, 11, 23)
    key = client_key(request_from(ADDRESS), today)
    assert ADDRESS not in key and len(key) == 64
    assert client_key(request_from(ADDRESS), today) == key
    assert client_key(request_from("203.0.113.78"), today) != key
    tomorrow = client_key(request_from(ADDRESS), today + dt.timedelta(days=1))
    assert tomorrow != key
    # The old salt is gone: yesterday's hashes can no longer be tied to an address.
    assert list(DailySalt.objects.values_list("day", flat=True)) == [today + dt.timedelta(days=1)]


def test_salts_are_random_not_derived() -> None:
    day = dt.date(2026, 1, 1)
    first = client_key(request_from(ADDRESS), day)
    DailySalt.objects.all().delete()
    assert client_key(request_from(ADDRESS), day) != first


def test_no_address_is_written_to_the_database(client: Client, settings: Any) -> None:
    from tests.community import a_service_fact

    fact = a_service_fact()
    client.post(f"/report/{fact.pk}/", {"what_is_wrong": "x"}, REMOTE_ADDR=ADDRESS)
    client.post("/us/ct/norwalk/comment/", {"body": "a question"}, REMOTE_ADDR=ADDRESS)
    assert RateCount.objects.count() == 2
    for model in (RateCount, DailySalt, LoginFailure):
        for row in model.objects.values():
            assert ADDRESS not in " ".join(str(v) for v in row.values())
    from waypost.comments.models import Comment
    from waypost.reports.models import ProblemReport

    for model in (Comment, ProblemReport):  # type: ignore[assignment]
        for row in model.objects.values():
            assert ADDRESS not in " ".join(str(v) for v in row.values())


def test_allow_counts_per_scope() -> None:
    request = request_from(ADDRESS)
    assert [allow(request, "a", 2) for _ in range(3)] == [True, True, False]
    assert allow(request, "b", 2)


# -- sign-in --------------------------------------------------------------------------


@pytest.fixture
def editor(db: Any) -> User:
    return User.objects.create_user("sam", password="correct horse battery", is_staff=True)


def sign_in(client: Client, password: str, username: str = "sam") -> Any:
    return client.post(
        "/editors/login/?next=/editors/", {"username": username, "password": password}
    )


def test_passwords_are_hashed_with_argon2(editor: User) -> None:
    assert editor.password.startswith("argon2$argon2id$")


def test_a_good_password_signs_in(client: Client, editor: User) -> None:
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302 and response["Location"] == "/editors/"


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: Client, editor: User, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert sign_in(client, "wrong").status_code == 200
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 200
    assert "Too many failed sign-ins for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    row = LoginFailure.objects.get(username="sam")
    assert row.locked_until is not None
    # Keyed on the account name: the table holds no address.
    assert set(LoginFailure._meta.get_fields()) and not any(
        "addr" in f.name or f.name == "ip" for f in LoginFailure._meta.get_fields()
    )


def test_the_lock_ends_after_the_window(client: Client, editor: User, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    LoginFailure.objects.update(locked_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert sign_in(client, "correct horse battery").status_code == 302
    assert not LoginFailure.objects.exists()  # a success clears the count


def test_a_lock_on_one_account_does_not_lock_another(
    client: Client, editor: User, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    User.objects.create_user("kim", password="another good password", is_staff=True)
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, "another good password", "kim").status_code == 302


def test_the_session_tables_hold_no_address() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    for table in tables:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(connection.cursor(), table)
        ]
        assert not any(name in ("ip", "ip_address", "remote_addr") for name in columns), table


# -- CSRF under Referrer-Policy: no-referrer -------------------------------------------


def _post_with_token(origin: str | None, fetch_site: str | None, secure: bool = False) -> int:
    from tests.community import a_service_fact

    client = Client(enforce_csrf_checks=True)
    url = f"/report/{a_service_fact().pk}/"
    page = client.get(url, secure=secure).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    headers = {}
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    if fetch_site is not None:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site
    response = client.post(
        url,
        {"what_is_wrong": "x", "csrfmiddlewaretoken": token},
        secure=secure,
        **headers,  # type: ignore[arg-type]
    )
    return response.status_code


@pytest.mark.parametrize("secure", [False, True])
def test_a_form_posted_from_a_waypost_page_is_accepted(secure: bool, settings: Any) -> None:
    settings.CSRF_COOKIE_SECURE = secure
    # What a browser sends under no-referrer: Origin null, Sec-Fetch-Site same-origin.
    assert _post_with_token("null", "same-origin", secure) == 200


@pytest.mark.parametrize(
    ("origin", "fetch_site"),
    [
        ("null", "cross-site"),
        ("null", "same-site"),
        ("null", None),
        ("https://evil.example", "cross-site"),
    ],
)
def test_a_form_posted_from_elsewhere_is_refused(origin: str, fetch_site: str | None) -> None:
    assert _post_with_token(origin, fetch_site) == 403


def test_old_failures_of_unlocked_names_are_forgotten(client: Client, editor: User) -> None:
    LoginFailure.objects.create(
        username="guessed-name", failures=1, first_failed_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    sign_in(client, "wrong")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["sam"]

"""Abuse resistance without tracking: keyed client hashes whose key stays off the database,
sign-in limits an attacker cannot turn against editors, password rules, short sessions."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from waypost.safeguards import keys
from waypost.safeguards.models import RateCount
from waypost.safeguards.ratelimit import allow, client_key

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"


def request_from(address: str) -> Any:
    return RequestFactory().post("/", REMOTE_ADDR=address)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _own_key_folder(tmp_path: Path, settings: Any) -> None:
    settings.CLIENT_KEY_DIR = tmp_path / "client-keys"
    keys._known.clear()


def test_a_client_is_known_by_a_keyed_hash_that_changes_every_day(settings: Any) -> None:
    today = dt.date(2026, 11, 23)
    key = client_key(request_from(ADDRESS), at(today))
    assert ADDRESS not in key and len(key) == 64
    assert client_key(request_from(ADDRESS), at(today, 23)) == key
    assert client_key(request_from("203.0.113.78"), at(today)) != key
    tomorrow = client_key(request_from(ADDRESS), at(today + dt.timedelta(days=1)))
    assert tomorrow != key
    # The old key is gone: yesterday's hashes can no longer be tied to an address.
    folder = Path(settings.CLIENT_KEY_DIR)
    assert sorted(p.name for p in folder.iterdir()) == ["2026-11-24.key"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "2026-11-24.key").stat().st_mode & 0o777) == "0o600"


def test_keys_are_random_and_never_in_the_database(settings: Any) -> None:
    day = at(dt.date(2026, 1, 1))
    first = client_key(request_from(ADDRESS), day)
    key = (Path(settings.CLIENT_KEY_DIR) / "2026-01-01.key").read_bytes()
    assert len(key) == 32
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                for value in row:
                    assert value != key and key.hex() not in str(value), table
    (Path(settings.CLIENT_KEY_DIR) / "2026-01-01.key").unlink()
    keys._known.clear()
    assert client_key(request_from(ADDRESS), day) != first


def test_a_database_copy_cannot_be_reversed_without_the_key(client: Client) -> None:
    """What the attack did: hash every candidate address with what the database holds."""
    import hashlib
    import hmac

    from tests.community import a_service_fact

    client.post(f"/report/{a_service_fact().pk}/", {"what_is_wrong": "x"}, REMOTE_ADDR=ADDRESS)
    stored = set(RateCount.objects.values_list("client", flat=True))
    assert stored
    candidates = [f"203.0.113.{n}" for n in range(256)]
    everything = " ".join(
        str(v) for m in (RateCount,) for row in m.objects.values() for v in row.values()
    )
    # Every string the database holds, tried as the secret, gives no stored hash.
    for secret in set(everything.split()):
        for address in candidates:
            for guess in (
                hashlib.sha256(f"{secret}|{address}".encode()).hexdigest(),
                hmac.new(secret.encode(), f"client\0{address}".encode(), "sha256").hexdigest(),
            ):
                assert guess not in stored


def test_no_address_is_written_to_the_database(client: Client, settings: Any) -> None:
    from tests.community import a_service_fact

    fact = a_service_fact()
    client.post(f"/report/{fact.pk}/", {"what_is_wrong": "x"}, REMOTE_ADDR=ADDRESS)
    client.post("/us/ct/norwalk/comment/", {"body": "a question"}, REMOTE_ADDR=ADDRESS)
    assert RateCount.objects.count() == 2
    for row in RateCount.objects.values():
        assert ADDRESS not in " ".join(str(v) for v in row.values())
    from waypost.comments.models import Comment
    from waypost.reports.models import ProblemReport

    for model in (Comment, ProblemReport):  # type: ignore[assignment]
        for row in model.objects.values():
            assert ADDRESS not in " ".join(str(v) for v in row.values())


def test_old_keys_and_counts_go_on_schedule_without_any_post(settings: Any) -> None:
    from django.core.management import call_command

    request = request_from(ADDRESS)
    allow(request, "comment", 10)
    old = timezone.now() - dt.timedelta(days=2)
    RateCount.objects.update(window_start=old)
    folder = Path(settings.CLIENT_KEY_DIR)
    (folder / f"{(old.date()).isoformat()}.key").write_bytes(b"k" * 32)
    out = StringIO()
    call_command("forget_clients", stdout=out)
    assert not RateCount.objects.exists()
    assert [p.name for p in folder.iterdir()] == [f"{timezone.now().date().isoformat()}.key"]
    assert "forgot 1 old keys and 1 old counts" in out.getvalue()


def test_counts_of_ended_windows_are_deleted_by_the_next_count() -> None:
    request = request_from(ADDRESS)
    allow(request, "comment", 10)
    RateCount.objects.update(window_start=timezone.now() - dt.timedelta(hours=2))
    allow(request_from("198.51.100.9"), "report", 10)
    assert RateCount.objects.count() == 1


def test_allow_counts_per_scope() -> None:
    request = request_from(ADDRESS)
    assert [allow(request, "a", 2) for _ in range(3)] == [True, True, False]
    assert allow(request, "b", 2)


# -- sign-in --------------------------------------------------------------------------


@pytest.fixture
def editor(db: Any) -> User:
    return User.objects.create_user("sam", password="correct horse battery", is_staff=True)


ATTACKER = "198.51.100.66"
EDITOR_DESK = "192.0.2.10"


def sign_in(
    client: Client, password: str, username: str = "sam", address: str = EDITOR_DESK
) -> Any:
    return client.post(
        "/editors/login/?next=/editors/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_passwords_are_hashed_with_argon2(editor: User) -> None:
    assert editor.password.startswith("argon2$argon2id$")


def test_a_good_password_signs_in(client: Client, editor: User) -> None:
    response = sign_in(client, "correct horse battery")
    assert response.status_code == 302 and response["Location"] == "/editors/"


def test_repeated_failures_lock_the_account_for_that_client_even_for_the_right_password(
    client: Client, editor: User, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert sign_in(client, "wrong", address=ATTACKER).status_code == 200
    response = sign_in(client, "correct horse battery", address=ATTACKER)
    assert response.status_code == 200
    assert "Too many failed sign-ins for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_cannot_lock_the_real_editor_out(editor: User, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(10):
        sign_in(Client(), "wrong", address=ATTACKER)
    assert sign_in(Client(), "correct horse battery").status_code == 302


def test_spraying_one_password_over_many_accounts_is_stopped(editor: User, settings: Any) -> None:
    settings.LOGIN_CLIENT_LIMIT = 5
    for n in range(5):
        sign_in(Client(), "correct horse battery", username=f"guess{n}", address=ATTACKER)
    # The sixth attempt from that client is refused without checking, whatever the account.
    response = sign_in(Client(), "correct horse battery", address=ATTACKER)
    assert response.status_code == 200 and "Too many failed sign-ins" in response.content.decode()
    assert sign_in(Client(), "correct horse battery").status_code == 302  # another client


def test_attempts_are_counted_before_the_password_is_checked(editor: User, settings: Any) -> None:
    """Concurrent guesses cannot all pass: the count is taken first, atomically."""
    from waypost.safeguards.lockout import attempt

    settings.LOGIN_FAILURE_LIMIT = 3
    request = request_from(ATTACKER)
    assert [attempt(request, "sam") for _ in range(5)] == [True, True, True, False, False]


def test_no_typed_name_or_password_is_kept(client: Client, editor: User) -> None:
    sign_in(client, "hunter2-typed-as-name", username="hunter2-typed-as-name")
    sign_in(client, "wrong")
    for row in RateCount.objects.values():
        text = " ".join(str(v) for v in row.values())
        assert "hunter2" not in text and "sam" not in text and EDITOR_DESK not in text


def test_a_success_clears_the_count(client: Client, editor: User, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    sign_in(client, "wrong")
    assert sign_in(client, "correct horse battery").status_code == 302
    assert not RateCount.objects.filter(scope="signin").exists()


def test_the_lock_ends_with_its_window(client: Client, editor: User, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(3):
        sign_in(client, "wrong")
    RateCount.objects.update(window_start=timezone.now() - dt.timedelta(minutes=30))
    assert sign_in(client, "correct horse battery").status_code == 302


def test_the_unlock_command(editor: User, settings: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(3):
        sign_in(Client(), "wrong", address=ATTACKER)
        sign_in(Client(), "wrong", username="kim", address=ATTACKER)
    out = StringIO()
    call_command("unlock_signin", "SAM", stdout=out)  # as typed: names are not case-sensitive
    assert "cleared 1 sign-in count" in out.getvalue()
    assert sign_in(Client(), "correct horse battery", address=ATTACKER).status_code == 302
    assert RateCount.objects.filter(scope="signin").count() == 1  # kim's stays locked
    call_command("unlock_signin", "--all", stdout=out)
    assert not RateCount.objects.filter(scope__startswith="signin").exists()
    for bad in ([], ["sam", "--all"], ["  "]):
        with pytest.raises(CommandError):
            call_command("unlock_signin", *bad)


def test_a_lock_on_one_account_does_not_lock_another(
    client: Client, editor: User, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    User.objects.create_user("kim", password="another good password", is_staff=True)
    for _ in range(3):
        sign_in(client, "wrong")
    assert sign_in(client, "another good password", "kim").status_code == 302


def test_weak_passwords_are_refused_on_every_path(editor: User) -> None:
    import os

    from django.core.management import call_command
    from django.core.management.base import CommandError

    admin = User.objects.create_user("root-admin", password="a long admin password 1")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    web = Client()
    web.force_login(admin)
    response = web.post(
        f"/editors/auth/user/{editor.pk}/password/",
        {"password1": "1", "password2": "1"},
    )
    assert response.status_code == 200 and "too short" in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password("correct horse battery")
    os.environ["WAYPOST_PASSWORD"] = "password1234"
    try:
        with pytest.raises(CommandError, match="too common"):
            call_command("add_staff", "newbie", "--role", "editor")
    finally:
        del os.environ["WAYPOST_PASSWORD"]
    assert not User.objects.filter(username="newbie").exists()


def test_staff_sessions_are_short_and_end_with_the_browser(client: Client, editor: User) -> None:
    response = sign_in(client, "correct horse battery")
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() <= 4 * 60 * 60


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

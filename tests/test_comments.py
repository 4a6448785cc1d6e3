"""Comments under a guide: the form page, moderation, replies, plain text, erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.htmltree import parse
from waypost.comments.models import Comment, Reply, Status
from waypost.comments.services import moderate
from waypost.comments.text import render_plain_text

pytestmark = pytest.mark.django_db

GUIDE = "/us/ct/norwalk/"
FORM = "/us/ct/norwalk/comment/"


def send(client: Client, **data: str) -> Any:
    payload = {"name": "", "email": "", "body": "Is there a clinic open on Sundays?", **data}
    return client.post(FORM, payload, REMOTE_ADDR="192.0.2.20")


def comments_section(client: Client) -> str:
    return parse(client.get(GUIDE).content).by_id("comments").text()


def test_reading_a_guide_sets_no_cookie_and_links_to_the_comment_page(client: Client) -> None:
    response = client.get(GUIDE)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    links = [a.attrs.get("href") for a in parse(response.content).by_id("comments").find_all("a")]
    assert FORM in links


def test_the_comment_form_marks_what_is_required_and_says_the_email_is_never_shown(
    client: Client,
) -> None:
    response = client.get(FORM)
    assert response.status_code == 200
    tree = parse(response.content)
    labels = {lab.attrs["for"]: lab.text() for lab in tree.find_all("label")}
    assert "(optional)" in labels["id_name"]
    assert "(optional)" in labels["id_email"]
    assert "(required)" in labels["id_body"]
    assert "Never published" in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert list(response.cookies) == ["csrftoken"]


def test_a_comment_is_held_until_a_moderator_approves_it(client: Client) -> None:
    response = send(client, name="Rosa", email="rosa@example.org")
    assert response.status_code == 200
    assert "held for moderation" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Status.HELD
    assert "Sundays" not in comments_section(client)
    moderate([comment], Status.APPROVED, "moderator1")
    section = comments_section(client)
    assert "Sundays" in section and "Rosa" in section
    # The e-mail address is on no page.
    assert "rosa@example.org" not in client.get(GUIDE).content.decode()


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
def test_rejected_and_spam_comments_never_appear(client: Client, status: Status) -> None:
    send(client)
    moderate(list(Comment.objects.all()), status, "moderator1")
    assert "Sundays" not in comments_section(client)


def test_a_comment_without_a_name_appears_as_anonymous(client: Client) -> None:
    send(client, name="   ")
    moderate(list(Comment.objects.all()), Status.APPROVED, "moderator1")
    assert "Anonymous" in comments_section(client)


def test_a_comment_is_shown_on_its_own_guide_only(client: Client) -> None:
    send(client)
    moderate(list(Comment.objects.all()), Status.APPROVED, "moderator1")
    assert "Sundays" not in parse(client.get("/us/ca/norwalk/").content).by_id("comments").text()


def test_the_sites_reply_is_shown_as_waypost(client: Client, staff: dict[str, Any]) -> None:
    send(client)
    comment = Comment.objects.get()
    moderate([comment], Status.APPROVED, "moderator1")
    Reply.objects.create(
        comment=comment, body="Yes: see the clinic listed above.", author=staff["editor"]
    )
    section = comments_section(client)
    assert "Waypost replied" in section and "see the clinic listed above" in section
    assert "editor1" not in section


# -- plain text and links -------------------------------------------------------------


def test_links_become_inert_plain_links_and_markup_is_text() -> None:
    html = str(
        render_plain_text(
            "See https://example.org/help?a=1&b=2.\n<b>bold</b> <a href=x>x</a>\n\n"
            "javascript:alert(1) and <script>alert(1)</script>"
        )
    )
    assert '<a href="https://example.org/help?a=1&amp;b=2" rel="nofollow ugc noreferrer">' in html
    assert "</a>." in html  # the full stop is not part of the address
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert html.count("<p>") == 2 and "<br>" in html


@pytest.mark.parametrize(
    "text",
    [
        'https://x.example/"onmouseover="alert(1)',
        "https://x.example/'><img src=x onerror=alert(1)>",
        "http://x.example/<script>alert(1)</script>",
    ],
)
def test_an_address_cannot_break_out_of_its_link(text: str) -> None:
    tree = parse(str(render_plain_text(text)).encode())
    elements = list(tree.iter())[1:]
    assert {e.tag for e in elements} <= {"p", "a", "br"}
    for a in tree.find_all("a"):
        assert set(a.attrs) == {"href", "rel"}
        assert a.attrs["href"].startswith(("http://x.example/", "https://x.example/"))
        assert not set(a.attrs["href"]) & set("\"'<> ")


# -- bad input ------------------------------------------------------------------------


def test_an_empty_comment_is_refused_with_a_message(client: Client) -> None:
    response = send(client, body="  \n ")
    assert response.status_code == 400
    assert 'id="error-body"' in response.content.decode()
    assert "Please write your comment or question." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_overlong_comment_and_name_are_refused(client: Client) -> None:
    response = send(client, body="x" * 3001, name="n" * 81)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-body"' in page and 'id="error-name"' in page
    assert not Comment.objects.exists()


def test_a_bad_email_is_refused_with_a_message(client: Client) -> None:
    response = send(client, email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid e-mail address, or leave it empty." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_oversized_request_is_refused(client: Client) -> None:
    response = send(client, body="x" * 50_000)
    assert response.status_code == 413
    assert not Comment.objects.exists()


def test_a_filled_honeypot_is_not_stored(client: Client) -> None:
    response = send(client, website="https://spam.example/")
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_a_forged_comment_is_refused() -> None:
    response = send(Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_comment_with_the_form_token_is_accepted_under_csrf_checks() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = send(client, csrfmiddlewaretoken=token)
    assert response.status_code == 200
    assert Comment.objects.count() == 1


def test_a_flood_of_comments_is_stopped(client: Client, settings: Any) -> None:
    settings.COMMENTS_PER_HOUR = 2
    codes = [send(client).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    assert Comment.objects.count() == 2
    assert "try again in an hour" in send(client).content.decode()


@pytest.mark.parametrize(
    "path", ["/us/ct/no-such-city/comment/", "/us/ct/comment/", "/us/zz/norwalk/comment/"]
)
def test_a_comment_page_needs_a_real_guide(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404
    assert client.post(path, {"body": "x"}).status_code in (404, 405)
    assert not Comment.objects.exists()


# -- e-mail erasure -------------------------------------------------------------------


def test_emails_are_erased_30_days_after_moderation(client: Client) -> None:
    for n in range(3):
        send(client, email=f"p{n}@example.org")
    old, recent, held = Comment.objects.order_by("pk")
    moderate([old, recent], Status.APPROVED, "moderator1")
    Comment.objects.filter(pk=old.pk).update(moderated_at=timezone.now() - dt.timedelta(days=31))
    call_command("erase_contacts")
    emails = dict(Comment.objects.values_list("pk", "email"))
    assert emails == {old.pk: "", recent.pk: "p1@example.org", held.pk: "p2@example.org"}


def test_erase_contacts_refuses_a_negative_period() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days"):
        call_command("erase_contacts", "--days", "-1")


# -- many comments --------------------------------------------------------------------


def _approved(n: int) -> list[Comment]:
    from waypost.places.models import Place

    place = Place.objects.get(path="us/ct/norwalk")
    rows = [
        Comment(place=place, body=f"comment number {i}", status=Status.APPROVED) for i in range(n)
    ]
    return Comment.objects.bulk_create(rows)


def test_a_guide_shows_its_latest_comments_and_links_to_all(client: Client) -> None:
    _approved(12)
    section = parse(client.get(GUIDE).content).by_id("comments")
    shown = [a.text() for a in section.find_all("article")]
    assert len(shown) == 10
    assert "comment number 11" in shown[-1] and "comment number 2" in shown[0]
    links = [a.attrs.get("href") for a in section.find_all("a")]
    assert "/us/ct/norwalk/comments/" in links
    assert "Read all 12 comments" in section.text()


def test_the_comments_page_lists_every_comment_a_page_at_a_time(client: Client) -> None:
    _approved(55)
    first = client.get("/us/ct/norwalk/comments/")
    assert first.status_code == 200 and not first.cookies
    assert len(parse(first.content).by_id("comments").find_all("article")) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/us/ct/norwalk/comments/", {"page": "2"})
    assert len(parse(second.content).by_id("comments").find_all("article")) == 5
    assert client.get("/us/ct/norwalk/comments/", {"page": "3"}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "²", "9" * 30])
def test_a_bad_page_number_is_refused_with_a_message(client: Client, page: str) -> None:
    response = client.get("/us/ct/norwalk/comments/", {"page": page})
    assert response.status_code == 400
    assert "is not a page number" in parse(response.content).by_id("error-page").text()


def test_the_comments_page_of_an_unknown_guide_is_not_found(client: Client) -> None:
    assert client.get("/us/ct/no-such-city/comments/").status_code == 404

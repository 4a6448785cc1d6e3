"""The editors' workspace: who may use each page, fact lists, checks, history, the queue."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.community import a_phone_fact, a_service_fact
from waypost.comments.models import Comment, Reply
from waypost.comments.models import Status as CommentStatus
from waypost.evidence.models import Check, Fact, Outcome, Status
from waypost.evidence.services import record_check
from waypost.guides.owners import KINDS
from waypost.places.models import Place
from waypost.reports.models import State
from waypost.reports.services import file_report

pytestmark = pytest.mark.django_db

ROLES = ["reader", "editor", "moderator", "admin"]
LOGIN = 302  # signed-out readers are sent to the editors' sign-in page


def fact_id() -> int:
    return a_service_fact().pk


# url → expected status per role (reader, editor, moderator, admin)
ACCESS: list[tuple[str, tuple[int, int, int, int]]] = [
    ("/us/ct/norwalk/", (200, 200, 200, 200)),
    ("/us/ct/norwalk/comment/", (200, 200, 200, 200)),
    ("/report/{fact}/", (200, 200, 200, 200)),
    ("/us/ct/norwalk/comments/", (200, 200, 200, 200)),
    ("/editors/", (LOGIN, 200, 200, 200)),
    ("/editors/queue/", (LOGIN, 200, 403, 200)),
    ("/editors/queue/?place=us/ct/norwalk", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/fact/", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/fact/?status=disputed&kind=service&place=us/ct", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/fact/{fact}/change/", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/fact/{fact}/check/", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/fact/{fact}/history.csv", (LOGIN, 200, 403, 200)),
    ("/editors/evidence/source/", (LOGIN, 200, 403, 200)),
    ("/editors/reports/problemreport/", (LOGIN, 200, 403, 200)),
    ("/editors/comments/comment/", (LOGIN, 200, 200, 200)),
    ("/editors/places/place/add/", (LOGIN, 200, 403, 200)),
    ("/editors/guides/editorialanswer/add/", (LOGIN, 200, 403, 200)),
    ("/editors/guides/placefact/add/", (LOGIN, 200, 403, 200)),
    ("/editors/directory/service/add/", (LOGIN, 200, 403, 200)),
    ("/editors/laws/law/add/", (LOGIN, 200, 403, 200)),
    ("/editors/auth/user/", (LOGIN, 403, 403, 200)),
]


@pytest.mark.parametrize(("url", "expected"), ACCESS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(
    as_role: Any, role: str, url: str, expected: tuple[int, ...]
) -> None:
    response = as_role(role).get(url.format(fact=fact_id()))
    assert response.status_code == expected[ROLES.index(role)], (role, url)
    if response.status_code == LOGIN:
        assert response["Location"].startswith("/editors/login/")


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("editor", ["/editors/queue/", "/editors/comments/comment/", "status=disputed"]),
        ("moderator", ["/editors/comments/comment/"]),
        ("admin", ["/editors/queue/", "/editors/comments/comment/", "status=due"]),
    ],
)
def test_the_workspace_opens_on_each_roles_tasks(as_role: Any, role: str, links: list[str]) -> None:
    page = as_role(role).get("/editors/").content.decode()
    tasks = page.split('id="workspace-tasks"', 1)[1].split("</div>", 1)[0]
    for link in links:
        assert link in tasks
    if role == "moderator":
        assert "/editors/queue/" not in tasks


def test_the_roles_have_what_they_need_and_no_more(staff: dict[str, Any]) -> None:
    editor, moderator, admin = staff["editor"], staff["moderator"], staff["admin"]
    assert editor.has_perm("evidence.add_check") and editor.has_perm("comments.add_reply")
    assert not editor.has_perm("comments.moderate_comment")
    assert not editor.has_perm("evidence.delete_fact") and not editor.has_perm("auth.add_user")
    assert moderator.has_perm("comments.moderate_comment")
    assert not moderator.has_perm("evidence.add_check")
    assert not moderator.has_perm("comments.add_reply")
    for perm in ("comments.moderate_comment", "evidence.add_check", "auth.change_user"):
        assert admin.has_perm(perm)


def test_roles_are_restored_by_migrate(staff: dict[str, Any]) -> None:
    from django.contrib.auth.models import Group

    Group.objects.get(name="editor").permissions.clear()
    call_command("migrate", verbosity=0)
    assert Group.objects.get(name="editor").permissions.filter(codename="add_check").exists()


# -- fact lists -----------------------------------------------------------------------


def listed(client: Client, **params: str) -> set[int]:
    response = client.get("/editors/evidence/fact/", {**params, "all": ""})
    assert response.status_code == 200
    return {fact.pk for fact in response.context["cl"].result_list}


def test_facts_filter_by_status(as_role: Any) -> None:
    client = as_role("editor")
    service = a_service_fact()
    file_report(service, what_is_wrong="closed")
    old = a_phone_fact()
    record_check(
        old,
        checked_on=dt.date.today() - dt.timedelta(days=800),
        checked_by="t",
        method="source page",
        outcome=Outcome.CONFIRMED,
    )
    Check.objects.filter(fact=old).exclude(
        checked_on__lt=dt.date.today() - dt.timedelta(days=700)
    ).delete()
    old.refresh_from_db()
    Fact.objects.filter(pk=old.pk).update(last_checked_on=dt.date.today() - dt.timedelta(days=800))
    assert service.pk in listed(client, status="disputed")
    assert service.pk not in listed(client, status="checked")
    assert old.pk in listed(client, status="due")
    unchecked = listed(client, status="unchecked")
    assert unchecked and all(
        Fact.objects.get(pk=pk).status() == Status.UNCHECKED for pk in unchecked
    )


def test_facts_filter_by_kind_place_category_and_source(as_role: Any) -> None:
    client = as_role("editor")
    ct = listed(client, place="us/ct")
    ca = listed(client, place="us/ca")
    service = a_service_fact()
    assert service.pk in ct and service.pk not in ca
    services = listed(client, kind="service")
    assert service.pk in services and a_phone_fact().pk not in services
    assert service.pk in listed(client, place="us/ct/norwalk")
    categories = {c.code for c in service.service.categories.all()}
    top = Fact.objects.get(pk=service.pk).service.categories.first()
    assert top is not None and categories
    source = service.sources.first()
    assert source is not None
    assert service.pk in listed(client, source=source.key)
    assert listed(client, source=source.key) == set(source.facts.values_list("pk", flat=True))


def test_facts_filter_by_a_top_level_category(as_role: Any) -> None:
    from waypost.directory.models import TaxonomyTerm

    client = as_role("editor")
    service = a_service_fact().service
    term = service.categories.first()
    assert term is not None
    while term.parent is not None:
        term = term.parent
    assert service.fact_id in listed(client, category=term.code)
    others = TaxonomyTerm.objects.filter(parent__isnull=True, taxonomy=term.taxonomy).exclude(
        pk=term.pk
    )
    unrelated = [t for t in others if service.fact_id not in listed(client, category=t.code)]
    assert unrelated  # the filter does narrow the list


# -- record a check -------------------------------------------------------------------


def check_data(**extra: str) -> dict[str, str]:
    return {
        "checked_on": dt.date.today().isoformat(),
        "method": "phone call",
        "outcome": "confirmed",
        "note": "Called; it answers.",
        "close_problems": "on",
        **extra,
    }


def test_an_editor_records_a_check_on_one_fact(as_role: Any) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    source = fact.sources.first()
    assert source is not None
    data = check_data(source=str(source.pk), source_date="2026-05")
    response = client.post(f"/editors/evidence/fact/{fact.pk}/check/", data)
    assert response.status_code == 302
    check = fact.checks.first()
    assert check is not None
    assert (check.checked_by, check.method, check.source_id) == ("editor1", "phone call", source.pk)
    source.refresh_from_db()
    assert source.as_of == "2026-05"


def test_a_check_closes_the_reports_it_answers(as_role: Any) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    report = file_report(fact, what_is_wrong="closed now")
    client.post(f"/editors/evidence/fact/{fact.pk}/check/", check_data())
    report.refresh_from_db()
    fact.refresh_from_db()
    assert report.state == State.RESOLVED and fact.status() == Status.CHECKED


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"checked_on": "2999-01-01"}, "A check cannot be dated in the future."),
        ({"checked_on": "yesterday"}, "Enter a valid date."),
        ({"outcome": "maybe"}, "Select a valid choice."),
        ({"source_date": "May 2026"}, "Write the date as YYYY, YYYY-MM or YYYY-MM-DD."),
        ({"source_date": "2026"}, "Choose the source this date belongs to."),
        ({"method": "other", "note": ""}, "Say how the fact was checked."),
    ],
)
def test_a_bad_check_is_refused_with_a_message(
    as_role: Any, bad: dict[str, str], message: str
) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    before = fact.checks.count()
    response = client.post(f"/editors/evidence/fact/{fact.pk}/check/", check_data(**bad))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert fact.checks.count() == before


def test_a_moderator_cannot_record_a_check(as_role: Any) -> None:
    fact = a_service_fact()
    before = fact.checks.count()
    response = as_role("moderator").post(f"/editors/evidence/fact/{fact.pk}/check/", check_data())
    assert response.status_code == 403
    assert fact.checks.count() == before


def test_a_bulk_check_records_one_check_per_fact(as_role: Any) -> None:
    client = as_role("editor")
    facts = [a_service_fact(), a_phone_fact()]
    data = {
        "action": "record_check",
        "_selected_action": [str(f.pk) for f in facts],
        "apply": "1",
        **check_data(outcome="conflict", note="The clinic moved."),
    }
    response = client.post("/editors/evidence/fact/", data)
    assert response.status_code == 302
    for fact in facts:
        fact.refresh_from_db()
        assert fact.status() == Status.DISPUTED
        assert fact.checks.first().note == "The clinic moved."  # type: ignore[union-attr]


def test_the_bulk_check_first_asks_for_the_check(as_role: Any) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    response = client.post(
        "/editors/evidence/fact/", {"action": "record_check", "_selected_action": [str(fact.pk)]}
    )
    assert response.status_code == 200
    assert "Record the check" in response.content.decode()


# -- history --------------------------------------------------------------------------


def test_every_change_to_a_fact_is_in_its_history_with_who_and_old_to_new(as_role: Any) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    file_report(fact, what_is_wrong="wrong")
    client.post(f"/editors/evidence/fact/{fact.pk}/check/", check_data())
    change = client.get(f"/editors/evidence/fact/{fact.pk}/change/")
    page = change.content.decode()
    assert "a reader" in page and "editor1" in page and "open_disputes" in page
    csv_response = client.get(f"/editors/evidence/fact/{fact.pk}/history.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    disputes = [r for r in rows if r["field"] == "open_disputes"]
    assert {(r["who"], r["old"], r["new"]) for r in disputes} >= {
        ("a reader", "0", "1"),
        ("editor1", "1", "0"),
    }
    assert any(r["who"] == "system" and r["action"] == "created" for r in rows)  # the loader


def test_an_edit_in_the_workspace_enters_the_history(as_role: Any) -> None:
    from waypost.editors.history import fact_history
    from waypost.guides.models import PlaceFact

    place_fact = PlaceFact.objects.filter(place__path="us/ct/norwalk").first()
    assert place_fact is not None
    old_text = place_fact.text
    data = {
        "place": str(place_fact.place_id),
        "question": place_fact.question,
        "text": "Norwalk is policed by the Norwalk Police Department (edited).",
        "citation": place_fact.citation,
        "value": "" if place_fact.value is None else str(place_fact.value),
        "unit": place_fact.unit,
        "fact": str(place_fact.fact_id),
    }
    response = as_role("editor").post(f"/editors/guides/placefact/{place_fact.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = fact_history(place_fact.fact)
    edit = next(r for r in rows if r.field == "text")
    assert (edit.who, edit.old, edit.record) == ("editor1", old_text, "Place fact")
    assert edit.new.endswith("(edited).")


def test_the_history_of_many_facts_exports_as_csv(as_role: Any) -> None:
    client = as_role("admin")
    facts = [a_service_fact(), a_phone_fact()]
    response = client.post(
        "/editors/evidence/fact/",
        {"action": "export_history", "_selected_action": [str(f.pk) for f in facts]},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {int(r["fact_id"]) for r in rows} == {f.pk for f in facts}


def test_a_csv_cell_is_never_a_formula() -> None:
    from waypost.editors.history import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("plain") == "plain"


# -- problem reports and comments in the workspace -----------------------------------


def test_an_editor_resolves_a_report_with_a_check(as_role: Any) -> None:
    client = as_role("editor")
    fact = a_service_fact()
    report = file_report(fact, what_is_wrong="This number no longer works.")
    listing = client.get("/editors/reports/problemreport/")
    assert "This number no longer works." in listing.content.decode()
    data = {
        "action": "resolve_with_check",
        "_selected_action": [str(report.pk)],
        "apply": "1",
        **check_data(),
    }
    response = client.post("/editors/reports/problemreport/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    fact.refresh_from_db()
    assert report.state == State.RESOLVED and fact.checks.first().checked_by == "editor1"  # type: ignore[union-attr]
    assert fact.status() == Status.CHECKED


def test_a_moderator_moderates_comments_and_an_editor_cannot(as_role: Any) -> None:
    place = Place.objects.get(path="us/ct/norwalk")
    comment = Comment.objects.create(place=place, body="A question")
    data = {"action": "approve", "_selected_action": [str(comment.pk)]}
    as_role("editor").post("/editors/comments/comment/", data)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HELD
    listing = as_role("moderator").get("/editors/comments/comment/")
    assert "A question" in listing.content.decode()  # the queue opens on held comments
    as_role("moderator").post("/editors/comments/comment/", data)
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (CommentStatus.APPROVED, "moderator1")
    assert comment.moderated_at is not None


@pytest.mark.parametrize("action", ["reject", "mark_spam"])
def test_a_moderator_rejects_or_marks_spam(as_role: Any, action: str) -> None:
    place = Place.objects.get(path="us/ct/norwalk")
    comment = Comment.objects.create(place=place, body="buy now")
    as_role("moderator").post(
        "/editors/comments/comment/", {"action": action, "_selected_action": [str(comment.pk)]}
    )
    comment.refresh_from_db()
    assert (
        comment.status
        == {"reject": CommentStatus.REJECTED, "mark_spam": CommentStatus.SPAM}[action]
    )


def test_an_editor_replies_as_the_site(as_role: Any) -> None:
    place = Place.objects.get(path="us/ct/norwalk")
    comment = Comment.objects.create(place=place, body="Where can I get tested?", status="approved")
    prefix = "replies"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-body": "The clinics are listed under Health.",
        f"{prefix}-0-comment": str(comment.pk),
    }
    response = as_role("editor").post(f"/editors/comments/comment/{comment.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = Reply.objects.get(comment=comment)
    assert reply.author is not None and reply.author.username == "editor1"
    # A moderator does not reply (the inline form is not offered).
    page = as_role("moderator").get(f"/editors/comments/comment/{comment.pk}/change/")
    assert "replies-0-body" not in page.content.decode()


# -- re-check queue -------------------------------------------------------------------


def test_the_queue_orders_by_guide_pages(as_role: Any, settings: Any) -> None:
    from waypost.editors.queue import due_queue
    from waypost.laws.models import LawStatement
    from waypost.places.geo import distance_mi

    federal = LawStatement.objects.filter(law__jurisdiction__path="us").first()
    state = LawStatement.objects.filter(law__jurisdiction__path="us/ct").first()
    city_service = a_service_fact()
    assert federal is not None and state is not None
    for fact in (city_service, state.fact, federal.fact):
        file_report(fact, what_is_wrong="check")
    entries = due_queue()
    pages = {e.fact.pk: e.pages for e in entries}
    assert [e.pages for e in entries] == sorted(pages.values(), reverse=True)
    cities = Place.objects.filter(kind="city")
    assert pages[federal.fact_id] == cities.count()
    assert pages[state.fact_id] == cities.filter(state_code="CT").count()
    # A service shows on every guide within the nearby radius, across state lines too.
    location = city_service.service.at_locations.get().location
    near = [
        c
        for c in cities.exclude(latitude=None)
        if distance_mi(location.latitude, location.longitude, c.latitude, c.longitude)
        <= settings.NEARBY_RADIUS_MI
    ]
    assert pages[city_service.pk] == len(near)
    assert any(c.state_code != "CT" for c in near)
    page = as_role("editor").get("/editors/queue/").content.decode()
    assert page.index(federal.fact.label) < page.index(state.fact.label)


def test_the_queue_for_a_guide_lists_only_what_the_guide_shows() -> None:
    from waypost.editors.queue import due_queue
    from waypost.laws.models import LawStatement

    ct = LawStatement.objects.filter(law__jurisdiction__path="us/ct").first()
    ca = LawStatement.objects.filter(law__jurisdiction__path="us/ca").first()
    assert ct is not None and ca is not None
    file_report(ct.fact, what_is_wrong="x")
    file_report(ca.fact, what_is_wrong="x")
    ids = {e.fact.pk for e in due_queue("us/ct/norwalk")}
    assert ct.fact_id in ids and ca.fact_id not in ids


def test_dead_links_and_due_facts_are_in_the_queue() -> None:
    from waypost.editors.queue import due_queue
    from waypost.reports.services import note_dead_link

    fact = a_phone_fact()
    source = fact.sources.first()
    assert source is not None
    note_dead_link(fact, source, "HTTP 404")
    entry = next(e for e in due_queue() if e.fact.pk == fact.pk)
    assert entry.open_problems == 1 and entry.status != Status.DISPUTED


def test_due_checks_command(capsys: Any) -> None:
    fact = a_service_fact()
    file_report(fact, what_is_wrong="x")
    call_command("due_checks", "--place", "us/ct/norwalk")
    out = capsys.readouterr().out
    assert "1 facts to check" in out and fact.label in out and "disputed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "us/zz/nowhere"], "no place with the path 'us/zz/nowhere'"),
        (["--limit", "-2"], "--limit"),
    ],
)
def test_due_checks_refuses_bad_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("due_checks", *args)


def test_the_queue_page_says_when_a_place_is_unknown(as_role: Any) -> None:
    response = as_role("editor").get("/editors/queue/", {"place": "us/zz/nowhere"})
    assert response.status_code == 400
    assert "no place with the path" in response.content.decode()


def test_add_staff_creates_an_account_with_its_role(monkeypatch: Any) -> None:
    from django.contrib.auth.models import User

    monkeypatch.setenv("WAYPOST_PASSWORD", "a long enough password")
    call_command("add_staff", "casey", "--role", "moderator")
    user = User.objects.get(username="casey")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["moderator"]
    assert user.password.startswith("argon2")
    monkeypatch.setenv("WAYPOST_PASSWORD", "short")
    with pytest.raises(CommandError, match="12 characters"):
        call_command("add_staff", "dana", "--role", "editor")
    assert not User.objects.filter(username="dana").exists()


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_comment_and_report_and_it_is_held(as_role: Any, role: str) -> None:
    client = as_role(role)
    fact = a_service_fact()
    assert client.post("/us/ct/norwalk/comment/", {"body": f"from {role}"}).status_code == 200
    assert client.post(f"/report/{fact.pk}/", {"what_is_wrong": f"from {role}"}).status_code == 200
    comment = Comment.objects.get(body=f"from {role}")
    assert comment.status == CommentStatus.HELD  # staff comments are moderated too
    fact.refresh_from_db()
    assert fact.open_disputes == 1


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_record_of_every_kind_of_fact_opens(as_role: Any, kind: str) -> None:
    fact = Fact.objects.filter(**{f"{kind}__isnull": False}).first()
    assert fact is not None, kind
    response = as_role("editor").get(f"/editors/evidence/fact/{fact.pk}/change/")
    assert response.status_code == 200
    assert 'class="fact-history"' in response.content.decode()

"""Readers' problem reports: the link beside every fact, the report page, what readers
see at once, the editors' task, and resolving it with a check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.community import a_phone_fact, a_service_fact, mark_of, report_ids_on
from waypost.evidence.models import Citation, Fact, Outcome, Status
from waypost.reports.models import Kind, ProblemReport, State
from waypost.reports.services import dismiss, file_report, resolve

pytestmark = pytest.mark.django_db

GUIDE = "/us/ct/norwalk/"


def send(client: Client, fact: Fact, **data: str) -> Any:
    payload = {"what_is_wrong": "This number no longer works.", "website": "", **data}
    return client.post(f"/report/{fact.pk}/", payload, REMOTE_ADDR="192.0.2.10")


def test_every_fact_on_a_guide_has_a_report_link(client: Client) -> None:
    html = client.get(GUIDE).content.decode()
    ids = report_ids_on(client, GUIDE)
    # One link per evidence mark: every mark on the page has one.
    assert len(ids) == html.count('<span class="ev ev-')
    assert len(ids) > 30
    assert Fact.objects.filter(pk__in=ids).count() == len(set(ids))


@pytest.mark.parametrize("url", ["/us/ct/", "/us/ca/norwalk/"])
def test_state_pages_and_other_guides_have_report_links(client: Client, url: str) -> None:
    assert report_ids_on(client, url)


def test_a_service_page_has_report_links_for_the_service_and_its_phones(client: Client) -> None:
    fact = a_phone_fact()
    service = fact.phone.service
    ids = report_ids_on(client, service.get_absolute_url())
    assert service.fact_id in ids and fact.pk in ids


def test_the_report_page_names_the_fact_and_sets_only_the_form_cookie(client: Client) -> None:
    fact = a_phone_fact()
    response = client.get(f"/report/{fact.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    phone = fact.phone
    assert f"{phone.service.name}: Call {phone.number}" in text
    assert "(required)" in text and "(optional)" in text
    assert "never published" in text
    assert list(response.cookies) == ["csrftoken"]
    # No link to the page itself.
    assert f'href="/report/{fact.pk}/"' not in text
    # A browser session cookie: gone when the browser closes.
    assert not response.cookies["csrftoken"]["max-age"]


def test_a_report_shows_the_fact_as_disputed_at_once_and_opens_a_task(client: Client) -> None:
    # A phone sharing its service's evidence is reported from the service's link.
    fact = a_service_fact()
    before = mark_of(client.get(GUIDE).content.decode(), fact.pk)
    assert "reader reported" not in before
    assert "This number no longer works" not in before
    response = send(client, fact, correction="203-555-0100", contact="me@example.org")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    fact.refresh_from_db()
    assert fact.status() == Status.DISPUTED
    after = mark_of(client.get(GUIDE).content.decode(), fact.pk)
    assert "a reader reported this may be out of date; we are checking" in after
    assert "ev-disputed" in after
    report = ProblemReport.objects.get(fact=fact)
    assert (report.state, report.kind, report.contact) == (
        State.OPEN,
        Kind.READER,
        "me@example.org",
    )
    # The report's words and contact never reach a reader's page.
    assert "203-555-0100" not in client.get(GUIDE).content.decode()


def test_resolving_a_report_records_a_check_and_clears_the_dispute(client: Client) -> None:
    fact = a_service_fact()
    report = file_report(fact, what_is_wrong="Wrong number")
    checks = fact.checks.count()
    assert (
        resolve(
            [report],
            by="editor1",
            checked_on=dt.date.today(),
            method="phone call",
            outcome=Outcome.CONFIRMED,
            note="Called; it answers.",
        )
        == 1
    )
    fact.refresh_from_db()
    report.refresh_from_db()
    assert fact.checks.count() == checks + 1
    assert fact.checks.first().method == "phone call"  # type: ignore[union-attr]
    assert (report.state, report.closed_by) == (State.RESOLVED, "editor1")
    assert fact.status() == Status.CHECKED
    assert "reader reported" not in mark_of(client.get(GUIDE).content.decode(), fact.pk)


def test_a_fact_stays_disputed_while_another_report_is_open() -> None:
    fact = a_service_fact()
    first = file_report(fact, what_is_wrong="a")
    file_report(fact, what_is_wrong="b")
    dismiss([first], by="editor1")
    fact.refresh_from_db()
    assert fact.open_disputes == 1 and fact.status() == Status.DISPUTED


def test_dismissing_records_no_check() -> None:
    fact = a_service_fact()
    report = file_report(fact, what_is_wrong="spam spam")
    checks = fact.checks.count()
    assert dismiss([report], by="editor1") == 1
    assert dismiss([report], by="editor1") == 0  # already closed
    fact.refresh_from_db()
    assert fact.checks.count() == checks and fact.open_disputes == 0


# -- bad input ------------------------------------------------------------------------


def test_an_empty_report_is_refused_with_a_message_and_changes_nothing(client: Client) -> None:
    fact = a_phone_fact()
    response = send(client, fact, what_is_wrong="   ")
    assert response.status_code == 400
    assert 'id="error-what_is_wrong"' in response.content.decode()
    assert "Please say what is wrong." in response.content.decode()
    fact.refresh_from_db()
    assert not ProblemReport.objects.exists() and fact.open_disputes == 0


def test_an_overlong_report_is_refused(client: Client) -> None:
    fact = a_phone_fact()
    response = send(client, fact, what_is_wrong="x" * 2001)
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_an_oversized_request_is_refused_before_it_is_read(client: Client) -> None:
    fact = a_phone_fact()
    response = send(client, fact, what_is_wrong="x" * 40_000)
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_a_filled_honeypot_is_thanked_but_not_stored(client: Client) -> None:
    fact = a_phone_fact()
    response = send(client, fact, website="http://spam.example/")
    assert response.status_code == 200
    assert not ProblemReport.objects.exists()


def test_a_forged_report_without_the_form_token_is_refused() -> None:
    fact = a_phone_fact()
    client = Client(enforce_csrf_checks=True)
    response = send(client, fact)
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_a_flood_of_reports_from_one_client_is_stopped(client: Client, settings: Any) -> None:
    settings.REPORTS_PER_HOUR = 3
    fact = a_phone_fact()
    codes = [send(client, fact).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert ProblemReport.objects.count() == 3
    # Another client is not held back by the first.
    other = client.post(f"/report/{fact.pk}/", {"what_is_wrong": "x"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


@pytest.mark.parametrize("path", ["/report/999999999/", "/report/abc/", "/report/-1/"])
def test_an_unknown_fact_has_no_report_page(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_fact_without_a_source_cannot_be_reported(client: Client) -> None:
    fact = Fact.objects.create(label="An unsourced statement kept for editors")
    assert not Citation.objects.filter(fact=fact).exists()
    assert client.get(f"/report/{fact.pk}/").status_code == 404
    assert send(client, fact).status_code == 404


def test_other_methods_are_refused(client: Client) -> None:
    fact = a_phone_fact()
    assert client.put(f"/report/{fact.pk}/").status_code == 405


def test_report_contacts_are_erased_30_days_after_closing() -> None:
    fact = a_phone_fact()
    old = file_report(fact, what_is_wrong="a", contact="old@example.org")
    recent = file_report(fact, what_is_wrong="b", contact="new@example.org")
    still_open = file_report(fact, what_is_wrong="c", contact="open@example.org")
    dismiss([old, recent], by="editor1")
    ProblemReport.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
    call_command("erase_contacts")
    contacts = dict(ProblemReport.objects.values_list("pk", "contact"))
    assert contacts == {old.pk: "", recent.pk: "new@example.org", still_open.pk: "open@example.org"}


def test_a_services_report_page_links_each_of_its_numbers(client: Client) -> None:
    fact = a_phone_fact()
    service = fact.phone.service
    page = client.get(f"/report/{service.fact_id}/").content.decode()
    assert f'href="/report/{fact.pk}/"' in page and fact.phone.number in page
    # Reporting the number disputes the number on the guide, not its whole service.
    send(client, fact)
    html = client.get(GUIDE).content.decode()
    assert "a reader reported" in mark_of(html, fact.pk)
    assert "a reader reported" not in mark_of(html, service.fact_id)


def test_the_report_page_names_a_law_as_readers_saw_it(client: Client) -> None:
    from waypost.laws.models import LawStatement

    statement = LawStatement.objects.filter(law__jurisdiction__path="us/ct").first()
    assert statement is not None
    page = client.get(f"/report/{statement.fact_id}/").content.decode()
    assert statement.law.title in page and "Connecticut" in page

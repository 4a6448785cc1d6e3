"""Reader pages come from the cache until the data changes, and never after a change.

Each kind of write (an editor's save, a facts file, editorial answers, translations, an HSDS
import, a national data set, a reader's report, a comment's moderation) is followed by a
read of a page cached before it: the reader sees the change at once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.community import a_service_fact
from tests.test_loaders import minimal_facts, write_json
from waypost.comments.models import Comment, Status
from waypost.comments.services import moderate
from waypost.datasets.editorial import load_editorial_file
from waypost.datasets.facts import load_facts_file
from waypost.datasets.national import import_dataset
from waypost.datasets.translations import load_translations_file
from waypost.dataversion.services import current
from waypost.directory.models import Service

pytestmark = pytest.mark.django_db

GUIDE = "/us/ct/norwalk/"
DATA = Path(__file__).parent / "data"


def queries_of(client: Client, url: str, **extra: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    "url",
    [GUIDE, "/es/us/ca/norwalk/", "/us/ct/norwalk/card/", "/us/ct/", "/us/", "/", "/es/"],
)
def test_a_page_asked_again_comes_from_the_cache_with_the_same_html(
    client: Client, url: str
) -> None:
    first_queries, first = queries_of(client, url)
    again_queries, again = queries_of(client, url)
    assert again == first
    # The data version only: nothing of the page is read again.
    assert again_queries == 1 < first_queries


def test_a_service_page_comes_from_the_cache(client: Client) -> None:
    url = Service.objects.order_by("pk")[0].get_absolute_url()
    queries_of(client, url)
    assert queries_of(client, url)[0] == 1


def test_each_address_host_and_language_is_a_page_of_its_own(client: Client) -> None:
    english = queries_of(client, GUIDE)[1]
    spanish = queries_of(client, "/es" + GUIDE)[1]
    assert 'lang="es"' in spanish and 'lang="es"' not in english.split(">", 2)[1]
    other_host = queries_of(client, GUIDE, HTTP_HOST="localhost")[1]
    assert "http://localhost/us/ct/norwalk/" in other_host
    assert "http://localhost/" not in english
    dated = queries_of(client, GUIDE + "?date=2020-01-01")
    assert dated[0] > 1 and dated[1] != english


def test_made_up_parameters_are_served_but_never_fill_the_cache(client: Client) -> None:
    queries_of(client, GUIDE)
    for n in range(3):
        assert queries_of(client, f"{GUIDE}?x={n}")[0] > 1
    # Asked again, still rendered: nothing was kept under those addresses.
    assert queries_of(client, f"{GUIDE}?x=0")[0] > 1


def test_a_refused_parameter_is_not_kept(client: Client) -> None:
    for _ in range(2):
        assert client.get(GUIDE + "?date=someday").status_code == 400


def test_an_editors_save_is_seen_at_once(client: Client) -> None:
    service = Service.objects.filter(at_locations__location__place__path="us/ct/norwalk").order_by(
        "pk"
    )[0]
    assert service.name in queries_of(client, GUIDE)[1]
    version = current()
    service.name = "Renamed By An Editor"
    service.save()
    assert current() != version
    assert "Renamed By An Editor" in queries_of(client, GUIDE)[1]
    assert "Renamed By An Editor" in queries_of(client, service.get_absolute_url())[1]


def test_a_facts_file_is_seen_at_once(client: Client, tmp_path: Path) -> None:
    assert "Test Clinic" not in queries_of(client, GUIDE)[1]
    load_facts_file(write_json(tmp_path, minimal_facts()))
    assert "Test Clinic" in queries_of(client, GUIDE)[1]


def test_editorial_answers_are_seen_at_once(client: Client, tmp_path: Path) -> None:
    queries_of(client, GUIDE)
    path = tmp_path / "norwalk.md"
    path.write_text(
        "---\nplace: us/ct/norwalk\nlanguage: en\nchecked_on: 2026-11-01\n---\n\n"
        "## testing\n\nAsk for a test at any clinic listed here. [[doingitlocal-npd-2019]]\n",
        encoding="utf-8",
    )
    load_editorial_file(path)
    assert "Ask for a test at any clinic listed here." in queries_of(client, GUIDE)[1]


def test_translations_are_seen_at_once(client: Client, tmp_path: Path) -> None:
    service = Service.objects.filter(at_locations__location__place__path="us/ct/norwalk").order_by(
        "pk"
    )[0]
    assert "Una descripción nueva en español." not in queries_of(client, "/es" + GUIDE)[1]
    path = tmp_path / "es.json"
    entries = [{"en": service.description, "text": "Una descripción nueva en español."}]
    path.write_text(json.dumps({"language": "es", "entries": entries}), encoding="utf-8")
    load_translations_file(path)
    assert "Una descripción nueva en español." in queries_of(client, "/es" + GUIDE)[1]


def test_an_hsds_import_is_seen_at_once(client: Client, tmp_path: Path) -> None:
    data = json.loads((DATA / "hsds" / "service_full.json").read_text())
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_hsds", str(path), stdout=None)
    url = Service.objects.get(name=data["name"]).get_absolute_url()
    assert data["name"] in queries_of(client, url)[1]
    data["name"] = "Test Street Clinic, renamed"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_hsds", str(path), stdout=None)
    assert "Test Street Clinic, renamed" in queries_of(client, url)[1]


def test_a_national_data_set_is_seen_at_once(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "hrsa-2020.csv"
    shutil.copy(DATA / "datasets" / "hrsa-2020-sample.csv", path)
    import_dataset("hrsa", path)
    url = Service.objects.get(name="Harbor Point Family Health Center").get_absolute_url()
    assert "203-555-0101" in queries_of(client, url)[1]
    path.write_text(path.read_text().replace("203-555-0101", "203-555-0177"))
    import_dataset("hrsa", path)
    assert "203-555-0177" in queries_of(client, url)[1]


def test_a_readers_report_is_seen_at_once(client: Client) -> None:
    fact = a_service_fact()
    assert "a reader reported" not in queries_of(client, GUIDE)[1]
    response = client.post(
        f"/report/{fact.pk}/", {"what_is_wrong": "The clinic has moved.", "kind": "reader"}
    )
    assert response.status_code == 200, response.content.decode()
    assert "a reader reported this may be out of date" in queries_of(client, GUIDE)[1]


def test_a_comment_is_seen_once_approved(client: Client) -> None:
    post = client.post(GUIDE + "comment/", {"body": "This guide helped me find a clinic."})
    assert post.status_code == 200
    assert "helped me find a clinic" not in queries_of(client, GUIDE)[1]
    moderate(list(Comment.objects.all()), Status.APPROVED, "moderator1")
    assert "helped me find a clinic" in queries_of(client, GUIDE)[1]
    moderate(list(Comment.objects.all()), Status.REJECTED, "moderator1")
    assert "helped me find a clinic" not in queries_of(client, GUIDE)[1]

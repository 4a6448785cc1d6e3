"""Importers of public national data sets (HRSA, hospitals, LSC): what they import, leave out
and refuse, what loading a newer file does, and how `load_demo` finds the files.

The files in tests/data/datasets/ are invented rows in the publishers' layouts.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.http import QueryDict
from django.test import Client, override_settings

from waypost.datasets import checks
from waypost.datasets.demo import load_demo
from waypost.datasets.errors import DataFileError
from waypost.datasets.national import dataset_files, hospitals, hrsa, import_dataset, lsc
from waypost.datasets.national.common import (
    ADMINISTRATIVE,
    ALREADY_LISTED,
    CLOSED_SETTING,
    DENTAL,
    FACT_NOTE,
    MOBILE,
    NO_NAME,
    NO_STATE,
    NOT_A_PHONE,
    NOT_ACTIVE,
    OUTSIDE_STATE,
    SCHOOL,
    NotAPhone,
    Summary,
    not_walk_in,
    phone,
)
from waypost.datasets.national.places import Gazetteer
from waypost.directory.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from waypost.directory.services import hotline_ids, locations_near
from waypost.evidence.models import Check, Citation, Fact, Outcome, Source, Status
from waypost.evidence.services import record_check
from waypost.places.models import Place
from waypost.search.services import SearchQuery, search
from waypost.translations.models import Translation, text_key

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "datasets"
HRSA_2020 = DATA / "hrsa-2020-sample.csv"
HRSA_DOWNLOAD = DATA / "hrsa-download-sample.csv"
HOSPITALS = DATA / "hospitals-sample.csv"
LSC = DATA / "lsc-sample.json"

COUNTED: list[type[Model]] = [
    Source,
    Fact,
    Citation,
    Check,
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    ServiceArea,
    Phone,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def left_out(summary: Summary) -> dict[int, str]:
    return {item.line: item.reason for item in summary.left_out}


def service(name: str) -> Service:
    return Service.objects.select_related("fact", "organization").get(name=name)


def location_of(s: Service) -> Location:
    return s.at_locations.select_related("location__address", "location__place").get().location


def write_csv(path: Path, source: Path, replace: dict[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def without_row(path: Path, source: Path, naming: str) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if naming not in line]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    return path


# -- HRSA -------------------------------------------------------------------------------


def test_hrsa_sites_become_primary_care_services_citing_their_data_set_unchecked() -> None:
    summary = import_dataset("hrsa", HRSA_2020)

    assert summary.rows == 16
    assert (summary.added, summary.updated, summary.unchanged, summary.merged) == (6, 0, 0, 1)
    assert left_out(summary) == {
        5: SCHOOL,
        6: DENTAL,
        7: MOBILE,
        8: ADMINISTRATIVE,
        9: NO_NAME,
        10: OUTSIDE_STATE,
        11: NOT_A_PHONE,
        14: NO_STATE,
        16: ALREADY_LISTED,
    }
    clinic = service("Harbor Point Family Health Center")
    assert clinic.description == hrsa.DESCRIPTION
    assert [c.code for c in clinic.categories.all()] == ["primary-care"]
    assert [a.code for a in clinic.attributes.all()] == ["low-cost"]
    assert clinic.status == "active" and clinic.dataset == "hrsa"
    # The two rows of one site are one service with both numbers.
    assert sorted((p.number, p.extension) for p in clinic.phones.all()) == [
        ("203-555-0101", None),
        ("203-555-0102", 12),
    ]
    where = location_of(clinic)
    assert (where.latitude, where.longitude) == (41.098, -73.415)
    assert where.place is not None and where.place.path == "us/ct/norwalk"
    assert str(where.address) == "14 Harbor Point Rd, Norwalk, CT"

    fact = clinic.fact
    assert fact.status() == Status.UNCHECKED
    assert not fact.checks.exists()
    assert fact.note == FACT_NOTE
    (citation,) = fact.citations.select_related("source")
    assert citation.source.key == "dataset-hrsa-2020"
    assert citation.source.url == hrsa.DOWNLOAD_PAGE
    assert citation.source.as_of == "2020"
    for number in clinic.phones.select_related("fact"):
        assert number.fact.status() == Status.UNCHECKED
        assert list(number.fact.sources.values_list("key", flat=True)) == ["dataset-hrsa-2020"]


def test_hrsa_one_place_is_one_location_and_names_are_made_readable() -> None:
    import_dataset("hrsa", HRSA_2020)
    clinic = service("Harbor Point Family Health Center")
    # Another organisation at the same point and address shares the location; "&amp;" is "&".
    neighbour = service("Westside Women & Family Clinic")
    assert location_of(neighbour) == location_of(clinic)
    # A site named only by its address says what it is.
    assert service("Health center at 45 Market Street").organization.name == (
        "Health center at 45 Market Street"
    )
    # A site with no phone in the file gets none made up.
    assert not service("Quiet Clinic").phones.exists()
    riverbend = service("Riverbend Health Center")
    assert [p.number for p in riverbend.phones.all()] == ["(203) 555-0117"]


def test_a_site_the_editors_already_list_is_left_out_naming_their_record() -> None:
    summary = import_dataset("hrsa", HRSA_2020)
    (item,) = [i for i in summary.left_out if i.line == 16]
    # The demo lists it at "120 Connecticut Avenue"; the file writes "120 Connecticut Ave".
    assert "Norwalk Community Health Center" in item.detail
    assert not Service.objects.filter(name="Connecticut Avenue Health Center").exists()


def test_the_command_prints_the_summary_and_each_row_left_out() -> None:
    out = StringIO()
    call_command("import_dataset", "hrsa", str(HRSA_2020), stdout=out)
    text = out.getvalue()
    assert "16 rows read; 6 added, 0 updated, 0 unchanged, 0 no longer listed" in text
    assert "1 rows merged into another; 9 left out" in text
    assert "line 5: school-based site, not open to the public" in text
    assert "line 10: coordinates outside its state: (29.7600, -95.3700) is more than" in text
    assert "line 11: phone is not a phone number (ten digits): '555-0111'" in text
    assert "line 14: not in a state Waypost covers: PR" in text


def test_hrsa_own_download_is_read_by_its_column_names() -> None:
    summary = import_dataset("hrsa", HRSA_DOWNLOAD)
    assert summary.added == 1
    assert left_out(summary) == {
        3: NOT_ACTIVE,
        4: ADMINISTRATIVE,
        5: SCHOOL,
        6: MOBILE,
        7: CLOSED_SETTING,
    }
    clinic = service("Harbor Point Family Health Center")
    assert clinic.organization.name == "HARBOR POINT HEALTH INC"
    assert clinic.url == "https://www.harbor-point.example.org"
    assert location_of(clinic).address.postal_code == "06851"
    # The date HRSA wrote into its file is the date of the data.
    (source,) = clinic.fact.sources.all()
    assert (source.key, source.as_of) == ("dataset-hrsa-2026-07-03", "2026-07-03")
    assert source.title == "Health Center Service Delivery and Look-Alike Sites"


# -- loading again and loading a newer file ------------------------------------------------


def test_loading_the_same_file_again_changes_nothing() -> None:
    first = import_dataset("hrsa", HRSA_2020)
    before = counts()
    again = import_dataset("hrsa", HRSA_2020)
    assert counts() == before
    assert (again.added, again.updated, again.no_longer_listed) == (0, 0, 0)
    assert again.unchanged == first.added


def test_a_newer_file_updates_adds_and_retires_keeping_facts_and_checks(tmp_path: Path) -> None:
    import_dataset("hrsa", HRSA_2020)
    clinic = service("Harbor Point Family Health Center")
    fact = clinic.fact
    record_check(
        fact,
        checked_on=dt.date.today(),
        checked_by="editor1",
        method="called the clinic",
        outcome=Outcome.CONFIRMED,
    )
    fact.note = "Editors' note: ask for the walk-in desk."
    fact.save()
    old_number = clinic.phones.get(number="203-555-0101")
    bayou = service("Bayou Community Clinic")

    newer = write_csv(
        tmp_path / "hrsa-2026.csv",
        HRSA_2020,
        {
            "203-555-0101": "203-555-0150",
            "Bayou Community Clinic,TX,Harris County,Houston,1200 Bayou Ln": (
                "Magnolia Health Center,TX,Harris County,Houston,1300 Magnolia St"
            ),
        },
    )
    summary = import_dataset("hrsa", newer, as_of="2026")
    assert (summary.added, summary.updated, summary.no_longer_listed) == (1, 1, 1)
    assert summary.unchanged == 4

    clinic.refresh_from_db()
    fact.refresh_from_db()
    assert clinic.fact_id == fact.pk
    assert fact.status() == Status.CHECKED and fact.checks.count() == 1
    assert fact.note == "Editors' note: ask for the walk-in desk."
    # The fact now cites the newer file, not the older one.
    assert list(fact.sources.values_list("key", flat=True)) == ["dataset-hrsa-2026"]
    # A changed number is a new, unchecked fact; the old number's fact stays for the editors.
    new_number = clinic.phones.get(number="203-555-0150")
    assert new_number.fact.status() == Status.UNCHECKED
    assert not Phone.objects.filter(pk=old_number.pk).exists()
    assert Fact.objects.filter(pk=old_number.fact_id).exists()

    bayou.refresh_from_db()
    assert bayou.status == "inactive"
    assert Fact.objects.filter(pk=bayou.fact_id).exists()
    assert service("Magnolia Health Center").status == "active"

    # Loading the older file again brings the clinic back.
    back = import_dataset("hrsa", HRSA_2020)
    bayou.refresh_from_db()
    assert bayou.status == "active"
    assert back.no_longer_listed == 1 and back.updated >= 2


def test_services_no_longer_listed_are_hidden_from_search_and_guides(
    tmp_path: Path, client: Client
) -> None:
    import_dataset("hrsa", HRSA_2020)
    import_dataset("hospitals", HOSPITALS)
    houston = Place.objects.get(path="us/tx/houston")
    assert houston.latitude is not None and houston.longitude is not None

    def found() -> set[str]:
        query = SearchQuery.from_params(QueryDict("near=us/tx/houston&radius=10"))
        return {r.service.name for r in search(query).results}

    assert {"Bayou Community Clinic", "BAYOU GENERAL HOSPITAL"} <= found()
    assert "BAYOU GENERAL HOSPITAL" in client.get("/us/tx/houston/").content.decode()

    import_dataset("hrsa", without_row(tmp_path / "hrsa.csv", HRSA_2020, "Bayou Community"))
    import_dataset("hospitals", without_row(tmp_path / "h.csv", HOSPITALS, "BAYOU GENERAL"))
    gone = {"Bayou Community Clinic", "BAYOU GENERAL HOSPITAL"}
    assert not gone & found()
    near = locations_near(houston.latitude, houston.longitude, 10)
    assert not Service.objects.filter(pk__in=near, name__in=gone).exists()
    assert "BAYOU GENERAL HOSPITAL" not in client.get("/us/tx/houston/").content.decode()


# -- hospitals ---------------------------------------------------------------------------


def test_only_general_and_critical_access_hospitals_are_imported() -> None:
    summary = import_dataset("hospitals", HOSPITALS)
    assert summary.added == 4
    assert left_out(summary) == {5: hospitals.NOT_EMERGENCY, 7: NO_STATE}
    assert "PSYCHIATRIC" in str(summary.left_out[0])

    general = service("BAYOU GENERAL HOSPITAL")
    assert general.dataset_key == "hifld-9000001"
    assert [c.code for c in general.categories.all()] == ["sexual-assault"]
    assert general.description == hospitals.DESCRIPTION
    # The file has no phone numbers: none is made up.
    assert not Phone.objects.filter(service__dataset="hospitals").exists()
    # No HIFLD id: CovidCareMap's own id keys the record.
    assert service("HARBOR EAST HOSPITAL").dataset_key == "ccm-77001234"
    address = location_of(service("SOUND SHORE HOSPITAL")).address
    # A ZIP code read as a number upstream gets its leading zero back; a PO box is no door.
    assert (address.postal_code, address.address_2, address.city) == ("06850", "", "Norwalk")
    (source,) = general.fact.sources.all()
    assert (source.url, source.as_of) == (hospitals.HIFLD_PAGE, "2020")


def test_a_city_guide_lists_imported_hospitals_after_an_assault_nearest_first(
    client: Client,
) -> None:
    import_dataset("hospitals", HOSPITALS)
    page = client.get("/us/tx/houston/").content.decode()
    answer = page[page.index('id="after-assault"') :]
    answer = answer[: answer.index("</article>")]
    nearest, farther = answer.index("BAYOU GENERAL HOSPITAL"), answer.index("PRAIRIE VIEW")
    assert nearest < farther
    assert "ask for a forensic exam by a SANE nurse" in answer
    # The editors' note stays with the editors; readers get the data set's age instead.
    assert FACT_NOTE not in answer
    assert "not checked by Waypost since. Call first." in answer
    # In Spanish, the description and the age are translated.
    spanish = client.get("/es/us/tx/houston/").content.decode()
    assert "pida un examen forense" in spanish
    assert "Waypost no lo ha revisado desde entonces. Llame" in spanish


# -- LSC ---------------------------------------------------------------------------------


def test_legal_aid_programs_serve_their_state_by_phone() -> None:
    summary = import_dataset("lsc", LSC)
    assert summary.added == 2
    assert left_out(summary) == {4: NO_STATE, 5: NOT_A_PHONE, 6: NO_NAME}

    gulf = service("Gulf Coast Legal Aid")
    assert gulf.dataset_key == "TX-91|GULF COAST LEGAL AID"
    assert [c.code for c in gulf.categories.all()] == ["legal-help"]
    assert [a.code for a in gulf.attributes.all()] == ["free"]
    assert gulf.description == lsc.DESCRIPTION
    assert gulf.url == gulf.organization.website == "https://gulf-coast-legal.example.org"
    assert [a.place.path for a in gulf.areas.select_related("place")] == ["us/tx"]
    assert not gulf.at_locations.exists()
    # Main and toll-free numbers, never the fax.
    assert sorted((p.number, p.description) for p in gulf.phones.all()) == [
        ("(713) 555-0198", ""),
        ("(800) 555-0199", lsc.TOLL_FREE),
    ]
    # The same number twice is one phone.
    assert service("Nutmeg Legal Services").phones.count() == 1
    assert service("Nutmeg Legal Services").organization.website == (
        "https://nutmeg-legal.example.org"
    )
    # Like a statewide hotline, it shows on the guides of the state's cities.
    houston = Place.objects.get(path="us/tx/houston")
    assert gulf.pk in hotline_ids(houston.jurisdiction_chain())
    (source,) = gulf.fact.sources.all()
    assert (source.url, source.as_of) == (lsc.GRANTEES_PAGE, "2024")


def test_editors_find_imported_records_by_their_data_set_and_see_their_key(as_role: Any) -> None:
    import_dataset("lsc", LSC)
    editor = as_role("editor")
    listing = editor.get("/editors/directory/service/?dataset=lsc").content.decode()
    assert "Gulf Coast Legal Aid" in listing
    assert "National Sexual Assault Hotline" not in listing
    # Every choice of the filter has a name (an empty link fails accessibility checks).
    assert '<a href="?dataset=">' not in listing and "none (typed by editors)" in listing
    typed = editor.get("/editors/directory/service/?dataset=none").content.decode()
    assert "National Sexual Assault Hotline" in typed and "Gulf Coast Legal Aid" not in typed
    gulf = service("Gulf Coast Legal Aid")
    page = editor.get(f"/editors/directory/service/{gulf.pk}/change/").content.decode()
    assert "TX-91|GULF COAST LEGAL AID" in page
    assert 'name="dataset_key"' not in page


# -- refused files -----------------------------------------------------------------------


def test_a_file_of_another_data_set_is_refused_saying_which() -> None:
    before = counts()
    with pytest.raises(DataFileError) as caught:
        import_dataset("hrsa", HOSPITALS)
    assert "hospitals (HIFLD) file, not hrsa: import it as hospitals" in str(caught.value)
    assert counts() == before


def test_a_file_of_no_known_layout_is_refused_naming_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,city,zip\nA clinic,Norwalk,06850\n", encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_dataset", "hrsa", str(path), stdout=StringIO())
    message = str(caught.value)
    assert "needs the columns address, lat, lon, phone, st_abbr" in message
    assert "nothing was imported" in message
    assert counts() == before


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"),
    [
        (
            "hrsa",
            "bad-utf8.csv",
            HRSA_2020.read_bytes().replace(b"Westside", b"West\xffside"),
            "line 4: is not UTF-8 text",
        ),
        (
            "hrsa",
            "huge.csv",
            HRSA_2020.read_bytes().replace(b"Westside", b"W" * 3000),
            "line 4, field 'name': is longer than 2,000 characters",
        ),
        (
            "hrsa",
            "short-row.csv",
            HRSA_2020.read_bytes().replace(b",Yes,POINT (-73.41000 41.11000)", b""),
            "line 11: has 8 cells where the header has 10",
        ),
        (
            "hrsa",
            "quote.csv",
            HRSA_2020.read_bytes().replace(b'"5 River St, Suite 2"', b'"5 River St, Suite 2'),
            "line 17: is not valid CSV",
        ),
        (
            "lsc",
            "bad.json",
            LSC.read_bytes().replace(b'"TX-91"},', b'"TX-91"}'),
            "line 3, column 3: is not valid JSON",
        ),
        (
            "lsc",
            "number.json",
            LSC.read_bytes().replace(b'"Phone":"(203) 555-0196"', b'"Phone":2035550196'),
            "line 3, field 'Phone': must be text, not int",
        ),
        ("lsc", "object.json", json.dumps({"programs": []}).encode(), "must hold a JSON list"),
        ("lsc", "list.json", b'[\n  ["not", "a record"]\n]', "line 2: is not a JSON object"),
    ],
)
def test_unreadable_files_are_refused_with_their_line_and_nothing_is_written(
    tmp_path: Path, kind: str, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_dataset", kind, str(path), stdout=StringIO())
    assert expected in str(caught.value)
    assert counts() == before


def test_a_bad_date_of_the_data_is_refused() -> None:
    with pytest.raises(CommandError, match="--as-of '2026/07' is not YYYY"):
        call_command("import_dataset", "lsc", str(LSC), "--as-of", "2026/07", stdout=StringIO())


# -- the rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "places", "reason"),
    [
        ("Lincoln Elementary School Based Health Center", [], SCHOOL),
        ("PS 243 School-Based Health Center", [], SCHOOL),
        ("Stamford Academy SBHC", [], SCHOOL),
        ("School Street Health Center", [], None),
        ("Valley Junior College - Student Health Services Clinic", [], SCHOOL),
        ("Harbor Point Dental Clinic", [], DENTAL),
        ("Kimberly Medical and Dental Clinic", [], None),
        ("Seneca Health Center and Dental Clinic", [], None),
        ("Mobile Van #2", [], MOBILE),
        ("Highlands Health Van", [], MOBILE),
        ("Eisner Health at Van Nuys", [], None),
        ("West Mobile Family Medical Center", ["Mobile", "Mobile County"], None),
        ("PCC Administrative Office", [], ADMINISTRATIVE),
        ("Tepeyac Behavioral Health Clinic and Administrative Office", [], None),
        ("Temporary Site - Fairground Test Site", [], "temporary site"),
        ("St. Patrick's Women's Shelter", [], CLOSED_SETTING),
        ("Harbor Point Family Health Center", ["Norwalk"], None),
    ],
)
def test_names_of_sites_a_reader_cannot_walk_into(
    name: str, places: list[str], reason: str | None
) -> None:
    assert not_walk_in(name, places) == reason


def test_phone_numbers_have_ten_digits() -> None:
    assert phone("203-899-1770 x121") == phone("203-899-1770 ext. 121")
    parsed = phone("203-899-1770 x121")
    assert parsed is not None and (parsed.number, parsed.extension) == ("203-899-1770", 121)
    one = phone("1-800-336-2262")
    assert one is not None and one.digits == "8003362262"
    assert phone("") is None and phone(None) is None
    for bad in ("555-0111", "(713) 555-01", "call the front desk", "203-555-0101-99"):
        with pytest.raises(NotAPhone):
            phone(bad)


def test_a_point_counts_as_outside_its_state_only_when_it_clearly_is() -> None:
    gazetteer = Gazetteer()
    assert gazetteer.outside("CT", 41.098, -73.415) is None
    # A remote Alaskan village lies far from every gazetteer point, but in no other state.
    assert gazetteer.outside("AK", 61.78, -156.59) is None
    far = gazetteer.outside("CT", 29.76, -95.37)
    assert far is not None and "more than 75 miles from Connecticut" in far
    # Newark, New Jersey, given as Connecticut.
    near = gazetteer.outside("CT", 40.7357, -74.1724)
    assert near is not None and "nearer to New Jersey" in near
    assert gazetteer.outside("CT", 0.0, 0.0) is not None


def test_a_row_is_placed_in_the_city_it_names_else_the_nearest() -> None:
    gazetteer = Gazetteer()
    # North Denver: nearer to Commerce City, whose ZIP codes also say "Denver".
    denver = gazetteer.city("CO", "Denver", 39.78853, -104.98642)
    assert denver is not None and denver.name == "Denver"
    nearest = gazetteer.city("CT", "Harbor Point", 41.098, -73.415)
    assert nearest is not None and nearest.name == "East Norwalk"


# -- loading with the demo -----------------------------------------------------------------


def test_load_demo_imports_the_data_set_files_of_the_folder(tmp_path: Path) -> None:
    for source, name in (
        (LSC, "lsc-programs.json"),
        (HOSPITALS, "hospitals-2020.csv"),
        (HRSA_2020, "hrsa-2020.csv"),
    ):
        shutil.copy(source, tmp_path / name)
    (tmp_path / "SOURCE.md").write_text("Where these files come from.\n", encoding="utf-8")
    assert [kind for kind, _path in dataset_files(tmp_path)] == ["hrsa", "hospitals", "lsc"]

    with override_settings(DATASETS_DIR=tmp_path):
        lines = load_demo(gazetteer=False)
    assert any(line.startswith("hrsa-2020.csv (hrsa, data as of 2020): 16 rows") for line in lines)
    assert any(line.startswith("lsc-programs.json (lsc") for line in lines)
    assert Service.objects.filter(dataset="hospitals").count() == 4

    with override_settings(DATASETS_DIR=tmp_path):
        load_demo(gazetteer=False, datasets=False)
    assert Service.objects.filter(dataset="hospitals").count() == 4


def test_the_tests_demo_has_no_national_data_set() -> None:
    # Loaded once per session with datasets=False, whatever WAYPOST_DATASETS_DIR says.
    assert not Service.objects.exclude(dataset="").exists()


def test_a_datasets_folder_that_is_not_a_folder_stops_start_up(tmp_path: Path) -> None:
    with override_settings(DATASETS_DIR=tmp_path / "missing"):
        (error,) = checks.datasets_folder()
    assert error.id == "waypost.E011" and "WAYPOST_DATASETS_DIR" in error.msg
    with override_settings(DATASETS_DIR=tmp_path):
        assert checks.datasets_folder() == []
    with override_settings(DATASETS_DIR=None):
        assert checks.datasets_folder() == []


def test_what_readers_see_of_imported_records_is_translated() -> None:
    shown = (hrsa.DESCRIPTION, hospitals.DESCRIPTION, lsc.DESCRIPTION, FACT_NOTE, lsc.TOLL_FREE)
    for text in shown:
        assert Translation.objects.filter(language="es", source_key=text_key(text)).exists(), text

"""HRSA Health Center Program sites (federally qualified health centers and look-alikes).

Two layouts are read: the late-2020 list as the US Covid Atlas republished it (columns
name, st_abbr, county, city, address, phone, testing_status, geometry, lon, lat) and HRSA's
own current download, "Health Center Service Delivery and Look-Alike Sites"
(Health_Center_Service_Delivery_and_LookAlike_Sites.csv on data.hrsa.gov).

Each site a reader can walk into becomes a primary care service at its address. Health
centers must offer care on a sliding fee scale to anyone, whatever they can pay; the files
list no services, so testing is something to ask about, not a listed category.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from waypost.datasets.national.common import (
    ADMINISTRATIVE,
    CLOSED_SETTING,
    MOBILE,
    NO_STATE,
    NOT_A_PHONE,
    NOT_ACTIVE,
    SCHOOL,
    Batch,
    LeftOut,
    NotAPhone,
    Site,
    SourceSpec,
    clean,
    judge,
    key_text,
    not_walk_in,
    phone,
    site_name,
    web_address,
)
from waypost.datasets.national.files import Format, Row, Table
from waypost.datasets.national.places import Gazetteer, put, where
from waypost.datasets.national.writer import source_key

KIND = "hrsa"
# Where HRSA offers the current file ("Health Center Service Delivery and Look-Alike Sites").
DOWNLOAD_PAGE = "https://data.hrsa.gov/data/download"
PUBLISHER = "Health Resources and Services Administration (HRSA)"
DESCRIPTION = (
    "Primary care on a sliding fee scale for anyone, whatever they can pay. "
    "Ask about STI and HIV testing."
)
CATEGORIES = ("primary-care",)
# The sliding fee scale: low cost for people with low incomes.
ATTRIBUTES = ("low-cost",)

COVID_ATLAS = Format(
    KIND,
    "HRSA health center sites of 2020 (US Covid Atlas copy)",
    frozenset({"name", "st_abbr", "city", "address", "phone", "lon", "lat"}),
)

# HRSA's column names, as they head Health_Center_Service_Delivery_and_LookAlike_Sites.csv.
# Read from the field aliases of a copy of that CSV published on ArcGIS Online (layer
# "Health_Center_Service_Delivery_and_LookAlike_Sites.csv") and from public code that
# reads HRSA's download; only names both confirm are used.
SITE_NAME = "Site Name"
SITE_ADDRESS = "Site Address"
SITE_CITY = "Site City"
SITE_STATE = "Site State Abbreviation"
SITE_POSTAL_CODE = "Site Postal Code"
SITE_PHONE = "Site Telephone Number"
SITE_WEB = "Site Web Address"
SITE_STATUS = "Site Status Description"
LONGITUDE = "Geocoding Artifact Address Primary X Coordinate"
LATITUDE = "Geocoding Artifact Address Primary Y Coordinate"
HEALTH_CENTER = "Health Center Name"
SITE_TYPE = "Health Center Type Description"
SETTING = "Health Center Service Delivery Site Location Setting Description"
LOCATION_TYPE = "Health Center Location Type Description"
COUNTY = "Complete County Name"
CREATED = "Data Warehouse Record Create Date"

HRSA_DOWNLOAD = Format(
    KIND,
    "HRSA Health Center Service Delivery and Look-Alike Sites",
    frozenset({SITE_NAME, SITE_ADDRESS, SITE_CITY, SITE_STATE, SITE_PHONE, LONGITUDE, LATITUDE}),
)
FORMATS = (COVID_ATLAS, HRSA_DOWNLOAD)


@dataclass(frozen=True)
class _Columns:
    name: str
    address: str
    city: str
    state: str
    phone: str
    latitude: str
    longitude: str
    county: str
    postal_code: str = ""
    web: str = ""
    organization: str = ""


COLUMNS = {
    COVID_ATLAS: _Columns("name", "address", "city", "st_abbr", "phone", "lat", "lon", "county"),
    HRSA_DOWNLOAD: _Columns(
        SITE_NAME,
        SITE_ADDRESS,
        SITE_CITY,
        SITE_STATE,
        SITE_PHONE,
        LATITUDE,
        LONGITUDE,
        COUNTY,
        SITE_POSTAL_CODE,
        SITE_WEB,
        HEALTH_CENTER,
    ),
}


def _settings_problem(row: Row) -> str | None:
    """What HRSA's own columns say about a site a reader cannot walk into."""
    status = clean(row.get(SITE_STATUS))
    if status and status.lower() != "active":
        return NOT_ACTIVE
    if clean(row.get(SITE_TYPE)).lower() == "administrative":
        return ADMINISTRATIVE
    setting = clean(row.get(SETTING)).lower()
    if "school" in setting:
        return SCHOOL
    if any(w in setting for w in ("correctional", "domestic violence", "nursing home")):
        return CLOSED_SETTING
    if "mobile" in clean(row.get(LOCATION_TYPE)).lower():
        return MOBILE
    return None


def shown_name(name: str, street: str) -> str:
    """Some sites are named only by their address ("120 Connecticut Avenue, Norwalk, CT"):
    say what they are."""
    number = re.match(r"\d+", name)
    if number and street.startswith(number.group() + " "):
        return f"Health center at {name}"
    return name


def read(fmt: Format, table: Table, gazetteer: Gazetteer, as_of: str | None) -> Batch:
    columns = COLUMNS[fmt]
    merged_sites, left_out, merged = judge(table.rows, lambda row: _site(row, columns, gazetteer))
    source = _source(fmt, table, as_of)
    return Batch(KIND, table.file, source, len(table.rows), merged_sites, left_out, merged)


def _site(row: Row, columns: _Columns, gazetteer: Gazetteer) -> Site | LeftOut:
    line = row.line
    name = site_name(line, row.get(columns.name))
    if isinstance(name, LeftOut):
        return name
    state = clean(row.get(columns.state)).upper()
    if gazetteer.state(state) is None:
        return LeftOut(line, NO_STATE, name, state or "no state")
    city = clean(row.get(columns.city))
    county = clean(row.get(columns.county))
    problem = _settings_problem(row) or not_walk_in(name, [city, county])
    if problem is not None:
        return LeftOut(line, problem, name)
    try:
        number = phone(row.get(columns.phone))
    except NotAPhone as exc:
        return LeftOut(line, NOT_A_PHONE, name, str(exc))
    located = where(
        gazetteer,
        line,
        name,
        state,
        row.get(columns.latitude),
        row.get(columns.longitude),
        city,
    )
    if isinstance(located, LeftOut):
        return located
    street = clean(row.get(columns.address))
    shown = shown_name(name, street)
    organization = clean(row.get(columns.organization)) if columns.organization else ""
    postal = re.match(r"\d{5}", clean(row.get(columns.postal_code)) if columns.postal_code else "")
    site = Site(
        line=line,
        key="|".join((key_text(name), key_text(street), key_text(city), state)),
        name=shown,
        # Waypost knows an organisation by its name, as the facts loader does.
        organization=(organization or shown)[:200],
        description=DESCRIPTION,
        categories=CATEGORIES,
        attributes=ATTRIBUTES,
        phones=[number] if number else [],
        url=web_address(row.get(columns.web)) if columns.web else "",
        fact_label=f"{shown} (HRSA health center site, {city}, {state})",
    )
    return put(
        site,
        located,
        street=street,
        city=city,
        state=state,
        postal_code=postal.group() if postal else "",
    )


def _source(fmt: Format, table: Table, as_of: str | None) -> SourceSpec:
    if fmt is COVID_ATLAS:
        as_of = as_of or "2020"
        title = (
            "Health center sites of the HRSA Health Center Program, late 2020 "
            "(as republished by the US Covid Atlas)"
        )
    else:
        as_of = as_of or _file_date(table) or str(dt.date.today().year)
        title = "Health Center Service Delivery and Look-Alike Sites"
    return SourceSpec(source_key(KIND, as_of), DOWNLOAD_PAGE, title, PUBLISHER, as_of)


def _file_date(table: Table) -> str:
    """The date HRSA wrote the file's records (most rows carry the same), as YYYY-MM-DD."""
    dates: Counter[str] = Counter()
    for row in table.rows:
        text = clean(row.get(CREATED))
        for pattern in ("%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d"):
            try:
                dates[dt.datetime.strptime(text[:10], pattern).date().isoformat()] += 1
                break
            except ValueError:
                continue
    return dates.most_common(1)[0][0] if dates else ""

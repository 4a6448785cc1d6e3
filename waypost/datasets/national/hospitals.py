"""U.S. hospitals: the Homeland Infrastructure Foundation-Level Data (HIFLD) hospitals layer,
as CovidCareMap.org compiled it in 2020 (with bed counts from CMS cost reports).

Only general acute care and critical access hospitals are imported: they are the ones with
an emergency department in most cases, where a reader can go after an assault.
Psychiatric, rehabilitation, long-term care, military and other hospitals are left out.
The file has no phone numbers, and none is made up.
"""

from __future__ import annotations

import re

from waypost.datasets.national.common import (
    NO_STATE,
    Batch,
    LeftOut,
    Site,
    SourceSpec,
    clean,
    judge,
    site_name,
)
from waypost.datasets.national.files import Format, Row, Table
from waypost.datasets.national.places import Gazetteer, put, where
from waypost.datasets.national.writer import source_key

KIND = "hospitals"
# The HIFLD hospitals layer, where the federal data behind CovidCareMap's file is offered.
HIFLD_PAGE = "https://hifld-geoplatform.opendata.arcgis.com/datasets/geoplatform::hospitals/about"
PUBLISHER = (
    "Homeland Infrastructure Foundation-Level Data (HIFLD), U.S. Department of Homeland Security"
)
DESCRIPTION = (
    "Hospital; most have an emergency department. After an assault, ask for a forensic "
    "exam by a SANE nurse (a nurse trained to care for people after sexual assault)."
)
CATEGORIES = ("sexual-assault",)
WITH_EMERGENCY_DEPARTMENT = frozenset({"GENERAL ACUTE CARE", "CRITICAL ACCESS"})
NOT_EMERGENCY = "not a general acute care or critical access hospital"
NO_ID = "no HIFLD or CovidCareMap id"

COVIDCAREMAP = Format(
    KIND,
    "CovidCareMap hospitals (HIFLD)",
    frozenset(
        {
            "Name",
            "Hospital Type",
            "Address",
            "City",
            "State",
            "Zipcode",
            "Latitude",
            "Longitude",
            "CCM_ID",
            "HIFLD-ID",
        }
    ),
)
FORMATS = (COVIDCAREMAP,)
# A second address line that is a post office box is no door to walk to.
_PO_BOX = re.compile(r"^\s*P\.?\s*O\.?\s*BOX\b", re.IGNORECASE)


def _key(row: Row) -> str:
    hifld = clean(row.get("HIFLD-ID"))
    if hifld.isdigit():
        return f"hifld-{hifld}"
    ccm = clean(row.get("CCM_ID"))
    return f"ccm-{ccm}" if ccm and ccm.lower() != "nan" else ""


def _zip(text: str) -> str:
    # Read as a number somewhere upstream: "1915" is Beverly, Massachusetts, 01915.
    digits = clean(text).split("-")[0].split(".")[0]
    return digits.zfill(5) if digits.isdigit() and 3 <= len(digits) <= 5 else ""


def read(fmt: Format, table: Table, gazetteer: Gazetteer, as_of: str | None) -> Batch:
    merged_sites, left_out, merged = judge(table.rows, lambda row: _site(row, gazetteer))
    as_of = as_of or "2020"
    source = SourceSpec(
        source_key(KIND, as_of),
        HIFLD_PAGE,
        f"Hospitals (HIFLD), as compiled by CovidCareMap.org, {as_of}",
        PUBLISHER,
        as_of,
    )
    return Batch(KIND, table.file, source, len(table.rows), merged_sites, left_out, merged)


def _site(row: Row, gazetteer: Gazetteer) -> Site | LeftOut:
    line = row.line
    name = site_name(line, row.get("Name"))
    if isinstance(name, LeftOut):
        return name
    kind = clean(row.get("Hospital Type")).upper()
    if kind not in WITH_EMERGENCY_DEPARTMENT:
        return LeftOut(line, NOT_EMERGENCY, name, kind or "no type")
    key = _key(row)
    if not key:
        return LeftOut(line, NO_ID, name)
    state = clean(row.get("State")).upper()
    if gazetteer.state(state) is None:
        return LeftOut(line, NO_STATE, name, state or "no state")
    city = clean(row.get("City"))
    located = where(gazetteer, line, name, state, row.get("Latitude"), row.get("Longitude"), city)
    if isinstance(located, LeftOut):
        return located
    street_2 = clean(row.get("Address_2"))
    site = Site(
        line=line,
        key=key,
        name=name,
        # Waypost knows an organisation by its name, as the facts loader does.
        organization=name,
        description=DESCRIPTION,
        categories=CATEGORIES,
        fact_label=f"{name} (hospital, {city}, {state})",
    )
    return put(
        site,
        located,
        street=clean(row.get("Address")),
        street_2="" if _PO_BOX.match(street_2) else street_2,
        city=city,
        state=state,
        postal_code=_zip(row.get("Zipcode")),
    )

"""Civil legal aid programs funded by the Legal Services Corporation (LSC).

The file (the program list behind LSC's map of its grantees, as the `docassemble.lscrefer`
package ships it) has one row per program: its legal name, web site, main and toll-free
phones, fax, and LSC service area ("NC-5": the state and a number). Which program serves
which county is not in it, so each program is listed for the whole state of its service
area, reached by phone, like the statewide hotlines. The fax is not imported.
"""

from __future__ import annotations

import re

from waypost.datasets.national.common import (
    NO_STATE,
    NOT_A_PHONE,
    Batch,
    LeftOut,
    NotAPhone,
    PhoneNumber,
    Site,
    SourceSpec,
    clean,
    judge,
    key_text,
    phone,
    site_name,
    web_address,
)
from waypost.datasets.national.files import Format, Row, Table
from waypost.datasets.national.places import Gazetteer
from waypost.datasets.national.writer import source_key

KIND = "lsc"
# LSC's page of its grantees (map and list), where the program list is published.
GRANTEES_PAGE = "https://www.lsc.gov/grants/our-grantees"
PUBLISHER = "Legal Services Corporation (LSC)"
TITLE = "LSC-funded civil legal aid programs"
# The year of the package that ships the file; a newer file is imported with --as-of.
AS_OF = "2024"
DESCRIPTION = (
    "Free legal help with civil problems (not criminal charges) for people with low "
    "incomes. It may help seal or clear a criminal record."
)
CATEGORIES = ("legal-help",)
ATTRIBUTES = ("free",)
TOLL_FREE = "Toll-free"
_TOLL_FREE_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})
_SERVICE_AREA = re.compile(r"^(?P<state>[A-Z]{2})-\d+$")
BAD_AREA = "service area is not written ST-number"

PROGRAMS = Format(
    KIND,
    "LSC programs",
    frozenset({"R_Legalname", "Web_URL", "Local_800", "Phone", "Serv_Area_ID"}),
)
FORMATS = (PROGRAMS,)


def read(fmt: Format, table: Table, gazetteer: Gazetteer, as_of: str | None) -> Batch:
    merged_sites, left_out, merged = judge(table.rows, lambda row: _site(row, gazetteer))
    as_of = as_of or AS_OF
    source = SourceSpec(source_key(KIND, as_of), GRANTEES_PAGE, TITLE, PUBLISHER, as_of)
    return Batch(KIND, table.file, source, len(table.rows), merged_sites, left_out, merged)


def _phones(row: Row) -> list[PhoneNumber]:
    main = phone(row.get("Phone"))
    second = phone(row.get("Local_800"))
    found = [main] if main else []
    if second is not None and (main is None or second.identity != main.identity):
        toll_free = second.digits[:3] in _TOLL_FREE_CODES
        found.append(PhoneNumber(second.number, second.extension, TOLL_FREE if toll_free else ""))
    return found


def _site(row: Row, gazetteer: Gazetteer) -> Site | LeftOut:
    line = row.line
    name = site_name(line, row.get("R_Legalname"))
    if isinstance(name, LeftOut):
        return name
    area = clean(row.get("Serv_Area_ID")).upper()
    match = _SERVICE_AREA.match(area)
    if match is None:
        return LeftOut(line, BAD_AREA, name, repr(area))
    state = gazetteer.state(match["state"])
    if state is None:
        return LeftOut(line, NO_STATE, name, match["state"])
    try:
        phones = _phones(row)
    except NotAPhone as exc:
        return LeftOut(line, NOT_A_PHONE, name, str(exc))
    web = web_address(row.get("Web_URL"))
    return Site(
        line=line,
        key=f"{area}|{key_text(name)}",
        name=name,
        organization=name,
        description=DESCRIPTION,
        categories=CATEGORIES,
        attributes=ATTRIBUTES,
        phones=phones,
        url=web,
        organization_website=web,
        fact_label=f"{name} (LSC-funded legal aid, service area {area})",
        state=match["state"],
        area_place_id=state.pk,
        area_description=f"LSC service area {area}",
    )

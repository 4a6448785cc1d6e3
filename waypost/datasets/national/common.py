"""What the importers of public national data sets share: the records they produce, the
rules for leaving a row out, phone numbers, text keys and the import's summary.

Each data set module (`hrsa`, `hospitals`, `lsc`) turns its file's rows into `Site`s or
`LeftOut`s with these rules; `writer` puts the sites into the directory.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# A row of a data set file, whatever its format.
R = TypeVar("R")

# The editors' note on every imported record. Readers are told the same in their own words:
# a fact resting only on an old data set shows the set's name and year and "Call first"
# (evidence.models.newest_outdated).
FACT_NOTE = "From a national data set that may be out of date. Call before you go."

# -- text -------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
# Spellings that differ between files and editors for one street ("Avenue" and "Ave").
_STREET_WORDS = {
    "AVENUE": "AVE",
    "STREET": "ST",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "SQUARE": "SQ",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "SUITE": "STE",
    "FLOOR": "FL",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}


def clean(text: str | None) -> str:
    """A cell as shown to readers: HTML entities decoded ("&amp;"), spaces collapsed."""
    return _SPACES.sub(" ", html.unescape(text or "")).strip()


def words(text: str) -> str:
    """Upper-case words only, '&' read as AND: what the leave-out rules match."""
    return _NOT_WORD.sub(" ", clean(text).upper().replace("&", " AND ")).strip()


def key_text(text: str) -> str:
    """The form two spellings of one name or street share, for keys and comparisons."""
    return " ".join(_STREET_WORDS.get(w, w) for w in words(text).split())


def web_address(text: str) -> str:
    """A usable http(s) address, or "" (a bare "www.example.org" gets a scheme)."""
    value = clean(text)
    if not value:
        return ""
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value if len(value) <= 500 else ""


# -- leaving out what a reader cannot walk into -----------------------------------------

SCHOOL = "school-based site, not open to the public"
DENTAL = "dental care only"
MOBILE = "mobile unit, no fixed door"
ADMINISTRATIVE = "administrative office"
TEMPORARY = "temporary site"
CLOSED_SETTING = "inside a shelter, jail, prison or nursing home, not open to the public"
NO_NAME = "no name"
NO_STATE = "not in a state Waypost covers"
NO_POINT = "no coordinates"
OUTSIDE_STATE = "coordinates outside its state"
NOT_A_PHONE = "phone is not a phone number (ten digits)"
NAME_TOO_LONG = "name longer than 200 characters"
ALREADY_LISTED = "already in the directory"
NOT_ACTIVE = "not active in the file"


@dataclass(frozen=True)
class NameRule:
    """Words in a site's name that say a reader cannot walk in for care there."""

    reason: str
    pattern: re.Pattern[str]
    # Words that say the site does more, e.g. "Medical and Dental Center".
    unless: re.Pattern[str] | None = None


# Every word and phrase the importers leave sites out for, in one place. Names are matched
# after `words()`: upper case, punctuation as spaces ("School-Based" is "SCHOOL BASED").
NAME_RULES: tuple[NameRule, ...] = (
    NameRule(
        SCHOOL,
        re.compile(
            r"\b(?:SCHOOLS?(?! (?:ST|STREET|RD|ROAD|AVE|AVENUE|LN|LANE|DR|DRIVE|HWY)\b)"
            r"|SCHOOLBASED?|SBHCS?|SBWC|ELEMENTARY|ELEM|ACADEMY|PRESCHOOL|HIGH SCHOOL"
            r"|PREPARATORY|STUDENT HEALTH|HEAD START|EARLY COLLEGE|(?:PS|MS|IS|JHS) \d+)\b"
        ),
    ),
    # "VAN" is a vehicle only at the end or before a number ("Mobile Van 2"), never in
    # "Van Nuys" or "Van Buren".
    NameRule(MOBILE, re.compile(r"\b(?:MOBILE|MMU|BUS|VAN(?= \d|$| PROGRAM\b| UNIT\b))\b")),
    NameRule(
        DENTAL,
        re.compile(r"\bDENTAL\b"),
        unless=re.compile(r"\b(?:MEDICAL|MEDICINE|PRIMARY|HEALTH (?:CENTER )?AND DENTAL)\b"),
    ),
    NameRule(
        ADMINISTRATIVE,
        re.compile(r"\b(?:ADMIN|ADMINISTRATIVE|ADMINISTRATION|CORPORATE|BILLING|HEADQUARTERS)\b"),
        unless=re.compile(
            r"\b(?:CLINIC|CLINICA|MEDICAL|MEDICINE|PRIMARY|PEDIATRICS?|PHARMACY|HEALTH CENTER)\b"
        ),
    ),
    NameRule(TEMPORARY, re.compile(r"\bTEMPORARY\b")),
    NameRule(
        CLOSED_SETTING,
        re.compile(
            r"\b(?:SHELTER|JAIL|PRISON|CORRECTIONAL|DETENTION|DOMESTIC VIOLENCE|SAFE HOUSE)\b"
        ),
    ),
)


def not_walk_in(name: str, place_names: Iterable[str] = ()) -> str | None:
    """Why a site cannot be walked into, judged by its name; None when nothing says so.

    The words of its city and county are taken out first: "West Mobile Family Medical
    Center" in Mobile, Alabama is not a mobile unit.
    """
    text = f" {words(name)} "
    for place in place_names:
        place_words = words(place).removesuffix(" COUNTY").strip()
        if place_words:
            text = text.replace(f" {place_words} ", " ")
    text = text.strip()
    for rule in NAME_RULES:
        if rule.pattern.search(text) and not (rule.unless and rule.unless.search(text)):
            return rule.reason
    return None


# -- phones -----------------------------------------------------------------------------

_EXTENSION = re.compile(r"^(?P<number>.*?)\s*(?:x|ext\.?|extension)\s*(?P<ext>\d+)\s*$", re.I)
# Longer "extensions" are something else (a second number run together); the main number
# still reaches the site.
MAX_EXTENSION_DIGITS = 6


class NotAPhone(ValueError):
    """The message is the cell as written."""


@dataclass(frozen=True)
class PhoneNumber:
    number: str
    extension: int | None = None
    description: str = ""

    @property
    def digits(self) -> str:
        return "".join(c for c in self.number if c.isdigit())[-10:]

    @property
    def identity(self) -> tuple[str, int | None]:
        return self.digits, self.extension


def phone(text: str | None, description: str = "") -> PhoneNumber | None:
    """A US phone number as written in the file, or None for an empty cell.

    Raises NotAPhone unless it has ten digits once punctuation (and an extension, and a
    leading country code 1) is set aside.
    """
    value = clean(text)
    if not value:
        return None
    extension = None
    match = _EXTENSION.match(value)
    if match:
        value = match["number"]
        if len(match["ext"]) <= MAX_EXTENSION_DIGITS:
            extension = int(match["ext"])
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or re.search(r"[^\d\s().+\-/]", value):
        raise NotAPhone(repr(clean(text)))
    return PhoneNumber(value.strip(" -/"), extension, description)


# -- records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    """The one `Source` every record of a data set file cites."""

    key: str
    url: str
    title: str
    publisher: str
    as_of: str


@dataclass
class Site:
    """One service to put in the directory, from one row (or several merged rows)."""

    line: int
    key: str
    name: str
    organization: str
    description: str
    categories: tuple[str, ...]
    attributes: tuple[str, ...] = ()
    phones: list[PhoneNumber] = field(default_factory=list)
    url: str = ""
    organization_website: str = ""
    fact_label: str = ""
    # A place a reader can walk into: its address and point...
    street: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_id: int | None = None
    timezone: str = ""
    # ...or, for a service reached by phone, the state it serves (a state's Place).
    area_place_id: int | None = None
    area_description: str = ""

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def location_key(self, decimals: int) -> tuple[object, ...]:
        """Rows with this key are one place: the same point (to `decimals`) and address."""
        assert self.latitude is not None and self.longitude is not None
        return (
            round(self.latitude, decimals),
            round(self.longitude, decimals),
            key_text(self.street),
            key_text(self.street_2),
            key_text(self.city),
            self.state,
        )

    def add_phones(self, phones: Iterable[PhoneNumber]) -> None:
        known = {p.identity for p in self.phones}
        for p in phones:
            if p.identity not in known:
                self.phones.append(p)
                known.add(p.identity)


@dataclass(frozen=True)
class LeftOut:
    line: int
    reason: str
    name: str = ""
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        named = f" ({self.name[:80]})" if self.name else ""
        return f"line {self.line}: {self.reason}{detail}{named}"


@dataclass
class Batch:
    """What one file holds, read and judged, before anything is written."""

    kind: str
    file: str
    source: SourceSpec
    rows: int
    sites: list[Site]
    left_out: list[LeftOut]
    merged: int = 0


MAX_NAME = 200


def site_name(line: int, raw: str | None) -> str | LeftOut:
    """The name a record is listed under, or why the row is left out (the rule of every
    data set: a name, and one that fits the directory)."""
    name = clean(raw)
    if not name:
        return LeftOut(line, NO_NAME)
    if len(name) > MAX_NAME:
        return LeftOut(line, NAME_TOO_LONG, name)
    return name


def judge(
    rows: Iterable[R], site: Callable[[R], Site | LeftOut]
) -> tuple[list[Site], list[LeftOut], int]:
    """Each row judged by the data set's rule, then sites that are one place merged: the
    sites, the rows left out (with why), and how many rows were merged into another."""
    sites: list[Site] = []
    left_out: list[LeftOut] = []
    for row in rows:
        judged = site(row)
        if isinstance(judged, LeftOut):
            left_out.append(judged)
        else:
            sites.append(judged)
    merged_sites, merged = merge(sites)
    return merged_sites, left_out, merged


def merge(sites: list[Site]) -> tuple[list[Site], int]:
    """One site per key: later rows with the same key add their phones to the first.

    Returns the sites and how many rows were folded into another.
    """
    by_key: dict[str, Site] = {}
    names: dict[str, set[str]] = {}
    merged = 0
    for site in sites:
        first = by_key.get(site.key)
        if first is None:
            by_key[site.key] = site
            names[site.key] = {site.name}
            continue
        merged += 1
        first.add_phones(site.phones)
        names[site.key].add(site.name)
    for key, site in by_key.items():
        if len(names[key]) > 1:
            # Several names for one service at one place: the organisation's is common to all.
            site.name = site.organization
    return list(by_key.values()), merged


# -- the summary --------------------------------------------------------------------------


@dataclass
class Summary:
    kind: str
    file: str
    source: SourceSpec
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    no_longer_listed: int = 0
    merged: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self, *, each_left_out: bool = True) -> list[str]:
        out = [
            f"{self.file} ({self.kind}, data as of {self.source.as_of}): {self.rows:,} rows read; "
            f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.no_longer_listed:,} no longer listed; {self.merged:,} rows merged into "
            f"another; {len(self.left_out):,} left out; {self.seconds:.1f} s"
        ]
        reasons = Counter(item.reason for item in self.left_out)
        out += [f"  left out, {n:,} × {reason}" for reason, n in reasons.most_common()]
        if each_left_out:
            out += [f"  {item}" for item in sorted(self.left_out, key=lambda i: i.line)]
        return out

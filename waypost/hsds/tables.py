"""The HSDS 3.1 tables Waypost reads and writes: their files, columns and kinds.

Columns follow the HSDS 3.1 data package. `STORED` maps an HSDS column to the model field
that keeps it; columns that name another record (`*_id`) are resolved by the writer.
Tables and columns missing here are deliberately not modelled (see README).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import models

from waypost.directory import models as directory
from waypost.hsds.values import Column as C

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
ADDRESS_TYPES = ("physical", "postal", "virtual")
PHONE_TYPES = ("text", "voice", "fax", "cell", "video", "pager", "textphone")


@dataclass(frozen=True, eq=False)
class Table:
    name: str
    file: str
    columns: tuple[C, ...]
    # HSDS column → model attname, for the columns kept as they are.
    stored: dict[str, str]

    def column(self, name: str) -> C:
        return next(c for c in self.columns if c.name == name)

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    @property
    def storage(self) -> list[tuple[str, str, bool]]:
        """(HSDS column, model attname, stored as text) for the columns kept as they are."""
        found = _STORAGE.get(self.name)
        if found is None:
            found = _STORAGE[self.name] = [
                (name, attname, self.column(name).kind in ("text", "email", "uri"))
                for name, attname in self.stored.items()
            ]
        return found


_STORAGE: dict[str, list[tuple[str, str, bool]]] = {}


def _same(*names: str) -> dict[str, str]:
    return {n: n for n in names}


ORGANIZATION = Table(
    "organization",
    "organizations.csv",
    (
        C("id", "uuid", True),
        C("name", required=True),
        C("alternate_name"),
        C("description"),
        C("email", "email"),
        C("website", "uri"),
        C("tax_status"),
        C("tax_id"),
        C("year_incorporated", "int"),
        C("legal_status"),
        C("logo", "uri"),
        C("uri", "uri"),
        C("parent_organization_id", "uuid"),
    ),
    {
        **_same(
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
        ),
        "parent_organization_id": "parent_organization_hsds_id",
    },
)

SERVICE = Table(
    "service",
    "services.csv",
    (
        C("id", "uuid", True),
        C("organization_id", "uuid"),
        C("name", required=True),
        C("alternate_name"),
        C("description"),
        C("url", "uri"),
        C("email", "email"),
        C("status", required=True, choices=SERVICE_STATUSES),
        C("interpretation_services"),
        C("application_process"),
        C("fees_description"),
        C("wait_time"),
        C("fees"),
        C("accreditations"),
        C("eligibility_description"),
        C("minimum_age", "int"),
        C("maximum_age", "int"),
        C("assured_date", "date"),
        C("assurer_email", "email"),
        C("licenses"),
        C("alert"),
        C("last_modified", "datetime"),
    ),
    _same(
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    ),
)

LOCATION = Table(
    "location",
    "locations.csv",
    (
        C("id", "uuid", True),
        C("location_type", required=True, choices=LOCATION_TYPES),
        C("url", "uri"),
        C("organization_id", "uuid"),
        C("name"),
        C("alternate_name"),
        C("description"),
        C("transportation"),
        C("latitude", "number", minimum=-90, maximum=90),
        C("longitude", "number", minimum=-180, maximum=180),
        C("external_identifier"),
        C("external_identifier_type"),
    ),
    _same(
        "location_type",
        "url",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ),
)

ADDRESS = Table(
    "address",
    "addresses.csv",
    (
        C("id", "uuid", True),
        C("location_id", "uuid", True),
        C("attention"),
        C("address_1", required=True),
        C("address_2"),
        C("city", required=True),
        C("region"),
        C("state_province", required=True),
        C("postal_code"),  # required by HSDS; some addresses have none
        C("country", required=True),
        C("address_type", required=True, choices=ADDRESS_TYPES),
    ),
    {
        "id": "hsds_id",
        **_same(
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    },
)

SERVICE_AT_LOCATION = Table(
    "service_at_location",
    "service_at_location.csv",
    (
        C("id", "uuid", True),
        C("service_id", "uuid", True),
        C("location_id", "uuid", True),
        C("description"),
    ),
    _same("description"),
)

PHONE = Table(
    "phone",
    "phones.csv",
    (
        C("id", "uuid", True),
        C("location_id", "uuid"),
        C("service_id", "uuid"),
        C("organization_id", "uuid"),
        C("contact_id", "uuid"),
        C("service_at_location_id", "uuid"),
        C("number", required=True),
        C("extension", "int"),
        C("type", choices=PHONE_TYPES),
        C("description"),
    ),
    _same("number", "extension", "type", "description"),
)

SCHEDULE = Table(
    "schedule",
    "schedules.csv",
    (
        C("id", "uuid", True),
        C("service_id", "uuid"),
        C("location_id", "uuid"),
        C("service_at_location_id", "uuid"),
        C("valid_from", "date"),
        C("valid_to", "date"),
        C("dtstart"),
        C("timezone", "number"),
        C("until"),
        C("count", "int"),
        C("wkst", choices=("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
        C("freq"),
        C("interval", "int"),
        C("byday"),
        C("byweekno"),
        C("bymonthday"),
        C("byyearday"),
        C("description"),
        C("opens_at", "time"),
        C("closes_at", "time"),
        C("schedule_link", "uri"),
        C("attending_type"),
        C("notes"),
    ),
    _same("valid_from", "valid_to", "description", "notes"),
)

LANGUAGE = Table(
    "language",
    "languages.csv",
    (
        C("id", "uuid", True),
        C("service_id", "uuid"),
        C("location_id", "uuid"),
        C("phone_id", "uuid"),
        C("name"),
        C("code"),
        C("note"),
    ),
    {"id": "hsds_id", **_same("name", "code", "note")},
)

TAXONOMY = Table(
    "taxonomy",
    "taxonomies.csv",
    (
        C("id", "uuid", True),
        C("name", required=True),
        C("description", required=True),
        C("uri", "uri"),
        C("version"),
    ),
    _same("name", "description", "uri", "version"),
)

TAXONOMY_TERM = Table(
    "taxonomy_term",
    "taxonomy_terms.csv",
    (
        C("id", "uuid", True),
        C("code"),
        C("name", required=True),
        C("description", required=True),
        C("parent_id", "uuid"),
        C("taxonomy"),
        C("language"),
        C("taxonomy_id", "uuid"),
        C("term_uri", "uri"),
    ),
    _same("code", "name", "description", "language", "term_uri"),
)

ATTRIBUTE = Table(
    "attribute",
    "attributes.csv",
    (
        C("id", "uuid", True),
        C("link_id", "uuid", True),
        C("taxonomy_term_id", "uuid", True),
        C("link_type"),
        C("link_entity", required=True),
        C("value"),
        C("label"),
    ),
    {},
)

SERVICE_AREA = Table(
    "service_area",
    "service_areas.csv",
    (
        C("id", "uuid", True),
        C("service_id", "uuid"),
        C("service_at_location_id", "uuid"),
        C("name"),
        C("description"),
        C("uri", "uri"),
    ),
    _same("name", "description", "uri"),
)


def _limited(table: Table, model: type[models.Model]) -> Table:
    """The table with each stored text column as long as the model field that keeps it."""
    lengths = {
        name: field.max_length
        for name, attname in table.stored.items()
        if isinstance(field := model._meta.get_field(attname), models.CharField)
        and not table.column(name).choices  # a choice is stored as Waypost's own word
    }
    columns = tuple(
        replace(c, max_length=lengths[c.name]) if c.name in lengths else c for c in table.columns
    )
    return replace(table, columns=columns)


ORGANIZATION = _limited(ORGANIZATION, directory.Organization)
SERVICE = _limited(SERVICE, directory.Service)
LOCATION = _limited(LOCATION, directory.Location)
ADDRESS = _limited(ADDRESS, directory.Address)
SERVICE_AT_LOCATION = _limited(SERVICE_AT_LOCATION, directory.ServiceAtLocation)
PHONE = _limited(PHONE, directory.Phone)
SCHEDULE = _limited(SCHEDULE, directory.Schedule)
LANGUAGE = _limited(LANGUAGE, directory.ServiceLanguage)
TAXONOMY = _limited(TAXONOMY, directory.Taxonomy)
TAXONOMY_TERM = _limited(TAXONOMY_TERM, directory.TaxonomyTerm)
SERVICE_AREA = _limited(SERVICE_AREA, directory.ServiceArea)

# In the order a package is read: every table names only tables read before it.
TABLES: tuple[Table, ...] = (
    TAXONOMY,
    TAXONOMY_TERM,
    ORGANIZATION,
    SERVICE,
    LOCATION,
    ADDRESS,
    SERVICE_AT_LOCATION,
    PHONE,
    SCHEDULE,
    LANGUAGE,
    ATTRIBUTE,
    SERVICE_AREA,
)
BY_NAME = {t.name: t for t in TABLES}
BY_FILE = {t.file: t for t in TABLES}
# Tables of the HSDS package Waypost does not model; read past, with a note.
NOT_MODELLED = (
    "programs.csv",
    "contacts.csv",
    "funding.csv",
    "cost_options.csv",
    "required_documents.csv",
    "accessibility.csv",
    "organization_identifiers.csv",
    "metadata.csv",
    "meta_table_descriptions.csv",
    "service_capacity.csv",
    "units.csv",
    "url.csv",
)

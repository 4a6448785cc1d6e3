"""The service directory, shaped after Open Referral HSDS 3.1.

Names follow HSDS (organization, service, location, service_at_location, phone, schedule,
taxonomy_term, service_area, language) so import and export map field to field. Each
model keeps the HSDS id (a UUID) it was imported with, or one minted here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waypost.directory.confidential import area_point
from waypost.evidence.models import Fact
from waypost.places.models import Place
from waypost.translations.language import address


class Taxonomy(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A category (a node of the category tree) or a filterable attribute."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    language = models.CharField(max_length=12, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # HSDS terms need not have a code; those without one are told apart by their id.
            models.UniqueConstraint(
                fields=["taxonomy", "code"], condition=~Q(code=""), name="unique_term_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Not unique: HSDS knows organizations by id, and two may share a name.
    name = models.CharField(max_length=200, db_index=True)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    tax_status = models.CharField(max_length=120, blank=True)
    tax_id = models.CharField(max_length=60, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=120, blank=True)
    logo = models.URLField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    # Kept as given: the parent may live in another directory.
    parent_organization_hsds_id = models.UUIDField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, default="active")
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=200, blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    hours_description = models.CharField(
        max_length=200, blank=True, help_text='Hours in words, e.g. "24/7".'
    )
    languages_description = models.CharField(max_length=200, blank=True)
    categories = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    attributes = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="attributed_services"
    )
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="service")
    # HSDS clients ask for what changed since their last copy (modified_after).
    modified = models.DateTimeField(auto_now=True, db_index=True)
    # A record imported from a public national data set (waypost/datasets/national) keeps the
    # data set's name and its own key there, so loading a newer file updates it in place.
    dataset = models.CharField(max_length=20, blank=True, editable=False)
    # NULL rather than "" for a record without a key: NULLs never collide in the constraint.
    dataset_key = models.CharField(  # noqa: DJ001
        max_length=300, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["name"]
        # Search checks a service's status from this index alone (status, then the row id).
        indexes = [models.Index(fields=["status"], name="service_status")]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "dataset_key"], name="unique_dataset_key")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("service", self.hsds_id)


class Location(models.Model):
    """Where a service is delivered; may be an area only (a confidential shelter, outreach)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(max_length=12, default="physical", blank=True)
    url = models.URLField(max_length=500, blank=True)
    name = models.CharField(max_length=200, blank=True)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    external_identifier = models.CharField(max_length=120, blank=True)
    external_identifier_type = models.CharField(max_length=60, blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    # When true the point is a city or area centre, not a door: show the area, never a street.
    area_only = models.BooleanField(default=False)
    area_description = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        # A search reads a map box (and the zones in it) from this index alone. Single
        # latitude or longitude indexes would tempt the planner into scanning a whole band.
        indexes = [models.Index(fields=["latitude", "longitude", "timezone"], name="location_box")]

    def __str__(self) -> str:
        return self.name or self.area_description or str(self.place)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_only:
            # A confidential location never stores its exact point.
            self.latitude, self.longitude = area_point(self.latitude, self.longitude)
        super().save(*args, **kwargs)


class Address(models.Model):
    # Null for addresses typed in here; the export then derives a stable id from the location's.
    # Not unique: an address is known by its location, and HSDS files reuse ids carelessly.
    hsds_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="address")
    attention = models.CharField(max_length=120, blank=True)
    address_1 = models.CharField(max_length=200)
    address_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)
    state_province = models.CharField(max_length=60)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(max_length=10, default="physical", blank=True)

    def __str__(self) -> str:
        tail = f" {self.postal_code}" if self.postal_code else ""
        return f"{self.address_1}, {self.city}, {self.state_province}{tail}"


class ServiceAtLocation(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")
        ]
        # Search goes from locations in a map box to their services without reading rows.
        indexes = [models.Index(fields=["location", "service"], name="location_service")]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class PhoneType(models.TextChoices):
    VOICE = "voice", _("Call")
    TEXT = "text", _("Text")
    TTY = "tty", "TTY"
    FAX = "fax", "Fax"
    CELL = "cell", "Cell"
    VIDEO = "video", "Video"
    PAGER = "pager", "Pager"


class Phone(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=8, choices=PhoneType.choices, default=PhoneType.VOICE)
    language = models.CharField(max_length=12, blank=True)
    description = models.CharField(max_length=200, blank=True)
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="phone")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.number

    @property
    def href(self) -> str:
        digits = "".join(c for c in self.number if c.isdigit())
        return f"sms:{digits}" if self.type == PhoneType.TEXT else f"tel:{digits}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


HSDS_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Schedule(models.Model):
    """One weekly opening: a day with its hours, in the location's time zone (HSDS byday)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    # One HSDS schedule ("byday": "MO,TU") is one row per day here; the rows share the
    # HSDS id they came from so the export can join them again.
    hsds_group = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ServiceArea(models.Model):
    """A place a service covers; a hotline's area is the country or a state."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas"
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.description or str(self.place)


class ServiceLanguage(models.Model):
    # Known by service and code; the HSDS id is kept for the export (null: derived there).
    hsds_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=12, help_text="BCP 47 code, e.g. es")
    name = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="unique_service_language")
        ]

    def __str__(self) -> str:
        return self.code

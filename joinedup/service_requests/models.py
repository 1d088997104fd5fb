"""Service requests: a resident's report of a missed bin or a street problem, its
history, photos and the people following it; and, per catalogue service, how such
reports are taken (questions, target times)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from joinedup.service_requests.querysets import ServiceRequestQuerySet


class Datatype(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes (GET Service Definition)."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Longer text")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class RequestType(models.Model):
    """How the platform takes reports for one catalogue service: its Open311 group and
    description, the questions it asks, the default target time, whether a report may be
    anonymous, and how far away a report counts as "the same problem"."""

    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="request_type"
    )
    group = models.CharField(max_length=100)
    group_cy = models.CharField("Welsh group", max_length=100)
    description = models.CharField(max_length=300, blank=True)
    description_cy = models.CharField("Welsh description", max_length=300, blank=True)
    working_days = models.PositiveSmallIntegerField(
        default=5, help_text="Default target: due at the end of this many working days"
    )
    anonymous_allowed = models.BooleanField(default=False)
    duplicate_radius_m = models.PositiveIntegerField(
        default=50, help_text="Open reports this near are offered as possible duplicates (0: none)"
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name"]

    def __str__(self) -> str:
        return str(self.service)


attribute_code = RegexValidator(r"^[A-Za-z0-9_]{1,50}$", "Letters, digits and _ only.")


class Question(models.Model):
    """A service-specific question: an Open311 attribute of the service definition."""

    request_type = models.ForeignKey(
        RequestType, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(max_length=50, validators=[attribute_code])
    order = models.PositiveSmallIntegerField(default=1)
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    description = models.CharField(max_length=300)
    description_cy = models.CharField("Welsh description", max_length=300)
    datatype_description = models.CharField(max_length=300, blank=True)
    datatype_description_cy = models.CharField(max_length=300, blank=True)
    values = models.JSONField(default=list, blank=True, help_text='[{"key", "name", "name_cy"}]')

    class Meta:
        ordering = ["request_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request_type", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_type}: {self.code}"

    @property
    def localised_description(self) -> str:
        welsh = (get_language() or "").startswith("cy")
        return self.description_cy if welsh and self.description_cy else self.description


class ServiceLevel(models.Model):
    """One organisation's own target for a service, in place of the default."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="service_levels"
    )
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="levels")
    working_days = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "request_type"], name="service_level_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.request_type} in {self.working_days} working days"


class BankHoliday(models.Model):
    """A bank holiday from GOV.UK's list, for counting working days."""

    division = models.CharField(max_length=20, default="england-and-wales")
    date = models.DateField()
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["division", "date"]
        constraints = [
            models.UniqueConstraint(fields=["division", "date"], name="bank_holiday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title} ({self.division})"


class Team(models.Model):
    """A team within an organisation that requests can be assigned to."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="request_teams"
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Status(models.TextChoices):
    """The statuses of a request: mySociety's extended Open311 statuses (open311-adapter
    `Open311::Endpoint::Role::mySociety`), stored in their lower-case form."""

    OPEN = "open", _("Open")
    FOR_TRIAGE = "for_triage", _("Waiting to be checked")
    INVESTIGATING = "investigating", _("Investigating")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTION_SCHEDULED = "action_scheduled", _("Action scheduled")
    PLANNED = "planned", _("Planned")
    REOPENED = "reopen", _("Reopened")
    FIXED = "fixed", _("Fixed")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_COUNCILS_RESPONSIBILITY = "not_councils_responsibility", _("Not our responsibility")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    INTERNAL_REFERRAL = "internal_referral", _("Referred internally")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Open311's basic status of each (GeoReport v2: "open" or "closed").
OPEN_STATUSES = frozenset(
    {
        Status.OPEN,
        Status.FOR_TRIAGE,
        Status.INVESTIGATING,
        Status.IN_PROGRESS,
        Status.ACTION_SCHEDULED,
        Status.PLANNED,
        Status.REOPENED,
    }
)
CLOSED_STATUSES = frozenset(set(Status.values) - set(OPEN_STATUSES))


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    OPEN311 = "open311", _("Open311 client")
    STAFF = "staff", _("Officer")


def _secret() -> str:
    return secrets.token_urlsafe(18)


class ServiceRequest(models.Model):
    """A report of a problem at a place, in the queue of the organisation responsible for
    it there. Latitude and longitude are WGS84; the ward and district it lies in are kept
    so queues can be filtered by area without a spatial query. `status_notes`,
    `media_url` and `is_open` repeat facts of the history and photos so that Open311
    lists are read from this one table."""

    # Foreign keys whose lookups the composite indexes below already serve, or that are
    # only ever filtered within one organisation's queue, get no index of their own:
    # every index is written on every report.
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="service_requests",
        db_index=False,
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        related_name="service_requests",
        db_index=False,
    )
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.OPEN)
    is_open = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    location_text = models.CharField(max_length=255, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    ward = models.ForeignKey(
        "geo.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    district = models.ForeignKey(
        "geo.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=2, default="en")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
        db_index=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    channel_ref = models.CharField(
        max_length=64, blank=True, help_text="Which client sent it, e.g. open311-client:3"
    )
    external_ref = models.CharField(max_length=100, blank=True, help_text="The client's own id")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = models.CharField(max_length=32, default=_secret, editable=False)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status_notes = models.TextField(blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    assigned_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        db_index=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_service_requests",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The reporter in the shared citizen record: set when a signed-in resident reports,
    # or linked by an officer. Indexed: the CRM finds a person's requests by it.
    person = models.ForeignKey(
        "crm.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    # When the reporter's name, contact details and words were erased (an upheld erasure
    # request or the end of the retention period); the request stays for statistics.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["service", "requested_at"], name="sr_service_time_idx"),
            models.Index(
                fields=["organisation", "is_open", "requested_at"], name="sr_org_open_time_idx"
            ),
            models.Index(fields=["is_open", "requested_at"], name="sr_open_time_idx"),
            models.Index(fields=["service", "is_open", "lat"], name="sr_nearby_idx"),
            models.Index(
                fields=["service", "is_open", "requested_at"], name="sr_service_open_time_idx"
            ),
            models.Index(fields=["organisation", "due_at"], name="sr_org_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.service_id} ({self.status})"

    @property
    def reference(self) -> str:
        """What residents quote: the Open311 service_request_id."""
        return str(self.pk)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone)


class EventKind(models.TextChoices):
    CREATED = "created", _("Reported")
    STATUS = "status", _("Status changed")
    PUBLIC_UPDATE = "update", _("Update")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    TRANSFERRED = "transferred", _("Transferred")
    MERGED = "merged", _("Merged into another report")
    DUPLICATE_ADDED = "duplicate_added", _("Duplicate merged in")
    REOPENED = "reopened", _("Reopened")
    SUPPORTER_ADDED = "supporter_added", _("Someone else reported it too")
    RESIDENT_UPDATE = "resident_update", _("Update from the person who reported it")
    SHARED = "shared", _("Shared")


class RequestEvent(models.Model):
    """One entry in a request's history. A public entry is shown to residents and served
    as an Open311 `servicerequestupdates` update; an internal one only to officers who can
    see the request."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    status_before = models.CharField(max_length=32, blank=True)
    status_after = models.CharField(max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    data = models.JSONField(default=dict, blank=True)
    channel_ref = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="A client's update_id, so a repeat is not recorded twice",
    )
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["public", "created_at"], name="sr_event_public_time_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["channel_ref", "external_id"],
                condition=~models.Q(external_id=""),
                name="sr_event_external_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


def original_photo_path(instance: Photo, filename: str) -> str:
    # Random names: a published URL must not lead to the original beside it.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"service_requests/originals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def published_photo_path(instance: Photo, filename: str) -> str:
    return f"service_requests/published/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """A photo of the problem. The original stays with the officers; the published copy is
    re-encoded from the pixels alone, so it carries no EXIF data (no GPS position, camera
    or time) and is turned the right way up."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to=original_photo_path, max_length=200)
    original_type = models.CharField(max_length=50)
    published = models.FileField(upload_to=published_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    hidden = models.BooleanField(default=False, help_text="Taken down by an officer")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.request_id}"


class Supporter(models.Model):
    """Someone who added themselves to an existing report instead of making a new one,
    or whose duplicate was merged into it; they get its updates."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="supporters")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=2, default="en")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return f"supporter of {self.request_id}"


class RequestShare(models.Model):
    """Another organisation allowed to see a request (not to work on it)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="shared_service_requests"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="sr_share_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} shared with {self.organisation_id}"

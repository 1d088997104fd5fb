"""Organisations, partnerships, the people who act for them, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from joinedup.core.querysets import MembershipQuerySet, OrganisationQuerySet


class User(AbstractUser):
    """A person who signs in: an officer of one or more organisations, or a resident."""

    email = models.EmailField(_("email address"), blank=True)

    class Meta:
        db_table = "core_user"


class OrganisationKind(models.TextChoices):
    COUNTY_COUNCIL = "county_council", _("County council")
    DISTRICT_COUNCIL = "district_council", _("District council")
    UNITARY = "unitary", _("Unitary authority")
    LONDON_BOROUGH = "london_borough", _("London borough")
    METROPOLITAN_DISTRICT = "metropolitan_district", _("Metropolitan district")
    POLICE_FORCE = "police_force", _("Police force")
    FIRE_AUTHORITY = "fire_authority", _("Fire and rescue authority")
    NHS_BODY = "nhs_body", _("NHS body")
    HOUSING_ASSOCIATION = "housing_association", _("Housing association")
    UTILITY = "utility", _("Utility")
    TRANSPORT_AUTHORITY = "transport_authority", _("Transport authority")
    OTHER = "other", _("Other")


COUNCIL_KINDS = frozenset(
    {
        OrganisationKind.COUNTY_COUNCIL,
        OrganisationKind.DISTRICT_COUNCIL,
        OrganisationKind.UNITARY,
        OrganisationKind.LONDON_BOROUGH,
        OrganisationKind.METROPOLITAN_DISTRICT,
    }
)


class Organisation(models.Model):
    """A public body or partner: a council, police force, fire authority, NHS body,
    housing association, utility … Councils come from the national registers, so most
    organisations are not partners; membership of a partnership makes them one."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    gss_code = models.CharField("GSS/ONS code", max_length=9, blank=True, db_index=True)
    registry_code = models.CharField(
        "register code", max_length=16, blank=True, help_text="mySociety three-letter code"
    )
    local_custodian_code = models.CharField(max_length=4, blank=True)
    homepage = models.URLField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a district council, its county council.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    areas = models.ManyToManyField("geo.Area", blank=True, related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code"],
                condition=~models.Q(gss_code=""),
                name="organisation_gss_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind in COUNCIL_KINDS

    def is_active_on(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day < self.end_date
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    def current(self) -> Organisation:
        """Follow successors to the body that exists today (Harrogate → North Yorkshire)."""
        org: Organisation = self
        seen = {org.pk}
        while org.successor_id and not org.is_active:
            org = org.successor  # type: ignore[assignment]
            if org.pk in seen:  # a loop in the register data: stop rather than spin
                break
            seen.add(org.pk)
        return org


class Partnership(models.Model):
    """Organisations that run joinedup together under an agreement."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    agreement_start = models.DateField(null=True, blank=True)
    agreement_end = models.DateField(null=True, blank=True)
    members: models.ManyToManyField = models.ManyToManyField(
        Organisation, through="PartnershipMember", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    MEMBER = "member", _("Member")
    ASSOCIATE = "associate", _("Associate")


class PartnershipMember(models.Model):
    """One organisation's place in a partnership, with the dates it signed up for."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnership_memberships"
    )
    role = models.CharField(
        max_length=16, choices=PartnershipRole.choices, default=PartnershipRole.MEMBER
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnership_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A person acting for an organisation, with a role that says what they may do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.organisation}"


class AuditEvent(models.Model):
    """An append-only record of a write (or a read of personal data): who, for which
    organisation, what, before and after, when and from where."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Username or system process, kept if the user goes"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="IP address, or command name")
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class SignInAttempt(models.Model):
    """One password sign-in attempt, kept to throttle guessing: too many failures for a
    username (or from an address) within a window lock further attempts out."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'ok' if self.succeeded else 'failed'}"


class Capability(models.Model):
    """A named power beyond an organisation role, granted per membership (for example
    `crm.data_protection_officer`). Apps add their capabilities in data migrations, so who
    may do what is data, never a test on names."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "capabilities"

    def __str__(self) -> str:
        return self.name


class MembershipCapability(models.Model):
    """A capability held by one person for one organisation."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="capability_grants"
    )
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="grants")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "capability"], name="membership_capability_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.capability.code} for {self.membership}"


class ApiToken(models.Model):
    """A credential for another system to call an organisation's internal API. Only a
    SHA-256 digest of the secret is stored; the token acts through a service account
    with the given role at the organisation, limited to `scopes`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.organisation}"

    def is_usable_at(self, moment) -> bool:
        return self.revoked_at is None and (self.expires_at is None or moment < self.expires_at)

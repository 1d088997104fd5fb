"""The service catalogue: what residents can ask for, which kinds of body provide it
at which tier, and how each organisation handles it (in the platform or by a link)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from joinedup.core.models import COUNCIL_KINDS, Organisation, OrganisationKind


class Tier(models.TextChoices):
    """GOV.UK's LGSL providing tiers (alphagov/publisher `data/local_services.csv`)."""

    DISTRICT = "district/unitary", _("District or unitary council")
    COUNTY = "county/unitary", _("County or unitary council")
    ALL = "all", _("Any council")
    NONE = "", _("Not a council service")


# Which council kinds stand at which tier. A unitary authority, London borough or
# metropolitan district provides services of both tiers.
LOWER_TIER_KINDS = frozenset(
    {
        OrganisationKind.DISTRICT_COUNCIL,
        OrganisationKind.UNITARY,
        OrganisationKind.LONDON_BOROUGH,
        OrganisationKind.METROPOLITAN_DISTRICT,
    }
)
UPPER_TIER_KINDS = frozenset(
    {
        OrganisationKind.COUNTY_COUNCIL,
        OrganisationKind.UNITARY,
        OrganisationKind.LONDON_BOROUGH,
        OrganisationKind.METROPOLITAN_DISTRICT,
    }
)
TIER_KINDS: dict[str, frozenset[str]] = {
    Tier.DISTRICT: LOWER_TIER_KINDS,
    Tier.COUNTY: UPPER_TIER_KINDS,
    Tier.ALL: frozenset(COUNCIL_KINDS),
}


class Service(models.Model):
    """Something a resident can need: keyed by LGSL code where it is a council service,
    with resident-facing names, a topic for the plain-English reason, and keywords in
    English and Welsh."""

    code = models.SlugField(max_length=60, unique=True)
    lgsl = models.PositiveIntegerField("LGSL code", null=True, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    name_cy = models.CharField("Welsh name", max_length=200)
    topic = models.CharField(max_length=200, help_text="Lower-case noun phrase, e.g. 'potholes'")
    topic_cy = models.CharField("Welsh topic", max_length=200)
    keywords = models.JSONField(default=list, blank=True)
    keywords_cy = models.JSONField("Welsh keywords", default=list, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    provider_kinds = models.JSONField(
        default=list, blank=True, help_text="Organisation kinds that provide it"
    )
    national_url = models.URLField(
        blank=True, help_text="Where to send a resident when no body is on record"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds(self) -> frozenset[str]:
        return TIER_KINDS.get(self.tier) or frozenset(self.provider_kinds)


class SynonymGroup(models.Model):
    """Words residents use interchangeably ('bin', 'rubbish', 'refuse')."""

    language = models.CharField(max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")])
    terms = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.language}: {', '.join(self.terms[:5])}"


class ProvisionMode(models.TextChoices):
    PLATFORM = "platform", _("Handled in the platform")
    LINK = "link", _("Link to the organisation's own page")


class Provision(models.Model):
    """How one organisation provides one service: in the platform (naming the flow) or by
    a link (its own page; the homepage when blank). Also carries the catalogue's
    exceptions: `areas` limits the organisation to part of its patch (or extends it,
    e.g. a transport authority's red routes), and `preferred` settles two bodies claiming
    the same service at the same place."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provisions"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="provisions")
    mode = models.CharField(
        max_length=10, choices=ProvisionMode.choices, default=ProvisionMode.LINK
    )
    flow = models.CharField(
        max_length=60, blank=True, help_text="Key of the in-platform flow (mode platform)"
    )
    url = models.URLField(blank=True, help_text="The organisation's page for it; homepage if blank")
    areas = models.ManyToManyField(
        "geo.Area",
        blank=True,
        related_name="provisions",
        help_text="Only here (instead of everywhere the organisation covers)",
    )
    preferred = models.BooleanField(
        default=False, help_text="Chosen when another body also claims the service here"
    )
    note = models.CharField(max_length=300, blank=True, help_text="Said to residents, in English")
    note_cy = models.CharField(max_length=300, blank=True, help_text="Said to residents, in Welsh")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "service"], name="provision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.service} ({self.mode})"

"""The shared citizen record: people, what each organisation holds about them, the
data-sharing agreements that are the only way one organisation sees another's records,
consent, and the subject-access and erasure requests made about them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from joinedup.core.models import Organisation
from joinedup.crm.querysets import AgreementQuerySet, PersonQuerySet

# The capability (granted per membership, see core.Capability) of a data-protection officer.
DPO_CAPABILITY = "crm.data_protection_officer"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent", _("Consent (Article 6(1)(a))")
    CONTRACT = "contract", _("Contract (Article 6(1)(b))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Article 6(1)(c))")
    VITAL_INTERESTS = "vital_interests", _("Vital interests (Article 6(1)(d))")
    PUBLIC_TASK = "public_task", _("Public task (Article 6(1)(e))")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (Article 6(1)(f))")


class ErasureRule(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise when erasure is upheld or retention ends")
    KEEP = "keep", _("Keep: the law requires these records")


class DataCategory(models.Model):
    """A kind of personal data (contact details, service requests, council tax …): what
    agreements share, how long it is kept and what erasure does to it. Each category's
    records come from the app registered for it (see crm.registry)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Records older than this are anonymised; blank: kept"
    )
    erasure = models.CharField(
        max_length=16, choices=ErasureRule.choices, default=ErasureRule.ANONYMISE
    )
    keep_reason = models.TextField(blank=True, help_text="The law that requires keeping them")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "data categories"

    def __str__(self) -> str:
        return self.name


class DataSharingAgreement(models.Model):
    """An agreement under which parties disclose categories of personal data to each other
    for a purpose (ICO Data Sharing Code). In force only between its start and end dates,
    once every party has signed and while not suspended."""

    reference = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices)
    lawful_basis_detail = models.TextField(blank=True, help_text="Statute or condition relied on")
    categories = models.ManyToManyField(DataCategory, related_name="agreements")
    organisations: models.ManyToManyField = models.ManyToManyField(
        Organisation, through="AgreementParty", related_name="data_sharing_agreements"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_date = models.DateField()
    suspended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def is_in_force_on(self, day: dt.date) -> bool:
        return (
            self.suspended_at is None
            and self.start_date <= day
            and (self.end_date is None or day < self.end_date)
            and not self.parties.filter(signed_at__isnull=True).exists()
        )


class AgreementParty(models.Model):
    """One organisation's part in an agreement: whether it discloses its records, receives
    the others', and when it signed."""

    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties"
    )
    discloses = models.BooleanField(default=True)
    receives = models.BooleanField(default=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.agreement.reference}"


class Person(models.Model):
    """One human being known to the partnership. Records about them are held by
    organisations (PersonHolding, contact details, history, other apps' records); a person
    merged into another keeps its row, pointing at the survivor, so a merge can be undone."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    # Phonetic keys of the names, so duplicate candidates can be found with an index on
    # either database (see crm.matching).
    given_key = models.CharField(max_length=8, blank=True, db_index=True)
    family_key = models.CharField(max_length=8, blank=True, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The resident's own account, if they have one",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_people"
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def survivor(self) -> Person:
        person: Person = self
        seen = {person.pk}
        while person.merged_into_id is not None:
            person = person.merged_into  # type: ignore[assignment]
            if person.pk in seen:
                break
            seen.add(person.pk)
        return person

    def identity_ids(self) -> list[int]:
        """This person's id and every id merged into it: records are linked to any of them."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            found = list(
                Person.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
            )
            frontier = [pk for pk in found if pk not in ids]
            ids.extend(frontier)
        return ids


class PersonHolding(models.Model):
    """An organisation holds this person's identity (name, date of birth) on its records."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="holdings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="person_holdings"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="person_holding")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} holds {self.person_id}"


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class ContactPoint(models.Model):
    """An email address or phone number, held by an organisation (or, with no
    organisation, given by the resident through their own account)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    value = models.CharField(max_length=254)
    normalised = models.CharField(max_length=254, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class Address(models.Model):
    """A postal address for the person, with its UPRN where known."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True, help_text="Normalised, e.g. SM1 1AA")
    uprn = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")


class ContactEvent(models.Model):
    """An officer's note of a contact with the person: a call, email, visit or letter."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_events")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    inbound = models.BooleanField(default=True, help_text="The person contacted us")
    occurred_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.occurred_at:%Y-%m-%d}"


class Consent(models.Model):
    """The person's consent to sharing under a consent-based agreement. Withdrawal keeps
    the row (proof of what was agreed, Article 7(1)) and stops the sharing at once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.PROTECT, related_name="consents"
    )
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.agreement_id}"


class PrivacyNotice(models.Model):
    """A partner's privacy notice, shown to residents (UK GDPR Articles 13 and 14)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="privacy_notices"
    )
    summary = models.TextField(help_text="What the partner does with residents' data, briefly")
    url = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True, help_text="Its data-protection officer")
    published_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["organisation__name", "-published_on"]

    def __str__(self) -> str:
        return f"Privacy notice of {self.organisation_id}"


class PersonMerge(models.Model):
    """One merge of a duplicate into a survivor, kept so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    added_holdings = models.JSONField(default=list, help_text="Organisation ids the merge added")

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} into {self.survivor_id}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class ErasureRequest(models.Model):
    """A request to erase a person's data ("right to erasure", Article 17), made by the
    resident or recorded by an officer; a data-protection officer carries it out for their
    organisation and the report says what was anonymised and what was kept, and why."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    reports = models.JSONField(default=list, help_text="One report per organisation that acted")

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.status})"


class SubjectAccessRequest(models.Model):
    """A subject access request (Article 15) assembled by a data-protection officer:
    due one month after receipt."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_on = models.DateField(default=timezone.localdate)
    assembled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assembled_at", "-id"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"


# The seeded categories' names, marked so they are translated where residents see them.
CATEGORY_NAMES = [
    _("Contact details"),
    _("Contact history"),
    _("Consent"),
    _("Service requests"),
    _("Council tax"),
    _("Vehicles"),
]

"""Council tax for billing authorities (district, unitary and London borough councils):
properties and their bands, accounts and the people liable, reductions, the year's
charges, bills and instalments. Money itself lives in the payments ledger: an account's
balance is its ledger account's balance, never a stored number."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"
    H = "H", "H"


# Each band's charge as ninths of Band D: Local Government Finance Act 1992, s.5(1).
BAND_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}


class CheckDigit(models.TextChoices):
    NONE = "none", "None"
    LUHN = "luhn", "Luhn (mod 10)"
    MOD11 = "mod11", "Modulus 11, weights 2,3,4…"


class CouncilTaxSettings(models.Model):
    """How one billing authority does things: its account reference format, instalment
    dates and recovery timetable. Councils differ here as data, not as code."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="council_tax_settings"
    )
    reference_prefix = models.CharField(max_length=6, blank=True)
    reference_length = models.PositiveSmallIntegerField(
        default=8, help_text="Digits in a reference, prefix and check digit included"
    )
    check_digit = models.CharField(
        max_length=5, choices=CheckDigit.choices, default=CheckDigit.NONE
    )
    next_serial = models.PositiveIntegerField(default=1)
    instalment_day = models.PositiveSmallIntegerField(
        default=1, help_text="Day of the month instalments fall due (1 to 28)"
    )
    default_instalments = models.PositiveSmallIntegerField(default=10)
    # Recovery timetable (Council Tax (Administration and Enforcement) Regulations 1992,
    # regs 23 and 33-34 give the framework; the days are each council's practice).
    reminder_grace_days = models.PositiveSmallIntegerField(default=7)
    final_notice_after_missed = models.PositiveSmallIntegerField(default=3)
    summons_after_days = models.PositiveSmallIntegerField(default=14)
    liability_order_after_days = models.PositiveSmallIntegerField(default=28)
    payment_description = models.CharField(max_length=100, default="Council tax")

    class Meta:
        verbose_name_plural = "council tax settings"

    def __str__(self) -> str:
        return f"Council tax settings for {self.organisation}"

    @property
    def reference_pattern(self) -> str:
        rest = self.reference_length - len(self.reference_prefix)
        return f"^{self.reference_prefix}[0-9]{{{rest}}}$"


class BandDCharge(models.Model):
    """A council's Band D council tax for a financial year (all precepts included)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="band_d_charges"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="Year it starts: 2026 = 2026/27")
    band_d_pence = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from")

    class Meta:
        ordering = ["organisation", "-financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "financial_year"], name="band_d_charge_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year}: {self.band_d_pence}p"

    def for_band(self, band: str) -> int:
        """The band's annual charge in pence, rounded to the penny (half up)."""
        exact = Decimal(self.band_d_pence) * BAND_NINTHS[band] / 9
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Property(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="council_tax_properties"
    )
    uprn = models.CharField("UPRN", max_length=12)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, db_index=True)
    band = models.CharField(max_length=1, choices=Band.choices)

    class Meta:
        verbose_name_plural = "properties"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "uprn"], name="property_uprn_unique")
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class Account(models.Model):
    """A council tax account: who is liable for one property from when."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="council_tax_accounts"
    )
    reference = models.CharField(max_length=20)
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="accounts")
    ledger_account = models.OneToOneField(
        "payments.LedgerAccount", on_delete=models.PROTECT, related_name="council_tax_account"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    instalments_requested = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="12 if the payer asked for twelve monthly instalments"
    )
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["organisation", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="council_tax_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class LiablePerson(models.Model):
    """Someone liable for an account. Once the resident has shown it is theirs (found it
    by reference and postcode while signed in) or an officer has linked it, `person` is
    their record in the shared citizen record, and the account appears there under the
    council tax category (see council_tax.providers)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="liable_people")
    full_name = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=True)
    person = models.ForeignKey(
        "crm.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_tax_liabilities",
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.full_name


class ReductionKind(models.TextChoices):
    # LGFA 1992 s.11: 25% when one adult lives there, 50% when all are disregarded.
    SINGLE_PERSON = "single_person", _("Single person discount")
    ALL_DISREGARDED = "all_disregarded", _("Everyone living there is disregarded")
    # Exempt dwellings order 1992, e.g. class N (all students), class U (severe mental impairment).
    EXEMPT_CLASS_N = "exempt_n", _("Exempt: occupied only by students (class N)")
    EXEMPT_CLASS_U = (
        "exempt_u",
        _("Exempt: occupied only by people with a severe mental impairment (class U)"),
    )


REDUCTION_PERCENT = {
    ReductionKind.SINGLE_PERSON: 25,
    ReductionKind.ALL_DISREGARDED: 50,
    ReductionKind.EXEMPT_CLASS_N: 100,
    ReductionKind.EXEMPT_CLASS_U: 100,
}


class Reduction(models.Model):
    """A discount or exemption on an account, for a period."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="reductions")
    kind = models.CharField(max_length=20, choices=ReductionKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on}"

    @property
    def percent(self) -> int:
        return REDUCTION_PERCENT[ReductionKind(self.kind)]


class Bill(models.Model):
    """The year's demand notice: what is charged and how it is to be paid."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="bills")
    financial_year = models.PositiveSmallIntegerField()
    issued_on = models.DateField()
    band = models.CharField(max_length=1, choices=Band.choices)
    gross_pence = models.PositiveIntegerField()
    reduction_pence = models.PositiveIntegerField(default=0)
    reduction_label = models.CharField(max_length=200, blank=True)
    net_pence = models.PositiveIntegerField()

    class Meta:
        ordering = ["-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "financial_year"], name="one_bill_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class Instalment(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount_pence = models.PositiveIntegerField()

    class Meta:
        ordering = ["bill", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "number"], name="instalment_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bill} #{self.number} {self.due_on}"


class FindAttempt(models.Model):
    """A resident's try at finding an account, kept briefly to limit guessing. The key
    is a hash (of the client address or the reference), not the value itself."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]} at {self.at}"

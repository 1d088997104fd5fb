"""Demo council tax data for the demonstration councils.

Band D figures: each names its source. They are the latest published figures found for
each council, used as the charge for whatever financial year the demo is loaded in, so
they are realistic but not that year's actual charge. Reference formats, instalment
days, addresses, UPRNs and people are illustrative; the postcodes are real postcodes
in each council's area (from the bundled ONS postcode file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from joinedup.core.models import Organisation
from joinedup.council_tax.models import Account, BandDCharge, CouncilTaxSettings, Property
from joinedup.council_tax.schedule import financial_year_of
from joinedup.council_tax.services import (
    account_link_resident,
    account_open,
    bill_issue,
    reduction_add,
)
from joinedup.payments.ledger import ledger_account_ensure, ledger_post
from joinedup.payments.models import AccountKind, TransactionKind


@dataclass(frozen=True)
class DemoCouncil:
    gss: str
    band_d_pence: int
    source: str
    prefix: str
    length: int
    check_digit: str
    instalment_day: int
    description: str
    town: str
    postcodes: tuple[str, str, str]


DEMO_COUNCILS = [
    DemoCouncil(
        "E09000029",
        216618,
        "London Borough of Sutton, 2024-25 total Band D £2,166.18 (Sutton £1,447.70, adult "
        "social care £247.08, GLA £471.40): sutton.gov.uk 'Bands and amounts'",
        "6",
        9,
        "luhn",
        1,
        "Sutton council tax",
        "Sutton",
        ("SM1 1AG", "SM1 1AH", "SM1 1AJ"),
    ),
    DemoCouncil(
        "E09000024",
        199338,
        "London Borough of Merton, 2024-25 Band D £1,993.38, main part of the borough "
        "(without the Wimbledon and Putney Commons levy): merton.gov.uk 'Guide to council tax'",
        "7",
        8,
        "none",
        1,
        "Merton council tax",
        "Morden",
        ("SM4 4AB", "SM4 4AD", "SM4 4AE"),
    ),
    DemoCouncil(
        "E07000211",
        244879,
        "Reigate and Banstead, 2025-26 Band D £2,448.79, rest of borough (Surrey County "
        "£1,846.35, Surrey Police £337.57, borough £264.87): reigate-banstead.gov.uk "
        "'Council Tax leaflet 2025-2026'",
        "5",
        9,
        "mod11",
        15,
        "Reigate and Banstead council tax",
        "Banstead",
        ("SM7 1AA", "SM7 1AB", "SM7 1AD"),
    ),
    DemoCouncil(
        "E07000208",
        240392,
        "Epsom and Ewell: ILLUSTRATIVE £2,403.92 = Surrey County £1,846.35 and Surrey Police "
        "£337.57 (published 2025-26 figures, from the Reigate and Banstead leaflet) plus an "
        "illustrative borough element of £220.00 (no published figure was to hand)",
        "4",
        8,
        "luhn",
        10,
        "Epsom and Ewell council tax",
        "Sutton",
        ("SM2 7HJ", "SM2 7HR", "SM2 7HS"),
    ),
]

# (band, liable names, reduction, instalments requested, instalments paid so far:
#  "all" = every one due to date, a number = only the first n)
DEMO_HOUSEHOLDS: list[tuple[str, list[str], str | None, int | None, str | int]] = [
    ("D", ["Alex Taylor", "Sam Taylor"], None, None, "all"),
    ("C", ["Jordan Evans"], "single_person", None, "all_but_last"),
    ("F", ["Morgan Price"], None, 12, 3),
]

STREETS = ["High Street", "Station Road", "Church Lane"]


@dataclass
class DemoAccountLine:
    council: str
    reference: str
    postcode: str
    note: str


def _paid_count(plan: str | int, due_so_far: int) -> int:
    if plan == "all":
        return due_so_far
    if plan == "all_but_last":
        return max(due_so_far - 1, 0)
    return min(int(plan), due_so_far)


def _pay_by_direct_debit(account: Account, bill, *, today: dt.date, plan: str | int) -> None:
    """Record the (demo) Direct Debit collections of the instalments due by `today`."""
    organisation = account.organisation
    year = bill.financial_year
    due = [i for i in bill.instalments.all() if i.due_on <= today]
    bank = ledger_account_ensure(
        organisation=organisation,
        code="direct_debit_clearing",
        name="Direct Debit collections (demo)",
        kind=AccountKind.ASSET,
    )
    for instalment in due[: _paid_count(plan, len(due))]:
        ledger_post(
            organisation=organisation,
            kind=TransactionKind.PAYMENT,
            description=f"Direct Debit {account.reference} instalment {instalment.number}",
            lines=[
                (bank, instalment.amount_pence),
                (account.ledger_account, -instalment.amount_pence),
            ],
            recorded_by="demo",
            occurred_at=dt.datetime.combine(instalment.due_on, dt.time(9), tzinfo=dt.UTC),
            provider="demo_direct_debit",
            provider_payment_id=f"dd-{account.reference}-{year}-{instalment.number}",
        )


@transaction.atomic
def council_tax_demo_load(*, today: dt.date) -> list[DemoAccountLine]:
    """Create (once) the demo councils' settings, charges, properties, accounts and
    bills for the financial year containing `today`, with Direct Debit payments so far."""
    year = financial_year_of(today)
    lines: list[DemoAccountLine] = []
    for council in DEMO_COUNCILS:
        organisation = Organisation.objects.filter(gss_code=council.gss).first()
        if organisation is None:
            continue
        CouncilTaxSettings.objects.get_or_create(
            organisation=organisation,
            defaults={
                "reference_prefix": council.prefix,
                "reference_length": council.length,
                "check_digit": council.check_digit,
                "instalment_day": council.instalment_day,
                "payment_description": council.description,
                "next_serial": 1001,
            },
        )
        BandDCharge.objects.get_or_create(
            organisation=organisation,
            financial_year=year,
            defaults={"band_d_pence": council.band_d_pence, "source": council.source},
        )
        for n, (band, names, reduction, requested, plan) in enumerate(DEMO_HOUSEHOLDS):
            uprn = f"9{council.gss[-4:]}{n + 1:07d}"  # illustrative, not a real UPRN
            prop, _created = Property.objects.get_or_create(
                organisation=organisation,
                uprn=uprn,
                defaults={
                    "address_line_1": f"{10 + 2 * n} {STREETS[n]}",
                    "town": council.town,
                    "postcode": council.postcodes[n],
                    "band": band,
                },
            )
            account = Account.objects.filter(property=prop).first()
            if account is None:
                account = account_open(
                    actor=None,
                    organisation=organisation,
                    property=prop,
                    liable_names=names,
                    opened_on=dt.date(year - 3, 6, 1),
                    email=f"{names[0].split()[0].lower()}.{council.gss.lower()}@example.org",
                    instalments_requested=requested,
                )
                if reduction:
                    reduction_add(
                        actor=None,
                        account=account,
                        kind=reduction,
                        starts_on=dt.date(year - 3, 6, 1),
                    )
            bill = account.bills.filter(financial_year=year).first()
            if bill is None:
                bill = bill_issue(
                    actor=None, account=account, financial_year=year, issued_on=dt.date(year, 3, 10)
                )
                _pay_by_direct_debit(account, bill, today=today, plan=plan)
            note = {"all": "up to date", "all_but_last": "one instalment missed"}.get(
                str(plan), "behind since the summer"
            )
            lines.append(
                DemoAccountLine(
                    organisation.name, account.reference, prop.postcode, f"band {band}, {note}"
                )
            )
    lines += council_tax_demo_resident_load(today=today)
    return lines


# The demo resident of the shared citizen record (joinedup/demo/citizen_record.py) pays
# council tax to Sutton; her account is linked to her record as if she had found it
# while signed in, so "Your account" and Sutton's officers show it.
DEMO_RESIDENT_USERNAME = "resident@demo.invalid"
DEMO_RESIDENT_PROPERTY = ("900290000099", "24 Cheam Road", "Sutton", "SM1 1AA", "C")


@transaction.atomic
def council_tax_demo_resident_load(*, today: dt.date) -> list[DemoAccountLine]:
    """The demo resident's Sutton account, linked to her record. It needs both her record
    (demo_load) and Sutton's council tax settings and charge (council_tax_demo_load), so
    both commands call it and whichever runs second makes it: `make setup` may run them
    in either order. Nothing is done (and nothing returned) until both are there; once
    made, the account is returned again and not made twice."""
    from joinedup.crm.models import Person

    year = financial_year_of(today)
    organisation = Organisation.objects.filter(gss_code="E09000029").first()
    person = Person.objects.filter(user__username=DEMO_RESIDENT_USERNAME).first()
    if (
        organisation is None
        or person is None
        or not CouncilTaxSettings.objects.filter(organisation=organisation).exists()
        or not BandDCharge.objects.filter(organisation=organisation, financial_year=year).exists()
    ):
        return []
    uprn, line_1, town, postcode, band = DEMO_RESIDENT_PROPERTY
    prop, _created = Property.objects.get_or_create(
        organisation=organisation,
        uprn=uprn,
        defaults={"address_line_1": line_1, "town": town, "postcode": postcode, "band": band},
    )
    account = Account.objects.filter(property=prop).first()
    if account is None:
        account = account_open(
            actor=None,
            organisation=organisation,
            property=prop,
            liable_names=[person.full_name],
            opened_on=dt.date(year - 1, 9, 1),
            email=DEMO_RESIDENT_USERNAME,
        )
        reduction_add(
            actor=None, account=account, kind="single_person", starts_on=dt.date(year - 1, 9, 1)
        )
    if not account.bills.filter(financial_year=year).exists():
        bill = bill_issue(
            actor=None, account=account, financial_year=year, issued_on=dt.date(year, 3, 10)
        )
        _pay_by_direct_debit(account, bill, today=today, plan="all")
    liable = account.liable_people.get(is_primary=True)
    if liable.person_id is None:
        account_link_resident(user=person.user, account=account, liable_person_id=liable.pk)
    return [
        DemoAccountLine(
            organisation.name,
            account.reference,
            prop.postcode,
            f"band {band}, {person.full_name}, linked to {DEMO_RESIDENT_USERNAME}",
        )
    ]

"""Writes for council tax: accounts, reductions, bills (with their ledger charges) and
card payments against an account. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext

from joinedup.core.audit import audit_record, snapshot
from joinedup.core.models import Organisation
from joinedup.core.permissions import WRITE_ROLES, has_role
from joinedup.council_tax.models import (
    REDUCTION_PERCENT,
    Account,
    BandDCharge,
    Bill,
    CouncilTaxSettings,
    Instalment,
    LiablePerson,
    Property,
    Reduction,
    ReductionKind,
)
from joinedup.council_tax.references import reference_for_serial
from joinedup.council_tax.schedule import instalment_amounts, instalment_dates
from joinedup.payments.ledger import ledger_account_ensure, ledger_post
from joinedup.payments.models import AccountKind, Payment, TransactionKind
from joinedup.payments.services import payment_start

INCOME_CODE = "council_tax_income"
REDUCTIONS_CODE = "council_tax_reductions"


def _require_writer(actor, organisation: Organisation) -> None:
    # `actor=None` is the system itself (imports, the demo loader).
    if actor is not None and not has_role(actor, organisation, WRITE_ROLES):
        raise Http404("No such account")


@transaction.atomic
def account_open(
    *,
    actor,
    organisation: Organisation,
    property: Property,
    liable_names: list[str],
    opened_on: dt.date,
    email: str = "",
    instalments_requested: int | None = None,
) -> Account:
    """Open an account with the council's next reference, and its ledger account."""
    _require_writer(actor, organisation)
    if property.organisation_id != organisation.pk:
        raise ValidationError("The property is not in this council's area.")
    if not liable_names:
        raise ValidationError("Name at least one liable person.")
    settings = CouncilTaxSettings.objects.select_for_update().get(organisation=organisation)
    reference = None
    while reference is None:  # a modulus 11 scheme skips serials it cannot check
        reference = reference_for_serial(settings, settings.next_serial)
        settings.next_serial += 1
    settings.save(update_fields=["next_serial"])
    ledger_account = ledger_account_ensure(
        organisation=organisation,
        code=f"council_tax:{reference}",
        name=f"Council tax account {reference}",
        kind=AccountKind.ASSET,
    )
    account = Account.objects.create(
        organisation=organisation,
        reference=reference,
        property=property,
        ledger_account=ledger_account,
        opened_on=opened_on,
        email=email,
        instalments_requested=instalments_requested,
    )
    for i, name in enumerate(liable_names):
        LiablePerson.objects.create(account=account, full_name=name, is_primary=i == 0)
    audit_record(
        actor=actor,
        action="council_tax.account.open",
        obj=account,
        organisation=organisation,
        after={**snapshot(account, ["reference", "property", "opened_on"]), "liable": liable_names},
    )
    return account


@transaction.atomic
def reduction_add(
    *, actor, account: Account, kind: str, starts_on: dt.date, ends_on: dt.date | None = None
) -> Reduction:
    _require_writer(actor, account.organisation)
    if kind not in ReductionKind.values:
        raise ValidationError(f"Unknown reduction {kind!r}")
    reduction = Reduction.objects.create(
        account=account, kind=kind, starts_on=starts_on, ends_on=ends_on
    )
    audit_record(
        actor=actor,
        action="council_tax.reduction.add",
        obj=reduction,
        organisation=account.organisation,
        after={"kind": kind, "starts_on": starts_on, "ends_on": ends_on},
    )
    return reduction


def _best_reduction(account: Account, financial_year: int) -> Reduction | None:
    """The largest reduction in force at the start of the year. Discounts do not add up:
    an exemption beats a discount, a 50% discount beats the 25% one."""
    start = dt.date(financial_year, 4, 1)
    active = [
        r
        for r in account.reductions.all()
        if r.starts_on <= start and (r.ends_on is None or r.ends_on > start)
    ]
    return max(active, key=lambda r: REDUCTION_PERCENT[ReductionKind(r.kind)], default=None)


@transaction.atomic
def bill_issue(*, actor, account: Account, financial_year: int, issued_on: dt.date) -> Bill:
    """Work out the year's charge for the property's band less any reduction, split it
    into instalments on the council's days, and charge it to the account's ledger."""
    organisation = account.organisation
    _require_writer(actor, organisation)
    if Bill.objects.filter(account=account, financial_year=financial_year).exists():
        raise ValidationError("This account already has a bill for that year.")
    charge = BandDCharge.objects.filter(
        organisation=organisation, financial_year=financial_year
    ).first()
    if charge is None:
        raise ValidationError("The council has not set its charges for that year.")
    settings = CouncilTaxSettings.objects.get(organisation=organisation)
    band = account.property.band
    gross = charge.for_band(band)
    reduction = _best_reduction(account, financial_year)
    reduction_pence = gross * reduction.percent // 100 if reduction else 0
    net = gross - reduction_pence
    bill = Bill.objects.create(
        account=account,
        financial_year=financial_year,
        issued_on=issued_on,
        band=band,
        gross_pence=gross,
        reduction_pence=reduction_pence,
        reduction_label=reduction.get_kind_display() if reduction else "",
        net_pence=net,
    )
    count = account.instalments_requested or settings.default_instalments
    dates = instalment_dates(financial_year, count, settings.instalment_day)
    for number, (due_on, amount) in enumerate(
        zip(dates, instalment_amounts(net, count), strict=True), 1
    ):
        Instalment.objects.create(bill=bill, number=number, due_on=due_on, amount_pence=amount)
    income = ledger_account_ensure(
        organisation=organisation,
        code=INCOME_CODE,
        name="Council tax income",
        kind=AccountKind.INCOME,
    )
    ledger_post(
        organisation=organisation,
        kind=TransactionKind.CHARGE,
        description=f"Council tax {bill.year_label}, band {band}",
        lines=[(account.ledger_account, gross), (income, -gross)],
        recorded_by=actor.get_username() if actor else "council_tax",
    )
    if reduction_pence:
        reductions = ledger_account_ensure(
            organisation=organisation,
            code=REDUCTIONS_CODE,
            name="Council tax discounts and exemptions",
            kind=AccountKind.EXPENSE,
        )
        ledger_post(
            organisation=organisation,
            kind=TransactionKind.ADJUSTMENT,
            description=f"{bill.reduction_label} {bill.year_label}",
            lines=[(reductions, reduction_pence), (account.ledger_account, -reduction_pence)],
            recorded_by=actor.get_username() if actor else "council_tax",
        )
    audit_record(
        actor=actor,
        action="council_tax.bill.issue",
        obj=bill,
        organisation=organisation,
        after=snapshot(
            bill, ["financial_year", "band", "gross_pence", "reduction_pence", "net_pence"]
        ),
    )
    return bill


def account_payment_start(
    *,
    account: Account,
    amount_pence: int,
    what: str,
    email: str,
    language: str,
    return_url_for,
    continue_url: str,
    actor=None,
) -> Payment:
    """Start a card payment towards an account (the resident chose what to pay)."""
    settings = CouncilTaxSettings.objects.get(organisation=account.organisation)
    return payment_start(
        ledger_account=account.ledger_account,
        amount_pence=amount_pence,
        reference=account.reference,
        description=f"{settings.payment_description} {account.reference}: {what}"[:255],
        purpose="council_tax",
        return_url_for=return_url_for,
        continue_url=continue_url,
        email=email,
        language=language,
        actor=actor,
    )


# -- residents finding their account ---------------------------------------------------
class TooManyAttempts(Exception):
    pass


# At most this many tries per window from one address, and at one reference: enough for
# typing mistakes, too few to guess a postcode (a reference's postcode has thousands of
# possibilities; the address limit stops sweeping through references).
ATTEMPTS_PER_ADDRESS = 10
ATTEMPTS_PER_REFERENCE = 5
ATTEMPT_WINDOW = dt.timedelta(minutes=15)


def _key(kind: str, value: str) -> str:
    import hashlib

    from django.conf import settings as django_settings

    return hashlib.sha256(f"{kind}:{value}:{django_settings.SECRET_KEY}".encode()).hexdigest()


def _normalise_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def account_find(*, reference: str, postcode: str, client_address: str) -> Account | None:
    """The account with this reference at this postcode, or None. The answer is the
    same whether the reference does not exist or the postcode is wrong, so the page
    cannot be used to learn which references exist. Tries are limited per address and
    per reference (`TooManyAttempts`)."""
    from django.utils import timezone

    from joinedup.council_tax.models import FindAttempt

    now = timezone.now()
    keys = [_key("address", client_address), _key("reference", reference)]
    with transaction.atomic():
        FindAttempt.objects.filter(at__lt=now - ATTEMPT_WINDOW).delete()
        recent = FindAttempt.objects.filter(at__gte=now - ATTEMPT_WINDOW)
        if (
            recent.filter(key=keys[0]).count() >= ATTEMPTS_PER_ADDRESS
            or recent.filter(key=keys[1]).count() >= ATTEMPTS_PER_REFERENCE
        ):
            raise TooManyAttempts
        FindAttempt.objects.bulk_create([FindAttempt(key=k, at=now) for k in keys])
    wanted = _normalise_postcode(postcode)
    # Same queries whatever the outcome: no faster answer for a missing reference.
    candidates = list(
        Account.objects.filter(reference=reference).select_related("property", "organisation")
    )
    matches = [a for a in candidates if _normalise_postcode(a.property.postcode) == wanted]
    return matches[0] if len(matches) == 1 else None


# -- linking accounts to people in the shared citizen record -----------------------------
def _link(*, actor, liable: LiablePerson, person) -> LiablePerson:
    from django.utils import timezone

    from joinedup.crm.services import person_holding_ensure

    person = person.survivor()
    liable = LiablePerson.objects.select_for_update().select_related("account").get(pk=liable.pk)
    if liable.person_id == person.pk:
        return liable
    if liable.person_id is not None:
        raise ValidationError(
            gettext("This name on the account is already linked to someone else.")
        )
    if liable.account.liable_people.filter(person_id__in=person.identity_ids()).exists():
        raise ValidationError(
            gettext("This person is already linked to another name on the account.")
        )
    liable.person = person
    liable.linked_at = timezone.now()
    liable.linked_by = actor
    liable.save(update_fields=["person", "linked_at", "linked_by"])
    person_holding_ensure(actor=actor, person=person, organisation=liable.account.organisation)
    audit_record(
        actor=actor,
        action="council_tax.liable_person.link",
        obj=liable.account,
        organisation=liable.account.organisation,
        after={"liable_person": liable.pk, "person": str(person.public_id)},
    )
    return liable


@transaction.atomic
def liable_person_link(*, actor, account: Account, liable_person_id: int, person) -> LiablePerson:
    """An officer of the billing authority links one of the account's liable people to a
    person in the shared citizen record (one the officer can see)."""
    _require_writer(actor, account.organisation)
    liable = account.liable_people.filter(pk=liable_person_id).first()
    if liable is None:
        raise ValidationError(gettext("Choose which name on the account is this person."))
    return _link(actor=actor, liable=liable, person=person)


@transaction.atomic
def account_link_resident(*, user, account: Account, liable_person_id: int) -> LiablePerson:
    """A signed-in resident who has just found the account by reference and postcode says
    which liable person they are; the account then shows in their account and on their
    record for the council's officers."""
    from joinedup.crm.models import Person

    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise Http404("No person record")
    liable = account.liable_people.filter(pk=liable_person_id).first()
    if liable is None:
        raise ValidationError(gettext("Choose which name on the bill is yours."))
    return _link(actor=user, liable=liable, person=person)


def _unlink(*, actor, liable: LiablePerson) -> LiablePerson:
    """Take the link to the person off a liable person. The account, its bills and the
    name on it stay; the council still holds the person (it may hold other records about
    them), so only the link goes."""
    before = {
        "liable_person": liable.pk,
        "person": str(liable.person.public_id) if liable.person else None,
        "linked_at": liable.linked_at,
        "linked_by": liable.linked_by_id,
    }
    liable.person = None
    liable.linked_at = None
    liable.linked_by = None
    liable.save(update_fields=["person", "linked_at", "linked_by"])
    audit_record(
        actor=actor,
        action="council_tax.liable_person.unlink",
        obj=liable.account,
        organisation=liable.account.organisation,
        before=before,
        after={"liable_person": liable.pk, "person": None},
    )
    return liable


@transaction.atomic
def account_unlink_resident(*, user, liable_person_id: int) -> LiablePerson:
    """A signed-in resident takes a council tax account they linked (or an officer linked
    for them) out of their account. Only their own link: any other id is a 404."""
    from joinedup.crm.models import Person

    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise Http404("No such link")
    liable = (
        LiablePerson.objects.select_for_update(of=("self",))
        .select_related("account__organisation", "person")
        .filter(pk=liable_person_id, person_id__in=person.identity_ids())
        .first()
    )
    if liable is None:
        raise Http404("No such link")
    return _unlink(actor=user, liable=liable)


@transaction.atomic
def liable_person_unlink(*, actor, account: Account, liable_person_id: int) -> LiablePerson:
    """An officer of the billing authority takes the link to a person off one of the
    account's liable people (linked to the wrong person, say)."""
    _require_writer(actor, account.organisation)
    liable = (
        LiablePerson.objects.select_for_update(of=("self",))
        .select_related("account__organisation", "person")
        .filter(pk=liable_person_id, account=account, person__isnull=False)
        .first()
    )
    if liable is None:
        raise Http404("No such link")
    return _unlink(actor=actor, liable=liable)

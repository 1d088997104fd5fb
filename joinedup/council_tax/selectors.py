"""Reads of council tax data: for residents, the one account they found; for officers,
the accounts of the councils they work for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.core.permissions import READ_ROLES, WRITE_ROLES, organisation_ids_for
from joinedup.core.text import search_text
from joinedup.council_tax.models import Account, Bill, CouncilTaxSettings, LiablePerson
from joinedup.council_tax.schedule import InstalmentState, allocate, recovery_stage
from joinedup.payments.models import Payment
from joinedup.payments.selectors import ledger_account_balance, refundable_pence


@dataclass
class AccountSummary:
    account: Account
    bill: Bill | None
    balance_pence: int
    instalments: list[InstalmentState]
    recovery_stage: str
    missed: int
    next_instalment: InstalmentState | None
    today: dt.date

    @property
    def overdue_pence(self) -> int:
        return sum(
            s.outstanding_pence for s in self.instalments if s.status(self.today) == "overdue"
        )

    @property
    def whole_balance_due(self) -> bool:
        """After a final notice the right to instalments is lost."""
        return self.recovery_stage in ("final_notice", "summons", "liability_order")


def account_summary(account: Account, *, today: dt.date) -> AccountSummary:
    balance = ledger_account_balance(account.ledger_account)
    bill = account.bills.prefetch_related("instalments").first()
    states: list[InstalmentState] = []
    stage, missed = "up_to_date", 0
    if bill is not None:
        paid = bill.net_pence - balance  # what has gone towards this year's bill
        states = allocate(
            [(i.number, i.due_on, i.amount_pence) for i in bill.instalments.all()], paid
        )
        settings = CouncilTaxSettings.objects.get(organisation_id=account.organisation_id)
        stage, missed = recovery_stage(
            states,
            today,
            grace_days=settings.reminder_grace_days,
            final_notice_after_missed=settings.final_notice_after_missed,
            summons_after_days=settings.summons_after_days,
            liability_order_after_days=settings.liability_order_after_days,
        )
    upcoming = next((s for s in states if s.outstanding_pence > 0), None)
    return AccountSummary(account, bill, balance, states, stage, missed, upcoming, today)


def account_for_resident(*, account_id: int | None) -> Account:
    """The account a resident found this session (the session holds only its id)."""
    account = (
        Account.objects.filter(pk=account_id).select_related("property", "organisation").first()
        if account_id
        else None
    )
    if account is None:
        raise Http404("No account")
    return account


def account_list(*, actor, query: str = "") -> QuerySet[Account]:
    accounts = Account.objects.filter(
        organisation_id__in=organisation_ids_for(actor, READ_ROLES)
    ).select_related("property", "organisation")
    query = search_text(query)
    if query:
        squashed = "".join(query.split()).upper()
        accounts = accounts.filter(
            Q(reference__iexact=squashed)
            | Q(property__postcode__iexact=query.upper())
            | Q(property__address_line_1__icontains=query)
            | Q(liable_people__full_name__icontains=query)
        ).distinct()
    return accounts.order_by("organisation__name", "reference")


def account_get(*, actor, account_id: int) -> Account:
    account = (
        account_list(actor=actor)
        .prefetch_related("liable_people", "reductions")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise Http404("No such account")
    return account


def can_refund(*, actor, account: Account) -> bool:
    return account.organisation_id in organisation_ids_for(actor, WRITE_ROLES)


def account_payments(*, account: Account) -> list[tuple[Payment, int]]:
    """The account's card payments, each with what may still be refunded."""
    payments = Payment.objects.filter(ledger_account=account.ledger_account).prefetch_related(
        "refunds"
    )
    return [(p, refundable_pence(p)) for p in payments]


def account_payment_get(*, actor, payment_id) -> tuple[Payment, Account]:
    payment = (
        Payment.objects.filter(
            pk=payment_id,
            purpose="council_tax",
            organisation_id__in=organisation_ids_for(actor, READ_ROLES),
        )
        .select_related("organisation", "ledger_account__council_tax_account")
        .first()
    )
    if payment is None:
        raise Http404("No such payment")
    return payment, Account.objects.get(ledger_account=payment.ledger_account)


@dataclass
class ResidentLink:
    """What a signed-in resident may do with the account they found: add it to their
    account (choosing which liable name is theirs), or it is already theirs."""

    linked: bool
    choices: list[LiablePerson]


def resident_link_state(*, user, account: Account) -> ResidentLink | None:
    """None when the visitor has no account of their own (not signed in, or an officer)."""
    from joinedup.crm.models import Person

    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        return None
    people = list(account.liable_people.all())
    ids = set(person.survivor().identity_ids())
    if any(p.person_id in ids for p in people):
        return ResidentLink(linked=True, choices=[])
    return ResidentLink(linked=False, choices=[p for p in people if p.person_id is None])


def liable_people_with_links(*, account: Account) -> list[LiablePerson]:
    return list(account.liable_people.select_related("person"))


def resident_link_get(*, user, liable_person_id: int) -> LiablePerson:
    """A link between a council tax account and the signed-in resident's own record;
    anyone else's (or none) is a 404."""
    from joinedup.crm.models import Person

    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    liable = (
        LiablePerson.objects.filter(pk=liable_person_id, person_id__in=person.identity_ids())
        .select_related("account__property", "account__organisation")
        .first()
        if person is not None
        else None
    )
    if liable is None:
        raise Http404("No such link")
    return liable


def account_link_get(*, account: Account, liable_person_id: int) -> LiablePerson:
    """One of the account's liable people that is linked to a person, else a 404."""
    liable = (
        account.liable_people.filter(pk=liable_person_id, person__isnull=False)
        .select_related("person")
        .first()
    )
    if liable is None:
        raise Http404("No such link")
    return liable

"""Council tax in the shared citizen record: the `council_tax` category's provider
(see crm.registry and docs/crm.md). An account belongs to a person through a
`LiablePerson` linked to their `crm.Person`; only accounts of the organisations the CRM
passes in are included.

The category's erasure rule is `keep`: accounts, bills and payments are financial
records kept under the Council Tax (Administration and Enforcement) Regulations 1992 and
for audit, so an erasure request counts them and says why. `anonymise` is for when the
retention period has run out (`expire`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from joinedup.council_tax.models import Account, LiablePerson
from joinedup.crm.registry import ErasureOutcome, LinkedRecord, OrganisationIds, organisation_filter
from joinedup.payments.models import Payment, PaymentStatus
from joinedup.payments.selectors import ledger_account_balance

CATEGORY = "council_tax"
ERASED = "(erased)"


def _money(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _end_of_financial_year(day: dt.date) -> dt.date:
    """31 March ending the financial year that contains `day`."""
    return dt.date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


class CouncilTaxProvider:
    category = CATEGORY

    def _liabilities(
        self, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> QuerySet[LiablePerson]:
        return LiablePerson.objects.filter(
            organisation_filter(organisation_ids, "account__organisation"),
            person_id__in=person_ids,
        ).select_related("account__property", "account__ledger_account")

    def _accounts(self, person_ids: Sequence[int], organisation_ids: OrganisationIds):
        seen: dict[int, tuple[Account, LiablePerson]] = {}
        for liable in self._liabilities(person_ids, organisation_ids).order_by(
            "account__organisation_id", "account__reference", "id"
        ):
            seen.setdefault(liable.account_id, (liable.account, liable))
        return list(seen.values())

    @staticmethod
    def _payments(account: Account) -> QuerySet[Payment]:
        return Payment.objects.filter(ledger_account=account.ledger_account).order_by("created_at")

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        result: list[LinkedRecord] = []
        for account, liable in self._accounts(person_ids, organisation_ids):
            url = reverse("council_tax:staff-account", args=[account.pk])
            # Shown in "Your account": the resident can take the account out of it.
            unlink = {
                "label": _("Remove from your account"),
                "url": reverse("council_tax:unlink", args=[liable.pk]),
            }
            balance = ledger_account_balance(account.ledger_account)
            result.append(
                LinkedRecord(
                    category=self.category,
                    organisation_id=account.organisation_id,
                    kind=_("Council tax account"),
                    reference=account.reference,
                    title=f"{account.reference}: {account.property.address}",
                    status=_("Balance %(amount)s") % {"amount": _money(balance)},
                    occurred_at=_midnight(account.opened_on),
                    url=url,
                    details={
                        "balance_pence": balance,
                        "closed_on": account.closed_on,
                        "resident_actions": [unlink],
                    },
                )
            )
            for payment in self._payments(account).filter(status=PaymentStatus.SUCCESS):
                result.append(
                    LinkedRecord(
                        category=self.category,
                        organisation_id=account.organisation_id,
                        kind=_("Council tax payment"),
                        reference=str(payment.pk),
                        title=f"{_money(payment.amount_pence)}: {payment.description}",
                        status=_("Paid"),
                        occurred_at=payment.created_at,
                        url=url,
                    )
                )
        return result

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for account, liable in self._accounts(person_ids, organisation_ids):
            bills = account.bills.prefetch_related("instalments").order_by("financial_year")
            rows.append(
                {
                    "organisation": account.organisation_id,
                    "reference": account.reference,
                    "property": account.property.address,
                    "band": account.property.band,
                    "opened_on": account.opened_on.isoformat(),
                    "closed_on": account.closed_on.isoformat() if account.closed_on else None,
                    "liable_as": liable.full_name,
                    "email": account.email,
                    "balance_pence": ledger_account_balance(account.ledger_account),
                    "bills": [
                        {
                            "financial_year": bill.year_label,
                            "issued_on": bill.issued_on.isoformat(),
                            "band": bill.band,
                            "gross_pence": bill.gross_pence,
                            "reduction": bill.reduction_label,
                            "reduction_pence": bill.reduction_pence,
                            "net_pence": bill.net_pence,
                            "instalments": [
                                {
                                    "number": i.number,
                                    "due_on": i.due_on.isoformat(),
                                    "amount_pence": i.amount_pence,
                                }
                                for i in bill.instalments.all()
                            ],
                        }
                        for bill in bills
                    ],
                    "payments": [
                        {
                            "id": str(p.pk),
                            "amount_pence": p.amount_pence,
                            "description": p.description,
                            "status": p.status,
                            "email": p.email,
                            "created_at": p.created_at.isoformat(),
                            "refunds": [
                                {
                                    "amount_pence": r.amount_pence,
                                    "status": r.status,
                                    "created_at": r.created_at.isoformat(),
                                }
                                for r in p.refunds.all()
                            ],
                        }
                        for p in self._payments(account).prefetch_related("refunds")
                    ],
                }
            )
        return rows

    def _anonymise(self, liabilities: QuerySet[LiablePerson]) -> int:
        account_ids = set(liabilities.values_list("account_id", flat=True))
        count = liabilities.update(full_name=ERASED, person=None)
        Account.objects.filter(pk__in=account_ids).update(email="")
        return count

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        """Called when the retention period has run out, not for an erasure request (the
        category's rule is `keep`). The name and the link to the person go; the account,
        bills and ledger stay, as the council's accounts need them."""
        count = self._anonymise(self._liabilities(person_ids, organisation_ids))
        return ErasureOutcome(
            category=self.category,
            anonymised=count,
            notes=["Liable person's name, email and link removed; bills and payments kept"],
        )

    def expire(self, *, before: dt.datetime) -> int:
        """Accounts closed in a financial year that ended before `before` (the category's
        retention: six years after the financial year)."""
        cutoff = before.date()
        stale = [
            pk
            for pk, closed_on in Account.objects.filter(
                closed_on__isnull=False, closed_on__lt=cutoff
            ).values_list("pk", "closed_on")
            if closed_on is not None and _end_of_financial_year(closed_on) < cutoff
        ]
        return self._anonymise(
            LiablePerson.objects.filter(account_id__in=stale).exclude(full_name=ERASED)
        )

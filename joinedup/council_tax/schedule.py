"""Instalment plans and where an account stands (pure functions, no database)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def instalment_amounts(net_pence: int, count: int) -> list[int]:
    """Equal whole-pound instalments with the odd amount in the first, as bills do."""
    if count < 1:
        raise ValueError("At least one instalment")
    if net_pence == 0:
        return [0] * count
    regular = (net_pence // count) // 100 * 100
    first = net_pence - regular * (count - 1)
    return [first] + [regular] * (count - 1)


def instalment_dates(
    financial_year: int, count: int, day: int, first_due: dt.date | None = None
) -> list[dt.date]:
    """Monthly due dates from April (or the month of `first_due`): 10 instalments run
    April to January, 12 run April to March. Ten monthly instalments is the default plan
    in the Council Tax (Administration and Enforcement) Regulations 1992, Schedule 1;
    in England a payer may ask for twelve (an amendment in force from April 2013)."""
    year, month = financial_year, 4
    if first_due is not None:
        year, month = first_due.year, first_due.month
    dates = []
    for _ in range(count):
        last = calendar.monthrange(year, month)[1]
        dates.append(dt.date(year, month, min(day, last)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return dates


@dataclass
class InstalmentState:
    number: int
    due_on: dt.date
    amount_pence: int
    paid_pence: int

    @property
    def outstanding_pence(self) -> int:
        return self.amount_pence - self.paid_pence

    def status(self, today: dt.date) -> str:
        if self.outstanding_pence <= 0:
            return "paid"
        if self.due_on < today:
            return "overdue"
        if self.paid_pence > 0:
            return "part_paid"
        return "due"


def allocate(instalments: list[tuple[int, dt.date, int]], paid_pence: int) -> list[InstalmentState]:
    """Money paid goes to the earliest instalments first."""
    states = []
    left = max(paid_pence, 0)
    for number, due_on, amount in instalments:
        take = min(left, amount)
        left -= take
        states.append(InstalmentState(number, due_on, amount, take))
    return states


RECOVERY_STAGES = (
    "up_to_date",
    "reminder",
    "second_reminder",
    "final_notice",
    "summons",
    "liability_order",
)


def recovery_stage(
    states: list[InstalmentState],
    today: dt.date,
    *,
    grace_days: int,
    final_notice_after_missed: int,
    summons_after_days: int,
    liability_order_after_days: int,
) -> tuple[str, int]:
    """(stage, instalments missed). An instalment is missed once it is `grace_days` past
    due and not fully paid. One missed: reminder; two: second reminder; from
    `final_notice_after_missed`: final notice (the right to pay by instalments is lost
    and the whole balance is due); then summons and liability order after the
    council's intervals. A computed indicator: issuing the notices is a separate step."""
    missed = [
        s
        for s in states
        if s.outstanding_pence > 0 and s.due_on + dt.timedelta(days=grace_days) < today
    ]
    count = len(missed)
    if count == 0:
        return "up_to_date", 0
    if count < final_notice_after_missed:
        return ("reminder" if count == 1 else "second_reminder"), count
    final_from = missed[final_notice_after_missed - 1].due_on + dt.timedelta(days=grace_days)
    if today > final_from + dt.timedelta(days=summons_after_days + liability_order_after_days):
        return "liability_order", count
    if today > final_from + dt.timedelta(days=summons_after_days):
        return "summons", count
    return "final_notice", count

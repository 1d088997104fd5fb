"""Charges, references, instalments and recovery: the council tax rules."""

import datetime as dt

import pytest

from joinedup.council_tax.models import BandDCharge, CheckDigit, CouncilTaxSettings
from joinedup.council_tax.references import (
    check_digit,
    reference_for_serial,
    reference_is_well_formed,
)
from joinedup.council_tax.schedule import (
    allocate,
    financial_year_of,
    instalment_amounts,
    instalment_dates,
    recovery_stage,
)


def test_band_charges_are_ninths_of_band_d():
    # Sutton's published 2024-25 table: A £1,444.12 … H £4,332.36 from D £2,166.18.
    charge = BandDCharge(band_d_pence=216618)
    assert {b: charge.for_band(b) for b in "ABCDEFGH"} == {
        "A": 144412,
        "B": 168481,
        "C": 192549,
        "D": 216618,
        "E": 264755,
        "F": 312893,
        "G": 361030,
        "H": 433236,
    }


def test_luhn_and_mod11_check_digits():
    assert check_digit("7992739871", CheckDigit.LUHN) == "3"  # the textbook Luhn example
    assert check_digit("6000001", CheckDigit.NONE) == ""
    # mod 11 with weights 2,3,4… from the right: 5,0,0,1 → 1*2+0*3+0*4+5*5 = 27, 11-27%11 = 6
    assert check_digit("5001", CheckDigit.MOD11) == "6"


@pytest.mark.parametrize(
    ("prefix", "length", "method", "serial", "expected"),
    [
        ("6", 9, CheckDigit.LUHN, 1001, "600010011"),
        ("7", 8, CheckDigit.NONE, 1001, "70001001"),
        ("5", 9, CheckDigit.MOD11, 1001, "500010013"),
    ],
)
def test_references_follow_each_councils_format(prefix, length, method, serial, expected):
    settings = CouncilTaxSettings(
        reference_prefix=prefix, reference_length=length, check_digit=method
    )
    reference = reference_for_serial(settings, serial)
    assert reference == expected
    assert reference_is_well_formed(settings, reference)
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert reference_is_well_formed(settings, wrong) == (method == CheckDigit.NONE)
    assert not reference_is_well_formed(settings, "9" + reference[1:])


def test_mod11_skips_serials_without_a_check_digit():
    settings = CouncilTaxSettings(
        reference_prefix="5", reference_length=6, check_digit=CheckDigit.MOD11
    )
    unusable = [n for n in range(1, 200) if reference_for_serial(settings, n) is None]
    assert unusable  # some serials give remainder 10 and are skipped
    assert all(check_digit(f"5{n:04d}", CheckDigit.MOD11) is None for n in unusable)


def test_instalments_are_whole_pounds_with_the_odd_amount_first():
    amounts = instalment_amounts(216618, 10)
    assert amounts == [22218] + [21600] * 9
    assert sum(amounts) == 216618
    assert sum(instalment_amounts(144412, 12)) == 144412
    assert instalment_amounts(0, 10) == [0] * 10


def test_ten_instalments_run_april_to_january_twelve_to_march():
    ten = instalment_dates(2026, 10, 15)
    assert (ten[0], ten[-1], len(ten)) == (dt.date(2026, 4, 15), dt.date(2027, 1, 15), 10)
    twelve = instalment_dates(2026, 12, 1)
    assert (twelve[0], twelve[-1]) == (dt.date(2026, 4, 1), dt.date(2027, 3, 1))
    assert instalment_dates(2026, 2, 31, first_due=dt.date(2027, 2, 1)) == [
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 31),
    ]


def test_financial_year():
    assert financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert financial_year_of(dt.date(2026, 4, 1)) == 2026


def _stage(paid_instalments: int, today: dt.date):
    plan = [(n, d, 10000) for n, d in enumerate(instalment_dates(2026, 10, 1), 1)]
    states = allocate(plan, paid_instalments * 10000)
    return recovery_stage(
        states,
        today,
        grace_days=7,
        final_notice_after_missed=3,
        summons_after_days=14,
        liability_order_after_days=28,
    )


@pytest.mark.parametrize(
    ("paid", "today", "expected"),
    [
        (8, dt.date(2026, 11, 20), ("up_to_date", 0)),
        (7, dt.date(2026, 11, 5), ("up_to_date", 0)),  # November's is within its 7 days' grace
        (7, dt.date(2026, 11, 20), ("reminder", 1)),
        (6, dt.date(2026, 11, 20), ("second_reminder", 2)),
        (5, dt.date(2026, 11, 20), ("final_notice", 3)),  # 3rd missed 1 Nov, final from 8 Nov
        (5, dt.date(2026, 11, 23), ("summons", 3)),  # more than 14 days after 8 Nov
        (5, dt.date(2026, 12, 21), ("liability_order", 4)),
    ],
)
def test_recovery_stage_follows_missed_instalments(paid, today, expected):
    assert _stage(paid, today) == expected


def test_part_payments_go_to_the_earliest_instalment():
    plan = [(1, dt.date(2026, 4, 1), 100), (2, dt.date(2026, 5, 1), 100)]
    first, second = allocate(plan, 150)
    assert (first.paid_pence, second.paid_pence) == (100, 50)
    assert second.status(dt.date(2026, 4, 20)) == "part_paid"
    assert second.status(dt.date(2026, 5, 2)) == "overdue"

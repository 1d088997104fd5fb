"""Account references: a council's prefix, a serial number and, where the council uses
one, a check digit. Each council's format is data in CouncilTaxSettings."""

from __future__ import annotations

import re

from joinedup.council_tax.models import CheckDigit, CouncilTaxSettings


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:  # doubled: the rightmost digit before the check digit
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def mod11_digit(digits: str) -> str | None:
    """Weights 2, 3, 4 … from the right; a remainder giving 10 means the serial is
    not usable (None), as in the common modulus 11 schemes."""
    total = sum(int(ch) * (i + 2) for i, ch in enumerate(reversed(digits)))
    check = (11 - total % 11) % 11
    return None if check == 10 else str(check)


def check_digit(digits: str, method: str) -> str | None:
    if method == CheckDigit.LUHN:
        return luhn_digit(digits)
    if method == CheckDigit.MOD11:
        return mod11_digit(digits)
    return ""


def normalise_reference(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def reference_is_well_formed(settings: CouncilTaxSettings, reference: str) -> bool:
    if not re.match(settings.reference_pattern, reference):
        return False
    if settings.check_digit == CheckDigit.NONE:
        return True
    return check_digit(reference[:-1], settings.check_digit) == reference[-1]


def reference_for_serial(settings: CouncilTaxSettings, serial: int) -> str | None:
    """The reference for a serial number, or None if the scheme cannot use it."""
    has_check = settings.check_digit != CheckDigit.NONE
    width = settings.reference_length - len(settings.reference_prefix) - (1 if has_check else 0)
    body = f"{settings.reference_prefix}{serial:0{width}d}"
    if len(body) + (1 if has_check else 0) != settings.reference_length:
        raise ValueError("The council's reference numbers have run out")
    digit = check_digit(body, settings.check_digit)
    return None if digit is None else body + digit

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from joinedup.council_tax.references import normalise_reference

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")


class PoundsField(forms.Field):
    """An amount typed in pounds ("12.50", "£1,200") returned in pence."""

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        cleaned = str(value)[:20].replace("£", "").replace(",", "").strip()
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as exc:
            raise forms.ValidationError(
                _("Enter an amount in pounds and pence, like 25.50")
            ) from exc
        if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
            raise forms.ValidationError(_("Enter an amount in pounds and pence, like 25.50"))
        return int(amount * 100)


class FindAccountForm(forms.Form):
    reference = forms.CharField(
        label=_("Council tax account reference"),
        max_length=20,
        error_messages={"required": _("Enter your council tax account reference")},
    )
    postcode = forms.CharField(
        label=_("Postcode of the property"),
        max_length=10,
        error_messages={"required": _("Enter the postcode of the property")},
    )

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        if not (reference.isascii() and reference.isdigit()):
            raise forms.ValidationError(
                _("Your account reference is a number, as shown on your bill")
            )
        return reference

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip().upper()
        if not POSTCODE.match(postcode):
            raise forms.ValidationError(_("Enter a real postcode, like SM1 1EA"))
        return postcode


class PayForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What do you want to pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you want to pay")},
    )
    other_amount = PoundsField(label=_("Amount"), required=False)
    email = forms.EmailField(
        label=_("Email address for your receipt"),
        required=False,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )

    def __init__(self, *args, choices: list[tuple[str, str]], balance_pence: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = choices  # type: ignore[attr-defined]
        self.balance_pence = balance_pence

    def clean(self):
        data = super().clean() or {}
        if data.get("what") == "other":
            amount = data.get("other_amount")
            if amount is None and "other_amount" not in self.errors:
                self.add_error("other_amount", _("Enter the amount you want to pay"))
            elif amount is not None and amount > max(self.balance_pence, 0):
                self.add_error("other_amount", _("Enter an amount no more than your balance"))
        return data


class RefundForm(forms.Form):
    amount = PoundsField(
        label=_("Amount to refund"), error_messages={"required": _("Enter the amount to refund")}
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        error_messages={"required": _("Enter the reason for the refund")},
    )
    expected_available = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class LinkAccountForm(forms.Form):
    """A signed-in resident says which name on the bill is theirs."""

    liable_person = forms.TypedChoiceField(
        label=_("Which name on the bill is yours?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which name on the bill is yours")},
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["liable_person"].choices = choices  # type: ignore[attr-defined]


class StaffLinkForm(forms.Form):
    """An officer links one liable person on the account to a person they can see."""

    liable_person = forms.TypedChoiceField(label="Liable person", coerce=int)
    person = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Choose a person"}
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["liable_person"].choices = choices  # type: ignore[attr-defined]

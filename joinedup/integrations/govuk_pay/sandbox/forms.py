from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from joinedup.integrations.govuk_pay.sandbox.services import CardEntry, luhn_valid


class CardForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        error_messages={"required": _("Enter your card number")},
    )
    expiry_month = forms.IntegerField(
        label=_("Month"),
        min_value=1,
        max_value=12,
        error_messages={
            "required": _("Enter the expiry date"),
            "invalid": _("Enter a valid expiry date"),
            "min_value": _("Enter a valid expiry date"),
            "max_value": _("Enter a valid expiry date"),
        },
    )
    expiry_year = forms.IntegerField(
        label=_("Year"),
        min_value=0,
        max_value=2099,
        error_messages={
            "required": _("Enter the expiry date"),
            "invalid": _("Enter a valid expiry date"),
            "min_value": _("Enter a valid expiry date"),
            "max_value": _("Enter a valid expiry date"),
        },
    )
    cardholder_name = forms.CharField(
        label=_("Name on card"),
        max_length=255,
        error_messages={"required": _("Enter the name as it appears on the card")},
    )
    cvc = forms.CharField(
        label=_("Card security code"),
        max_length=4,
        error_messages={"required": _("Enter the card security code")},
    )

    def clean_card_number(self) -> str:
        number = "".join(ch for ch in self.cleaned_data["card_number"] if ch not in " -")
        if not luhn_valid(number):
            raise forms.ValidationError(_("Enter a valid card number"))
        return number

    def clean_cvc(self) -> str:
        cvc = self.cleaned_data["cvc"].strip()
        if not (cvc.isascii() and cvc.isdigit()) or len(cvc) not in (3, 4):
            raise forms.ValidationError(_("Enter a valid card security code"))
        return cvc

    def clean(self) -> dict:
        data = super().clean() or {}
        month, year = data.get("expiry_month"), data.get("expiry_year")
        if month and year is not None:
            year = year + 2000 if year < 100 else year
            today = timezone.localdate()
            if (year, month) < (today.year, today.month):
                self.add_error("expiry_month", _("Enter a valid expiry date"))
            data["expiry_year"] = year
        return data

    def card(self) -> CardEntry:
        d = self.cleaned_data
        return CardEntry(
            d["card_number"], d["expiry_month"], d["expiry_year"], d["cardholder_name"], d["cvc"]
        )

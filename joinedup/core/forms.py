from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from joinedup.core.middleware import client_address
from joinedup.core.selectors import sign_in_locked_out
from joinedup.core.services import sign_in_attempt_record


class SignInForm(AuthenticationForm):
    """Password sign-in, throttled: after too many failures the account (or address) is
    locked out for a while, and even the right password is refused until then."""

    error_messages = {
        "invalid_login": _("Enter a correct username and password. Both are case-sensitive."),
        "inactive": _("This account is not active."),
        "locked": _(
            "There have been too many failed attempts to sign in. Wait 15 minutes and try again."
        ),
    }

    username = forms.CharField(label=_("Username"), max_length=150)

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else ""
        if username and sign_in_locked_out(username=username, address=address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                sign_in_attempt_record(username=username, address=address, succeeded=False)
            raise
        sign_in_attempt_record(username=username, address=address, succeeded=True)
        return cleaned


class TokenForm(forms.Form):
    WRONG_CODE = _("The code is not right or has expired. Enter the code your app shows now")

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit()) or len(token) != 6:
            raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app"))
        return token

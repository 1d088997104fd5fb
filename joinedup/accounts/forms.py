from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from joinedup.core.forms import SignInForm


class SignUpForm(forms.Form):
    given_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter your first name")},
    )
    family_name = forms.CharField(
        label=_("Last name"), max_length=100, error_messages={"required": _("Enter your last name")}
    )
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    password = forms.CharField(
        label=_("Create a password"),
        help_text=_(
            "At least 12 characters. A few unrelated words are easy to remember and hard to guess."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password")},
    )


class ResidentSignInForm(SignInForm):
    username = forms.CharField(
        label=_("Email address"),
        max_length=150,
        error_messages={"required": _("Enter your email address")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )
    error_messages = {
        **SignInForm.error_messages,
        "invalid_login": _("Enter a correct email address and password"),
        "unverified": _("Confirm your email address first: use the link we sent you"),
    }

    def clean_username(self) -> str:
        # Residents' usernames are their email addresses, kept in lower case.
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from joinedup.accounts.services import account_can_sign_in

        if not account_can_sign_in(user=user):
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        help_text=_("At least 12 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a new password")},
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want your data erased? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

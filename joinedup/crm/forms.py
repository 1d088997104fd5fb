from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from joinedup.crm.models import Channel, DataCategory, LawfulBasis


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        error_messages={"required": _("Enter the person's given name")},
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        error_messages={"required": _("Enter the person's family name")},
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        help_text=_("For example, 27/3/1980"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Date of birth must be a real date, like 27/3/1980")},
    )
    email = forms.EmailField(label=_("Email address (optional)"), required=False)
    phone = forms.CharField(label=_("Phone number (optional)"), required=False, max_length=30)
    line_1 = forms.CharField(label=_("Address line 1 (optional)"), required=False, max_length=200)
    town = forms.CharField(label=_("Town (optional)"), required=False, max_length=100)
    postcode = forms.CharField(label=_("Postcode (optional)"), required=False, max_length=10)
    uprn = forms.IntegerField(
        label=_("UPRN (optional)"), required=False, min_value=1, max_value=999999999999
    )

    def address(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("line_1") or data.get("postcode")):
            return None
        return {k: data.get(k) for k in ("line_1", "town", "postcode", "uprn")}


class ContactDetailsForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=30)
    line_1 = forms.CharField(label=_("Address line 1"), required=False, max_length=200)
    town = forms.CharField(label=_("Town"), required=False, max_length=100)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    uprn = forms.IntegerField(label=_("UPRN"), required=False, min_value=1, max_value=999999999999)

    def address(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("line_1") or data.get("postcode")):
            return None
        return {k: data.get(k) for k in ("line_1", "town", "postcode", "uprn")}


class ContactEventForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the contact happen?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the contact happened")},
    )
    inbound = forms.TypedChoiceField(
        label=_("Who made contact?"),
        choices=[("1", _("The person contacted us")), ("0", _("We contacted the person"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who made contact")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Enter a summary of the contact")},
    )


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=32)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose of the sharing"), widget=forms.Textarea(attrs={"rows": 3})
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"), choices=LawfulBasis.choices, widget=forms.RadioSelect
    )
    lawful_basis_detail = forms.CharField(
        label=_("Statute or condition relied on (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Data categories shared"),
        queryset=DataCategory.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    parties: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Other parties"), queryset=None, widget=forms.CheckboxSelectMultiple
    )  # type: ignore[arg-type]
    start_date = forms.DateField(label=_("Start date"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    end_date = forms.DateField(
        label=_("End date (optional)"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    review_date = forms.DateField(label=_("Review date"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def __init__(self, *args, parties_queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = parties_queryset  # type: ignore[attr-defined]

"""Forms of the report pages and of the officers' case page. They parse and check the
shape of input; the services decide what is allowed."""

from __future__ import annotations

import math
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from joinedup.service_requests.index import RequestTypeInfo
from joinedup.service_requests.models import Datatype, Status
from joinedup.service_requests.photos import MAX_PHOTOS


class ChoicesForm(forms.Form):
    @property
    def _choices(self) -> dict[str, forms.ChoiceField]:
        """The form's choice fields, typed so their choices can be set."""
        return {name: cast(forms.ChoiceField, field) for name, field in self.fields.items()}


class LocationFields(ChoicesForm):
    """Where: a postcode, or a point from the map (hidden lat/lon)."""

    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("The postcode nearest the problem, for example SM1 1AA."),
        max_length=16,
        required=False,
        error_messages={"max_length": _("Enter a postcode, like SM1 1AA.")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) or (
            lat is not None and lon is not None and not (math.isfinite(lat) and math.isfinite(lon))
        ):
            self.add_error("postcode", _("Drop a pin on the map again, or enter a postcode."))
            data["lat"] = data["lon"] = None
        elif (
            lat is None
            and not (data.get("postcode") or "").strip()
            and "postcode" not in self.errors
        ):
            self.add_error("postcode", _("Enter a postcode, or use the map to show where."))
        return data


class StartForm(LocationFields):
    """The first page: what the problem is and where."""

    service = forms.ChoiceField(
        label=_("What is the problem?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the problem is."),
            "invalid_choice": _("Choose what the problem is."),
        },
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices["service"].choices = services
        self.order_fields(["service", "postcode", "lat", "lon"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Add up to %(n)s photos.") % {"n": MAX_PHOTOS})
        return files


def question_field_name(code: str) -> str:
    return f"q_{code}"


class DetailsForm(LocationFields):
    """The report itself: the service's questions, what and exactly where, photos, and
    how to reach the person reporting."""

    service = forms.CharField(widget=forms.HiddenInput, max_length=60)
    description = forms.CharField(
        label=_("Describe the problem"),
        help_text=_("Optional. Anything that helps us find and fix it."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        required=False,
        error_messages={"max_length": _("Describe the problem in 4,000 characters or fewer.")},
    )
    location_text = forms.CharField(
        label=_("Exactly where is it?"),
        help_text=_("Optional. For example: outside number 12, by the bus stop."),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Use 255 characters or fewer.")},
    )
    photos = MultipleFileField(
        label=_("Photos"),
        help_text=_(
            "Optional. Up to 3 photos (JPEG, PNG or WebP, 10 MB each). We remove the location and camera details before anyone else sees them."
        ),
        required=False,
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Use 200 characters or fewer.")},
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        error_messages={"max_length": _("Enter an email address like name@example.com.")},
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=32,
        required=False,
        error_messages={"max_length": _("Enter a phone number, like 07700 900 982.")},
    )

    def __init__(self, *args: Any, request_type: RequestTypeInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.request_type = request_type
        self.question_names = []
        for question in request_type.questions:
            label, hint = question.localised(language)
            choices = [(v.key, v.localised(language)) for v in question.values]
            common: dict[str, Any] = {"label": label, "help_text": hint, "required": False}
            field: forms.Field
            if question.datatype == Datatype.SINGLE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            elif question.datatype == Datatype.MULTI:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            elif question.datatype == Datatype.TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common
                )
            elif question.datatype == Datatype.DATETIME:
                field = forms.CharField(
                    widget=forms.DateInput(attrs={"type": "date"}), max_length=40, **common
                )
            elif question.datatype == Datatype.NUMBER:
                field = forms.CharField(
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=40, **common
                )
            else:
                field = forms.CharField(max_length=255, **common)
            name = question_field_name(question.code)
            self.fields[name] = field
            self.question_names.append(name)
        if not request_type.anonymous_allowed:
            self.fields["email"].help_text = _(
                "We need an email address or a mobile number to tell you what happens."
            )
        else:
            self.fields["email"].help_text = _(
                "Optional. Give one if you want to hear what happens."
            )

    def answers(self) -> dict[str, Any]:
        return {
            q.code: self.cleaned_data.get(question_field_name(q.code))
            for q in self.request_type.questions
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors on the fields the resident filled in."""
        mapping = {"address_string": "location_text", "lat": None, "media_url": None}
        for key, messages in error.message_dict.items():
            if key.startswith("attribute[") and key.endswith("]"):
                target: str | None = question_field_name(key[10:-1])
            else:
                target = mapping.get(key, key)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class SupportForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.CharField(
        label=_("Email address"), max_length=254, required=False, widget=forms.EmailInput
    )
    phone = forms.CharField(label=_("Mobile phone number"), max_length=32, required=False)


class ReopenForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label=_("What is still wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": _("Tell us what is still wrong."),
            "max_length": _("Use 2,000 characters or fewer."),
        },
    )


# --- Officers --------------------------------------------------------------------------


class QueueFilterForm(ChoicesForm):
    organisation = forms.SlugField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_("A reference number, or words from the report"),
    )
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    assigned = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        areas: list[tuple[int, str]],
        teams: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices["service"].choices = [("", _("All services")), *services]
        self._choices["status"].choices = [
            ("", _("Any status")),
            ("open", _("Open")),
            ("closed", _("Closed")),
            *[(value, label) for value, label in Status.choices],
        ]
        self._choices["area"].choices = [("", _("All areas")), *areas]
        self._choices["assigned"].choices = [
            ("", _("Anyone or no one")),
            ("me", _("Me")),
            ("unassigned", _("No one")),
            *teams,
        ]


class RespondForm(ChoicesForm):
    text = forms.CharField(
        label=_("Update for the resident"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("The resident and anyone following the report will see this."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices["status"].choices = [("", _("Keep the status"))] + [
            (value, label) for value, label in Status.choices if value != Status.DUPLICATE
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Only officers who can see this request will read it."),
    )


class AssignForm(ChoicesForm):
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    officer = forms.TypedChoiceField(
        label=_("Officer"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        teams: list[tuple[int, str]],
        officers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices["team"].choices = [("", _("No team")), *teams]
        self._choices["officer"].choices = [("", _("No officer")), *officers]


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Reference of the report it duplicates"), max_length=20)

    def clean_into(self) -> int:
        value = self.cleaned_data["into"].strip().lstrip("#")
        if not (value.isascii() and value.isdigit()) or len(value) > 12:
            raise ValidationError(_("Enter a report reference, which is a number."))
        return int(value)


class TransferForm(ChoicesForm):
    organisation = forms.TypedChoiceField(label=_("Send it to"), coerce=int)
    reason = forms.CharField(
        label=_("Reason (the resident sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices["organisation"].choices = organisations


class ShareForm(ChoicesForm):
    organisation = forms.TypedChoiceField(label=_("Share with"), coerce=int)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices["organisation"].choices = organisations


class PersonLinkForm(forms.Form):
    """An officer links the request to a person they found in the shared citizen record."""

    person = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose a person")}
    )

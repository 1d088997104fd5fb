from __future__ import annotations

import math

from django import forms
from django.utils.translation import gettext_lazy as _


class FrontDoorForm(forms.Form):
    """The start page's two questions, plus what the choice and map pages send back."""

    need = forms.CharField(
        label=_("What do you need help with?"),
        help_text=_(
            "Describe it in your own words, for example “my bin was not emptied” or “pothole outside my house”."
        ),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Describe what you need in 500 characters or fewer.")},
    )
    where = forms.CharField(
        label=_("Where?"),
        help_text=_("Enter a postcode, for example SM1 1AA."),
        max_length=16,
        required=False,
        error_messages={"max_length": _("Enter a postcode, like SM1 1AA.")},
    )
    service = forms.SlugField(required=False, max_length=60)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    area = forms.CharField(required=False, max_length=9)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not (data.get("need") or "").strip() and not data.get("service"):
            self.add_error("need", _("Enter what you need help with."))
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) or (
            lat is not None and lon is not None and not (math.isfinite(lat) and math.isfinite(lon))
        ):
            self.add_error("where", _("Drop a pin on the map again, or enter a postcode."))
            data["lat"] = data["lon"] = None
        return data

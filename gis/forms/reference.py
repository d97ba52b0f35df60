"""What a map asks of the reference layers: the box it shows, and the municipality."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gis.reference import Box
from partners.access import visible_municipalities

# A view wider than this (degrees, some 100 km) is a mistake or a scrape, not a map.
MAX_SPAN = 1.0


class ViewBoxForm(forms.Form):
    """``bbox=west,south,east,north`` in WGS84 degrees, and optionally one of the user's
    municipalities by its NIS or CBS code."""

    bbox = forms.CharField(max_length=200)
    municipality = forms.CharField(max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_bbox(self) -> Box:
        parts = self.cleaned_data["bbox"].split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError as error:
            raise forms.ValidationError(
                _("Give the map's view as west,south,east,north in degrees.")
            ) from error
        if not all(map(math.isfinite, (west, south, east, north))) or not (
            -180 <= west < east <= 180 and -90 <= south < north <= 90
        ):
            raise forms.ValidationError(_("The map's view lies outside the world."))
        if east - west > MAX_SPAN or north - south > MAX_SPAN:
            raise forms.ValidationError(_("Zoom in: the map's view is too large."))
        return west, south, east, north

    def clean_municipality(self) -> Any:
        code = self.cleaned_data["municipality"].strip()
        municipalities = visible_municipalities(self.user)
        if not code:
            return municipalities
        chosen = municipalities.filter(code=code)
        if not chosen.exists():
            raise forms.ValidationError(_("No municipality %s (among yours).") % code)
        return chosen

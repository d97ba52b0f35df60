"""The premises filters shared by the map, the risk list and the export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gis.access import visible_zones
from gis.models import PremisesQuerySet, Sector, Zone
from gis.risk import band_filter
from gis.zones import premises_in_zone


class PremisesFilterForm(forms.Form):
    """Narrow a visible-premises queryset. Every field is optional; an empty form keeps
    every premises."""

    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("All")
    )
    band = forms.ChoiceField(
        label=_("Risk band"),
        required=False,
        choices=[
            ("", _("All")),
            ("high", _("High (flagged)")),
            ("medium", _("Medium")),
            ("low", _("Low")),
        ],
    )
    # Localized: typed and shown with the language's decimal comma ("0,5").
    min_score = forms.FloatField(
        label=_("Minimum risk score"),
        required=False,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=Zone.objects.none(), required=False, empty_label=_("All")
    )
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)
    not_inspected_since = forms.DateField(
        label=_("Not inspected since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Includes premises never inspected."),
    )
    never_inspected = forms.BooleanField(label=_("Never inspected"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["zone"]
        assert isinstance(zone_field, forms.ModelChoiceField)
        zone_field.queryset = visible_zones(user).only("pk", "name", "kind")

    def filter(self, premises: PremisesQuerySet) -> PremisesQuerySet:
        """Apply the cleaned filters; call only on a valid form."""
        data = self.cleaned_data
        if data.get("sector"):
            premises = premises.filter(sector=data["sector"])
        if data.get("band"):
            premises = premises.filter(band_filter(data["band"]))
        if data.get("min_score") is not None:
            premises = premises.filter(risk_score__gte=data["min_score"])
        if data.get("flagged"):
            premises = premises.flagged()
        if data.get("never_inspected"):
            premises = premises.filter(last_inspected_on__isnull=True)
        elif data.get("not_inspected_since"):
            premises = premises.filter(
                Q(last_inspected_on__isnull=True)
                | Q(last_inspected_on__lt=data["not_inspected_since"])
            )
        if data.get("zone"):
            # The choices were read without their outlines; the chosen one is read whole.
            zone = Zone.objects.get(pk=data["zone"].pk)
            premises = premises_in_zone(zone, premises)
        return premises


class ExportForm(PremisesFilterForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("geojson", "GeoJSON"), ("gpkg", "GeoPackage")]
    )

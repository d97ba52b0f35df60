"""The layer upload page: the upload, then the field mapping shown with the preview."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import pyproj
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gis.layers import SUFFIXES, LayerError
from gis.models import ImportRun, ReferenceLayer, Zone
from partners.access import visible_municipalities
from partners.models import Municipality

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    """A layer file for one of the user's municipalities. An empty or unreadable file is
    accepted here: the import refuses it and logs why."""

    file = forms.FileField(
        label=_("Layer file"),
        allow_empty_file=True,
        help_text=_("GeoPackage, zipped Shapefile, GeoJSON or CSV (x/y or lon/lat columns)."),
    )
    kind = forms.ChoiceField(
        label=_("Import as"), choices=ImportRun.Kind.choices, initial=ImportRun.Kind.PREMISES
    )
    zone_kind = forms.ChoiceField(
        label=_("Kind of zones"), choices=Zone.Kind.choices, initial=Zone.Kind.NEIGHBOURHOOD
    )
    reference_kind = forms.ChoiceField(
        label=_("Kind of reference layer"),
        choices=ReferenceLayer.Kind.choices,
        initial=ReferenceLayer.Kind.ADDRESSES,
        required=False,
        help_text=_("Drawn faintly under the premises on every map and PDF excerpt."),
    )
    reference_name = forms.CharField(
        label=_("Name of the reference layer"),
        max_length=200,
        required=False,
        help_text=_("A layer of the same name is replaced. Empty: the file's layer name."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visible_municipalities(user).order_by("name")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        suffix = PurePosixPath(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError(
                _("Upload a GeoPackage, a zipped Shapefile, GeoJSON or CSV.")
            )
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload


class MappingForm(forms.Form):
    """Which layer of the file, in which CRS, and which field feeds which attribute."""

    layer = forms.ChoiceField(label=_("Layer"), required=False)
    crs = forms.CharField(
        label=_("CRS"),
        required=False,
        max_length=40,
        help_text=_("Only when the file has none, e.g. EPSG:31370."),
    )
    where = forms.CharField(
        label=_("Filter"),
        required=False,
        max_length=500,
        help_text=_(
            "Only the rows that match, e.g. nis_code = '23027' for one municipality of a "
            "regional layer (GeoPackage, Shapefile, GeoJSON)."
        ),
    )
    id_field = forms.ChoiceField(label=_("Id"))
    name_field = forms.ChoiceField(label=_("Name"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows, skip the rest"), required=False
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)

    RUN_OPTIONS = ("skip_invalid", "dry_run")
    PREMISES_FIELDS = {
        "sector_field": _("Sector"),
        "parcel_field": _("Parcel key (CAPAKEY)"),
        "enterprise_field": _("Enterprise number"),
        "bag_field": _("BAG id"),
        "address_id_field": _("Address register id"),
        "operator_field": _("Operator"),
        "municipality_field": _("Municipality (NIS/CBS code or name)"),
    }

    def __init__(
        self,
        *args: Any,
        fields: list[str],
        layers: list[str],
        zones: bool,
        count_rows: Callable[[str], int] | None = None,
        reference: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zones = zones or reference
        # A reference layer is replaced whole: its features need no id.
        self.fields["id_field"].required = not reference
        self.count_rows = count_rows
        # How many rows the filter keeps, once it is validated.
        self.kept_rows: int | None = None
        choices = [("", "—"), *((name, name) for name in fields)]
        for name, options in (("layer", [(n, n) for n in layers]), ("id_field", choices)):
            self.choice_field(name).choices = options
        self.choice_field("name_field").choices = choices
        if self.zones:
            return
        for key, label in self.PREMISES_FIELDS.items():
            self.fields[key] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields["address_fields"] = forms.MultipleChoiceField(
            label=_("Address fields"),
            choices=choices[1:],
            required=False,
            help_text=_("None chosen: composed from street, number, postcode and city."),
        )
        # How to run comes after what to read, just above the button.
        self.order_fields([name for name in self.fields if name not in self.RUN_OPTIONS])

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_crs(self) -> str:
        crs = self.cleaned_data["crs"].strip()
        if crs:
            try:
                pyproj.CRS.from_user_input(crs)
            except pyproj.exceptions.CRSError as error:
                raise forms.ValidationError(_("Unknown CRS.")) from error
        return crs

    def clean_where(self) -> str:
        """The filter as the layer's reader applies it; one it cannot apply is refused
        with the reader's reason, before anything changes."""
        where = self.cleaned_data["where"].strip()
        if where and self.count_rows is not None:
            try:
                self.kept_rows = self.count_rows(where)
            except LayerError as error:
                raise forms.ValidationError(str(error)) from error
        return where

    def mapping(self) -> dict[str, Any]:
        keys = ["id_field", "name_field"]
        if not self.zones:
            keys += [*self.PREMISES_FIELDS, "address_fields"]
        return {key: self.cleaned_data[key] for key in keys}

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.forms.boundfield import BoundWidget
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gis.models import Indicator, Premises, Signal

# How an indicator relates to the premises' sector, in the order the form lists them.
FOR_SECTOR, FOR_EVERY_SECTOR, FOR_OTHER_SECTORS = 0, 1, 2
GROUP_TITLES = {
    FOR_SECTOR: _("Indicators for this sector"),
    FOR_EVERY_SECTOR: _("Indicators for every sector"),
    FOR_OTHER_SECTORS: _("Indicators for other sectors"),
}


def indicators_for(premises: Premises) -> QuerySet[Indicator]:
    """The whole catalogue, the premises' own sector's indicators first, then those for
    every sector, then the rest."""
    through = Indicator.sectors.through.objects.filter(indicator_id=OuterRef("pk"))
    own_sector = through.filter(sector_id=premises.sector_id or 0)
    relevance = Case(
        When(Exists(own_sector), then=Value(FOR_SECTOR)),
        When(~Exists(through), then=Value(FOR_EVERY_SECTOR)),
        default=Value(FOR_OTHER_SECTORS),
        output_field=IntegerField(),
    )
    return Indicator.objects.annotate(relevance=relevance).order_by("relevance", "category", "code")


class SignalForm(forms.Form):
    """A signal about one premises: at least one indicator, received today or earlier."""

    source = forms.ChoiceField(label=_("Source"), choices=Signal.Source.choices)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one indicator.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Signal.Confidentiality.choices,
        initial=Signal.Confidentiality.CITY,
        help_text=_("Internal: only people of your own partner can read it."),
    )

    def __init__(self, *args: Any, premises: Premises, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = indicators_for(premises)

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return received_on

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def indicator_groups(self) -> list[tuple[str, list[BoundWidget]]]:
        """The indicator checkboxes under a heading per relevance group."""
        groups: dict[int, list[BoundWidget]] = {}
        for widget in self["indicators"]:
            relevance = widget.data["value"].instance.relevance
            groups.setdefault(relevance, []).append(widget)
        return [(str(GROUP_TITLES[key]), widgets) for key, widgets in sorted(groups.items())]

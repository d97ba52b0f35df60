"""The findings export's filters: action day, partner, sector and period, each optional;
choices by public code (never an internal key in the address bar)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from gis.models import Sector
from inspections.access import PARTICIPANT_STATUSES, visible_action_days
from inspections.exports import Filters
from inspections.models import ActionDay
from partners.access import visible_partners
from partners.models import Partner

FORMATS = [("csv", _("CSV (Excel)")), ("xlsx", _("Excel workbook (XLSX)"))]


class CodeChoice(forms.ModelChoiceField):
    """A choice by public code: a malformed code is just not one of the choices."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class DayChoice(CodeChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{formats.date_format(obj.date)} – {obj.title}"


class FindingsExportForm(forms.Form):
    action_day = DayChoice(
        label=_("Action day"),
        queryset=ActionDay.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    partner = CodeChoice(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = visible_action_days(user).filter(status__in=PARTICIPANT_STATUSES)
        day_field = self.fields["action_day"]
        partner_field = self.fields["partner"]
        assert isinstance(day_field, forms.ModelChoiceField)
        assert isinstance(partner_field, forms.ModelChoiceField)
        day_field.queryset = days.order_by("-date", "title")
        partner_field.queryset = visible_partners(user).order_by("name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        day = cleaned.get("action_day")
        if day is not None and (start and day.date < start or end and day.date > end):
            self.add_error(
                "action_day", _("This action day is outside the period; widen or clear it.")
            )
        return cleaned

    def filters(self) -> Filters:
        """The cleaned filters; call only on a valid form."""
        data = self.cleaned_data
        return Filters(
            action_day=data.get("action_day"),
            partner_id=data["partner"].pk if data.get("partner") else None,
            sector_id=data["sector"].pk if data.get("sector") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def described(self) -> dict[str, Any]:
        """The filters as the audit log keeps them: public codes and ISO dates."""
        data = self.cleaned_data
        return {
            "action_day": str(data["action_day"].code) if data.get("action_day") else None,
            "partner": data["partner"].slug if data.get("partner") else None,
            "sector": data["sector"].code if data.get("sector") else None,
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
            "format": data["format"],
        }

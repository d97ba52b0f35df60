"""Forms to reuse an earlier action day: copy it, or re-inspect some of its premises."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.access import plannable_action_days
from inspections.models import ActionDay, Visit


class DateInput(forms.DateInput):
    input_type = "date"


def future(value: date) -> date:
    if value <= timezone.localdate():
        raise forms.ValidationError(_("Choose a date in the future."))
    return value


class CopyActionDayForm(forms.Form):
    on = forms.DateField(label=_("Date of the new action day"), widget=DateInput)
    with_visits = forms.BooleanField(
        label=_("Copy the visits, with their team and tasks"), required=False, initial=True
    )

    def clean_on(self) -> date:
        return future(self.cleaned_data["on"])


class VisitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.premises} — {obj.premises.address} ({obj.get_status_display()})"


class ReinspectionForm(forms.Form):
    """Which visits to repeat, and where: a new draft on a date or an existing draft."""

    visits = VisitChoiceField(
        queryset=Visit.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        label=_("Premises to inspect again"),
    )
    into = forms.ModelChoiceField(
        queryset=ActionDay.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Add to an existing draft"),
        empty_label=_("— a new action day —"),
    )
    on = forms.DateField(label=_("or a new action day on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, source: ActionDay, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visits"].queryset = source.visits.select_related("premises")  # type: ignore[attr-defined]
        self.fields["into"].queryset = plannable_action_days(user).filter(  # type: ignore[attr-defined]
            municipality=source.municipality, status=ActionDay.Status.DRAFT
        )

    def clean_on(self) -> date | None:
        value = self.cleaned_data.get("on")
        return future(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("into") and not data.get("on") and "on" not in self.errors:
            raise forms.ValidationError(_("Choose an existing draft or a date for a new one."))
        if data.get("into") and data.get("on"):
            raise forms.ValidationError(_("Choose either an existing draft or a date, not both."))
        return data

"""Forms of the case meeting and the instruments. They validate and normalise; the
actions in cases.actions.meetings decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Approach, Instrument, Meeting
from partners.access import visible_municipalities
from partners.models import Municipality, Partner, Person, SharingProtocol

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    frame = forms.ChoiceField(
        label=_("Legal frame"), choices=Meeting.Frame.choices, widget=forms.RadioSelect
    )
    protocol = forms.ModelChoiceField(
        label=_("Sharing protocol"),
        queryset=SharingProtocol.objects.none(),
        required=False,
        help_text=_("For a meeting under a protocol: its parties may take part."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required for an art. 458ter consultation: what is shared may be used for this "
            "purpose only."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = visible_municipalities(user)
        self.fields["municipality"].queryset = cities  # type: ignore[attr-defined]
        self.fields["protocol"].queryset = SharingProtocol.objects.filter(  # type: ignore[attr-defined]
            municipality__in=cities
        ).in_force()


class ParticipantForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), empty_label=_("Choose a person")
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Everyone of the city's partners is offered; the action refuses, with its reason,
        # a person whose partner may not take part under the meeting's frame.
        people = (
            Person.objects.filter(municipalities=meeting.municipality_id)
            .exclude(pk__in=meeting.participants.values("person"))
            .select_related("user", "partner")
            .order_by("partner__short_name", "user__last_name", "user__first_name")
        )
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda person: (  # type: ignore[attr-defined]
            f"{person} ({person.partner})"
        )


class AgendaForm(forms.Form):
    case: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Case"), queryset=None, empty_label=_("Choose a case"), to_field_name="code"
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    approach = forms.ChoiceField(
        label=_("Approach"),
        choices=[("", _("Choose the approach")), *Approach.choices],
        error_messages={"required": _("Choose the approach the meeting decided on.")},
    )
    decision = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionRowForm(forms.Form):
    """One action: an instrument of a participating partner, its deadline, what to do."""

    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        required=False,
        empty_label=_("No action"),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    description = forms.CharField(label=_("What is to be done"), required=False, max_length=500)

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        field.queryset = Instrument.objects.filter(  # type: ignore[attr-defined]
            pk__in=[instrument.pk for instrument in instruments]
        ).select_related("partner")
        field.label_from_instance = lambda instrument: (  # type: ignore[attr-defined]
            f"{instrument.partner}: {instrument.title}"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("instrument") and not cleaned.get("deadline"):
            self.add_error("deadline", _("Give the action a deadline."))
        return cleaned


ActionRowFormSet = forms.formset_factory(ActionRowForm, extra=3)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("The minutes are empty.")},
    )


class ShareForm(forms.Form):
    entry = forms.UUIDField(widget=forms.HiddenInput)


class CompleteActionForm(forms.Form):
    result = forms.CharField(
        label=_("Result"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what came of the action.")},
    )


class InstrumentForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), empty_label=_("Choose a partner")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Instrument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    is_action_day = forms.BooleanField(label=_("Carried out as a joint action day"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = municipality.partners.order_by(  # type: ignore[attr-defined]
            "short_name"
        )

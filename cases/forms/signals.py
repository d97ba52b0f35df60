"""Forms of the desk signals: filing one, and each triage step. They validate and
normalise; the actions in cases.actions.signals decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import triage_queue, visible_cases
from cases.models import Case, DeskSignal, Phenomenon
from gis.access import visible_premises
from gis.identifiers import normalise_enterprise_number
from gis.models import Indicator, Premises
from partners.access import visible_municipalities
from partners.models import Municipality


class PremisesChoiceField(forms.ModelChoiceField):
    """A premises chosen among the matches of a search (by its public code); the page
    renders the matches itself, never the whole register."""

    widget = forms.HiddenInput

    def __init__(self, queryset: QuerySet[Premises], **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
        self.error_messages["invalid_choice"] = _("Choose a premises among the matches.")


def signal_label(signal: DeskSignal) -> str:
    """A signal as the triage team names it: desk, date and what it is about."""
    about = signal.subject_name or signal.address or signal.get_about_display()
    return f"{signal.get_desk_display()}, {signal.observed_on:%d/%m/%Y}: {about}"


class FileSignalForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )
    desk = forms.ChoiceField(
        label=_("Your desk"),
        choices=[("", _("Choose your desk")), *DeskSignal.Desk.choices],
        required=False,
    )
    about = forms.ChoiceField(
        label=_("The signal is about"),
        choices=DeskSignal.About.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say what the signal is about.")},
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    premises_query = forms.CharField(
        label=_("Search the premises"),
        max_length=200,
        required=False,
        help_text=_("Its name, its operator or its address, e.g. Basiliekstraat 12."),
    )
    subject_name = forms.CharField(
        label=_("Name of the company or person"), max_length=200, required=False
    )
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=20,
        required=False,
        help_text=_("Of a company, if you know it, e.g. BE 0123.456.749."),
    )
    # A person's birth date tells them apart from others of the same name in the register.
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    observed_on = forms.DateField(
        label=_("Seen on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    what_was_seen = forms.CharField(
        label=_("What you saw"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what you saw.")},
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.order_by("category", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("No indicator fits"),
        help_text=_("Only if one of the catalogue's indicators fits what you saw."),
    )

    def __init__(self, *args: Any, user: Any, desk: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inferred_desk = desk
        cities = visible_municipalities(user)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = cities
        if len(cities) == 1:
            municipality.initial = cities[0]
            municipality.widget = forms.HiddenInput()
        if desk:
            del self.fields["desk"]
        self.fields["premises"] = PremisesChoiceField(
            queryset=visible_premises(user), label=_("Premises"), required=False
        )
        self.fields["observed_on"].initial = timezone.localdate()

    def clean_enterprise_number(self) -> str:
        number = self.cleaned_data["enterprise_number"].strip()
        if not number:
            return ""
        try:
            return normalise_enterprise_number(number)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_birth_date(self) -> Any:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date is not None and birth_date > timezone.localdate():
            raise forms.ValidationError(_("A birth date cannot be in the future."))
        return birth_date

    def clean_observed_on(self) -> Any:
        observed_on = self.cleaned_data["observed_on"]
        if observed_on > timezone.localdate():
            raise forms.ValidationError(_("The date seen cannot be in the future."))
        return observed_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        about = data.get("about")
        named = about in (DeskSignal.About.COMPANY, DeskSignal.About.PERSON)
        if "desk" in self.fields and not data.get("desk"):
            self.add_error("desk", _("Choose the desk you file for."))
        if about == DeskSignal.About.ADDRESS and not data.get("address", "").strip():
            self.add_error("address", _("Give the address the signal is about."))
        # A premises typed but not among the matches has its own message already.
        chosen = data.get("premises") or "premises" in self.errors
        if about == DeskSignal.About.PREMISES and not chosen:
            self.add_error("premises_query", _("Search for the premises and choose it."))
        if named and not data.get("subject_name", "").strip():
            self.add_error("subject_name", _("Give the name of the company or person."))
        return data

    def action_arguments(self) -> dict[str, Any]:
        """The cleaned data as :func:`cases.actions.signals.file_signal` takes it: only
        the fields of what the signal is about."""
        data = self.cleaned_data
        about = data["about"]
        return {
            "municipality": data["municipality"],
            "about": about,
            "observed_on": data["observed_on"],
            "what_was_seen": data["what_was_seen"],
            "desk": self.inferred_desk or data.get("desk", ""),
            "indicator": data.get("indicator"),
            "address": data["address"] if about == DeskSignal.About.ADDRESS else "",
            "premises": data["premises"] if about == DeskSignal.About.PREMISES else None,
            "subject_name": data["subject_name"]
            if about in (DeskSignal.About.COMPANY, DeskSignal.About.PERSON)
            else "",
            "enterprise_number": data["enterprise_number"]
            if about == DeskSignal.About.COMPANY
            else "",
            "birth_date": data["birth_date"] if about == DeskSignal.About.PERSON else None,
        }


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DeskSignal.Status.choices, required=False)

    def status_or_default(self) -> str:
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return DeskSignal.Status.RECEIVED


class LinkPremisesForm(forms.Form):
    def __init__(self, *args: Any, user: Any, signal: DeskSignal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["premises"] = PremisesChoiceField(
            queryset=visible_premises(user).filter(municipality=signal.municipality),
            label=_("Premises"),
            error_messages={"required": _("Search for the premises and choose it.")},
        )


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.title}"


class LinkCaseForm(forms.Form):
    def __init__(self, *args: Any, user: Any, signal: DeskSignal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = (
            visible_cases(user)
            .filter(municipality=signal.municipality)
            .exclude(state=Case.State.CLOSED)
        )
        self.fields["case"] = CaseChoiceField(
            label=_("Case"),
            queryset=cases.order_by("-opened_at"),
            to_field_name="code",
            empty_label=_("Choose a case"),
            error_messages={
                "required": _("Choose the case to link the signal to."),
                "invalid_choice": _("Choose a case of your own among the open ones."),
            },
        )


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the case"),
        max_length=200,
        error_messages={"required": _("A case needs a title.")},
    )
    phenomenon = forms.ChoiceField(
        label=_("Phenomenon"),
        choices=[("", _("Choose the phenomenon")), *Phenomenon.choices],
        error_messages={"required": _("Choose the phenomenon the case is about.")},
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SignalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return signal_label(obj)


class MergeForm(forms.Form):
    def __init__(self, *args: Any, user: Any, signal: DeskSignal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = (
            triage_queue(user)
            .filter(municipality=signal.municipality)
            .exclude(pk=signal.pk)
            .exclude(outcome=DeskSignal.Outcome.MERGED)
            .order_by("-created_at")
        )
        self.fields["into"] = SignalChoiceField(
            label=_("Merge into"),
            queryset=others,
            to_field_name="code",
            empty_label=_("Choose the signal it repeats"),
            error_messages={
                "required": _("Choose the signal this one repeats."),
                "invalid_choice": _("Choose another signal of this municipality."),
            },
        )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for dismissing the signal.")},
    )


def form_errors(form: forms.Form) -> str:
    """Every message of an invalid form in one line, for a refusal."""
    return " ".join(str(message) for errors in form.errors.values() for message in errors)

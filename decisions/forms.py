"""Forms of the mayor's office and the report sign-off. They validate and normalise;
the rules that need the whole decision live in :mod:`decisions.actions`."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, DecisionType, DecisionTypeVersion, LegalArticle, Measure
from partners.models import Municipality


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def not_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date cannot be in the future."))
    return value


class SignOffForm(forms.Form):
    partner = forms.TypedChoiceField(label=_("Sign for"), coerce=int)
    mention_further_information = forms.BooleanField(
        label=_("The report may say that further information exists with my organisation"),
        required=False,
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["partner"]).choices = partners


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the report amended?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TypeVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.decision_type.title} (v{obj.number})"


class StartDecisionForm(forms.Form):
    type_version = TypeVersionChoiceField(
        label=_("Decision type"), queryset=DecisionTypeVersion.objects.none()
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the decision types of the city's country and region.
        current = [
            version.pk
            for decision_type in DecisionType.objects.applying_to(municipality)
            if (version := decision_type.current_version()) is not None
        ]
        cast(forms.ModelChoiceField, self.fields["type_version"]).queryset = (
            DecisionTypeVersion.objects.filter(pk__in=current)
            .select_related("decision_type")
            .order_by("decision_type__code")
        )


class DecisionDraftForm(forms.ModelForm):
    """The draft as the page edits it; saved through :func:`decisions.actions.save_draft`."""

    class Meta:
        model = Decision
        fields = Decision.DRAFT_FIELDS
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 10}),
            "lifting_condition": forms.Textarea(attrs={"rows": 2}),
            "prosecutor_advice": forms.Textarea(attrs={"rows": 2}),
            "articles": forms.CheckboxSelectMultiple,
            "decision_date": DateInput(),
            "effective_from": DateInput(),
            "expires_on": DateInput(),
            "remedy_deadline": DateInput(),
            "warned_on": DateInput(),
            "prosecutor_consulted_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = self.instance.type_version
        allowed = version.measures or [Measure.ORDER]
        cast(forms.ChoiceField, self.fields["measure"]).choices = [
            (m, Measure(m).label) for m in allowed
        ]
        cast(
            forms.ModelChoiceField, self.fields["articles"]
        ).queryset = LegalArticle.objects.applying_to(self.instance.municipality)

    def clean_motivation(self) -> str:
        # Browsers send CRLF; the motivation is kept one consideration per "\n" line.
        return str(self.cleaned_data.get("motivation", "")).replace("\r\n", "\n")

    def clean_decision_date(self) -> date | None:
        return not_future(self.cleaned_data.get("decision_date"))

    def clean_warned_on(self) -> date | None:
        return not_future(self.cleaned_data.get("warned_on"))

    def clean_prosecutor_consulted_on(self) -> date | None:
        return not_future(self.cleaned_data.get("prosecutor_consulted_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("expires_on")
        decided = data.get("decision_date")
        if start and end and end < start:
            self.add_error("expires_on", _("The measure must end after it takes effect."))
        if decided and start and start < decided:
            self.add_error(
                "effective_from", _("The measure cannot take effect before the decision date.")
            )
        for name in ("warned_on", "prosecutor_consulted_on"):
            if decided and data.get(name) and data[name] > decided:
                self.add_error(name, _("This step comes before the decision date."))
        hearing = self.instance.hearing_at
        if decided and hearing and timezone.localdate(hearing) > decided:
            self.add_error("decision_date", _("The hearing is scheduled after this decision date."))
        return data


class FinaliseForm(forms.Form):
    overlap_confirmed = forms.BooleanField(
        label=_("I have seen the measure already in force and take this decision all the same"),
        required=False,
    )


class HearingForm(forms.Form):
    # Shares the draft's form on the page: empty, it must not stop the draft being saved.
    use_required_attribute = False

    at = forms.DateTimeField(label=_("Hearing on"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision

    def clean_at(self) -> Any:
        at = self.cleaned_data["at"]
        decided = self.decision.decision_date
        if decided and timezone.localdate(at) > decided:
            raise forms.ValidationError(_("The hearing must take place before the decision date."))
        return at


class HeardForm(forms.Form):
    use_required_attribute = False

    heard_on = forms.DateField(label=_("Operator heard on"), widget=DateInput())
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))

    def clean_heard_on(self) -> date | None:
        return not_future(self.cleaned_data.get("heard_on"))


class ServeForm(forms.Form):
    dispatch_date = forms.DateField(label=_("Dispatched on"), widget=DateInput())


class LiftForm(forms.Form):
    on = forms.DateField(label=_("Lifted on"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (Decision.ExpiryReason.REMEDIED, Decision.ExpiryReason.REMEDIED.label),
            (Decision.ExpiryReason.BY_AUTHORITY, Decision.ExpiryReason.BY_AUTHORITY.label),
            (Decision.ExpiryReason.AT_REQUEST, Decision.ExpiryReason.AT_REQUEST.label),
        ],
    )


class AppealForm(forms.Form):
    lodged_on = forms.DateField(label=_("Appeal lodged on"), widget=DateInput())
    note = forms.CharField(label=_("Appeal"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("Re-inspect on"), widget=DateInput())

    def clean_on(self) -> date:
        value = self.cleaned_data["on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return value


class PermitSearchForm(forms.Form):
    q = forms.CharField(label=_("Operator or enterprise number"), required=False, max_length=100)


class RegisterFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Decision.Status.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "—"),
            *[(year, str(year)) for year in years],
        ]


class FiguresPeriodForm(forms.Form):
    """The period the figures count: action days held and decisions taken between the
    two dates, both included; either may stay empty (since the start, until today).
    ``?year=2026`` from earlier links still reads as that calendar year."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    year = forms.IntegerField(
        required=False, min_value=2000, max_value=2100, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year = data.get("year")
        if year and not (data.get("start") or data.get("end")):
            data["start"], data["end"] = date(year, 1, 1), date(year, 12, 31)
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(
                _(
                    "The period ends before it starts: "
                    "choose a “to” date on or after the “from” date."
                )
            )
        return data

"""Forms of the planning screen. Every form that changes a plan carries the version the
coordinator saw (``version``), so a concurrent change is caught, not overwritten."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from gis.access import visible_premises, visible_zones
from gis.models import Premises, Sector, Zone
from inspections.access import coordinated_municipalities
from inspections.case_days import cases_for_day
from inspections.models import ActionDay, Team, Visit
from partners.models import Competency, Municipality, Partner, SharingProtocol


class ActionDayForm(forms.ModelForm):
    class Meta:
        model = ActionDay
        fields = [
            "municipality",
            "title",
            "date",
            "starts_at",
            "ends_at",
            "zone",
            "lead_partner",
            "briefing_place",
            "briefing_time",
            "briefing_lon",
            "briefing_lat",
            "priorities",
            "sharing_protocol",
            "travel_speed_kmh",
            "visit_minutes",
            "recent_visit_days",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
            "briefing_time": forms.TimeInput(attrs={"type": "time"}),
            "priorities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities = coordinated_municipalities(user)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["municipality"].empty_label = None  # type: ignore[attr-defined]
        self.fields["municipality"].label = _("Municipality")
        self.fields["zone"].queryset = visible_zones(user)  # type: ignore[attr-defined]
        self.fields["lead_partner"].queryset = Partner.objects.filter(  # type: ignore[attr-defined]
            municipalities__in=municipalities
        ).distinct()
        self.fields["sharing_protocol"].queryset = SharingProtocol.objects.filter(  # type: ignore[attr-defined]
            municipality__in=municipalities
        )

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("An action day cannot be planned in the past."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        municipality: Municipality | None = cleaned.get("municipality")
        for field in ("zone", "sharing_protocol"):
            value = cleaned.get(field)
            if municipality and value is not None and value.municipality_id != municipality.pk:
                self.add_error(field, _("This belongs to another municipality."))
        if (cleaned.get("briefing_lon") is None) != (cleaned.get("briefing_lat") is None):
            self.add_error(
                "briefing_lat", _("Give both coordinates of the briefing point, or none.")
            )
        return cleaned


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PremisesFilterForm(forms.Form):
    """Which premises to offer: by sector, risk, flag, zone and last inspection."""

    sector = forms.ModelChoiceField(Sector.objects.all(), required=False, label=_("Sector"))
    # Localized: typed and shown with the language's decimal comma ("0,5"); a point is
    # read too.
    min_risk = forms.FloatField(
        required=False,
        min_value=0,
        label=_("Minimum risk score"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    flagged = forms.BooleanField(required=False, label=_("Flagged only"))
    zone = forms.ModelChoiceField(Zone.objects.none(), required=False, label=_("Zone"))
    not_inspected_since = forms.DateField(
        required=False,
        label=_("Not inspected since"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["zone"].queryset = visible_zones(user)  # type: ignore[attr-defined]

    def filter(self, premises: QuerySet[Premises]) -> QuerySet[Premises]:
        from gis.zones import premises_in_zone

        data = self.cleaned_data
        if data.get("sector"):
            premises = premises.filter(sector=data["sector"])
        if data.get("min_risk") is not None:
            premises = premises.filter(risk_score__gte=data["min_risk"])
        if data.get("flagged"):
            premises = premises.flagged()  # type: ignore[attr-defined]
        if data.get("not_inspected_since"):
            since = data["not_inspected_since"]
            premises = premises.exclude(last_inspected_on__gte=since).exclude(
                visits__status=Visit.Status.DONE, visits__action_day__date__gte=since
            )
        if data.get("zone"):
            premises = premises_in_zone(data["zone"], premises)
        return premises


class CodeListField(forms.Field):
    """Several public codes (UUIDs), as sent by checkboxes or the map's picks."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(str(item)) for item in value or []]
        except ValueError as error:
            raise forms.ValidationError(_("A chosen premises could not be read.")) from error


class AddVisitsForm(VersionForm):
    """Premises chosen one by one (from the list or the map), all those matching the
    filters, or those inside a polygon drawn on the map."""

    premises = CodeListField(required=False)
    polygon = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.action_day = user, action_day

    def clean_polygon(self) -> list[list[float]] | None:
        raw = self.cleaned_data.get("polygon")
        if not raw:
            return None
        try:
            ring = json.loads(raw)
            points = [[float(lon), float(lat)] for lon, lat in ring]
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("The drawn area could not be read.")) from error
        if len(points) < 3:
            raise forms.ValidationError(_("Draw an area with at least three corners."))
        return points

    def chosen(self, candidates: QuerySet[Premises]) -> list[Premises]:
        import shapely

        codes = self.cleaned_data["premises"]
        polygon = self.cleaned_data["polygon"]
        if polygon:
            area = shapely.Polygon(polygon)
            rows = list(candidates.values_list("pk", "lon", "lat"))
            inside = shapely.contains_xy(area, [r[1] for r in rows], [r[2] for r in rows])
            ids = [row[0] for row, hit in zip(rows, inside, strict=True) if hit]
            return list(candidates.filter(pk__in=ids))
        # Any premises the user can see, so a foreign one is refused with a clear message.
        return list(visible_premises(self.user).filter(code__in=codes))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("premises") and not data.get("polygon"):
            raise forms.ValidationError(
                _("Choose at least one premises, or draw an area on the map.")
            )
        return data


def people_choices(action_day: ActionDay) -> QuerySet[Any]:
    """People of the participating partners who work for the day's municipality."""
    return (
        get_user_model()
        .objects.filter(
            person__partner__in=action_day.partners.all(),
            person__municipalities=action_day.municipality_id,
        )
        .select_related("person__partner")
        .order_by("person__partner__short_name", "last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.get_username()} ({obj.person.partner.short_name})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.get_username()} ({obj.person.partner.short_name})"


NOT_ACCEPTED = _(
    "That person is not with a participating partner working for this city: add their "
    "partner first."
)


class TeamForm(VersionForm):
    """A new team (no ``team``) or the changes to one. Lead and members are offered from
    the people the workflow accepts (``people_choices``, the rule of
    ``actions.check_team_people``), so nobody is offered who would then be refused."""

    team = forms.ModelChoiceField(Team.objects.none(), required=False, widget=forms.HiddenInput)
    name = forms.CharField(max_length=60, label=_("Team name"))
    lead = PersonChoiceField(
        get_user_model().objects.none(),
        label=_("Team lead"),
        error_messages={"invalid_choice": NOT_ACCEPTED},
    )
    members = PeopleChoiceField(
        get_user_model().objects.none(),
        required=False,
        label=_("Members"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_ACCEPTED},
    )

    def __init__(
        self,
        *args: Any,
        action_day: ActionDay,
        team: Team | None = None,
        accepted: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """``accepted``: the people offered, when the caller has read them already (a
        page with a form per team reads them once)."""
        if team is not None:
            kwargs.setdefault("initial", {}).update(
                team=team.pk, name=team.name, lead=team.lead_id, members=team.members.all()
            )
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = action_day.teams.all()  # type: ignore[attr-defined]
        people = people_choices(action_day)
        self.fields["lead"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        if accepted is not None:
            offer(self.fields["lead"], accepted)
            offer(self.fields["members"], accepted)
        # People already in the team whom the workflow would now refuse (their partner
        # left the day): named on the form, as saving it takes them out.
        self.not_accepted = []
        if team is not None:
            in_team = {*team.members.all(), *([team.lead] if team.lead else [])}
            offered = set(people if accepted is None else accepted)
            self.not_accepted = sorted(
                person.get_full_name() or person.get_username() for person in in_team - offered
            )


def offer(field: forms.Field, people: list[Any]) -> None:
    """Offer ``people``, read already, as the choices of a model choice ``field``
    instead of reading its queryset again. What is submitted is still checked against
    the queryset."""
    assert isinstance(field, forms.ModelChoiceField)
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *(iterator.choice(person) for person in people)]


class TeamDeleteForm(VersionForm):
    team = forms.ModelChoiceField(Team.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = action_day.teams.all()  # type: ignore[attr-defined]


class PartnersForm(VersionForm):
    partners = forms.ModelMultipleChoiceField(
        Partner.objects.none(),
        required=False,
        label=_("Participating partners"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = action_day.municipality.partners.order_by(  # type: ignore[attr-defined]
            "level", "short_name"
        )


class CaseLinkForm(VersionForm):
    """The case a day carries out: one of the coordinator's open cases of the city."""

    case = forms.ModelChoiceField(
        Case.objects.none(),
        required=False,
        to_field_name="code",
        label=_("Case"),
        empty_label=_("No case"),
    )

    def __init__(self, *args: Any, action_day: ActionDay, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases_for_day(user, action_day).order_by("number")  # type: ignore[attr-defined]


class AssignForm(VersionForm):
    visit = forms.ModelChoiceField(
        Visit.objects.none(), to_field_name="code", widget=forms.HiddenInput
    )
    team = forms.ModelChoiceField(Team.objects.none(), required=False, label=_("Team"))

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = action_day.visits.all()  # type: ignore[attr-defined]
        self.fields["team"].queryset = action_day.teams.all()  # type: ignore[attr-defined]


class VisitForm(VersionForm):
    visit = forms.ModelChoiceField(
        Visit.objects.none(), to_field_name="code", widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = action_day.visits.all()  # type: ignore[attr-defined]


class StatusForm(VersionForm):
    status = forms.ChoiceField(choices=ActionDay.Status.choices)


class SectorRuleToggleForm(forms.Form):
    """Whether premises of a sector need a check of a competency, in one municipality."""

    municipality = forms.ModelChoiceField(Municipality.objects.none(), to_field_name="code")
    sector = forms.ModelChoiceField(Sector.objects.all(), to_field_name="code")
    competency = forms.ModelChoiceField(Competency.objects.all(), to_field_name="code")
    needed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = coordinated_municipalities(user)  # type: ignore[attr-defined]


class TaskForm(VersionForm):
    """Adjust one visit's checks: who checks a competency (or drop it), and who enters."""

    visit = forms.ModelChoiceField(
        Visit.objects.none(), to_field_name="code", widget=forms.HiddenInput
    )
    competency = forms.ModelChoiceField(Competency.objects.all(), required=False, label=_("Check"))
    partner = forms.ModelChoiceField(
        Partner.objects.none(), required=False, label=_("Partner (empty: drop the check)")
    )
    entry_partner = forms.ModelChoiceField(
        Partner.objects.none(), required=False, label=_("Partner whose power gives entry")
    )

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = action_day.visits.all()  # type: ignore[attr-defined]
        # Only checks whose law applies in the day's municipality.
        self.fields["competency"].queryset = Competency.objects.applying_to(  # type: ignore[attr-defined]
            action_day.municipality
        )
        for name in ("partner", "entry_partner"):
            self.fields[name].queryset = action_day.partners.all()  # type: ignore[attr-defined]

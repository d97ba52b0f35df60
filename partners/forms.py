from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from partners.access import protocol_municipalities, visible_partners
from partners.models import Competency, Municipality, Partner, SharingProtocol


class CompetencyToggleForm(forms.Form):
    """Grant or withdraw one competency of one partner, from the matrix page."""

    partner = forms.UUIDField()
    competency = forms.SlugField()
    held = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_partner(self) -> Any:
        partner = visible_partners(self.user).filter(code=self.cleaned_data["partner"]).first()
        if partner is None:
            raise forms.ValidationError(_("This partner does not work for your municipality."))
        return partner

    def clean_competency(self) -> Competency:
        competency = Competency.objects.filter(code=self.cleaned_data["competency"]).first()
        if competency is None:
            raise forms.ValidationError(_("Unknown competency."))
        return competency


class PartnerChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.short_name})"


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProtocolForm(forms.Form):
    """A new sharing protocol of one of the user's municipalities: the city and at least
    one partner working for it, the themes (none: every theme) and its validity."""

    title = forms.CharField(max_length=200, label=_("Title"))
    municipality = forms.ModelChoiceField(
        Municipality.objects.none(), label=_("Municipality"), empty_label=None
    )
    parties = PartnerChoices(
        Partner.objects.none(),
        required=False,
        label=_("Parties"),
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        Competency.objects.all(),
        required=False,
        label=_("Themes"),
        help_text=_("None ticked: the protocol covers every theme."),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    valid_to = forms.DateField(
        required=False,
        label=_("Valid to"),
        help_text=_("Empty: open-ended."),
        widget=date_input(),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities = protocol_municipalities(user)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["parties"].queryset = (  # type: ignore[attr-defined]
            Partner.objects.filter(municipalities__in=municipalities)
            .distinct()
            .order_by("level", "name")
        )
        # Themes whose law applies in one of the user's cities.
        self.fields["themes"].queryset = Competency.objects.applying_to(  # type: ignore[attr-defined]
            *municipalities
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        municipality = cleaned.get("municipality")
        parties = cleaned.get("parties")
        if "parties" in cleaned and not parties:
            self.add_error(
                "parties",
                _("A protocol binds the city and at least one partner: tick its parties."),
            )
        if municipality and parties:
            strangers = parties.exclude(municipalities=municipality)
            for partner in strangers:
                self.add_error(
                    "parties",
                    _("%(partner)s does not work for %(city)s.")
                    % {"partner": partner.short_name, "city": municipality},
                )
        check_period(self, cleaned.get("valid_from"), cleaned.get("valid_to"))
        return cleaned


def check_period(form: forms.Form, start: Any, end: Any) -> None:
    if start and end and end <= start:
        form.add_error("valid_to", _("The end of the validity must be after its start."))


class ProtocolExtendForm(forms.Form):
    """What extends a protocol: parties and themes it does not have yet, and an end no
    earlier than the current one (empty: open-ended). A protocol covering every theme
    offers no themes: adding one would narrow it."""

    add_parties = PartnerChoices(
        Partner.objects.none(),
        required=False,
        label=_("Add parties"),
        widget=forms.CheckboxSelectMultiple,
    )
    add_themes = forms.ModelMultipleChoiceField(
        Competency.objects.none(),
        required=False,
        label=_("Add themes"),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_to = forms.DateField(
        required=False,
        label=_("Valid to"),
        help_text=_("Empty: open-ended."),
        widget=date_input(),
    )

    def __init__(self, *args: Any, protocol: SharingProtocol, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_to": protocol.valid_to})
        super().__init__(*args, **kwargs)
        self.protocol = protocol
        self.fields["add_parties"].queryset = (  # type: ignore[attr-defined]
            protocol.municipality.partners.exclude(pk__in=protocol.parties.all()).order_by(
                "level", "name"
            )
        )
        if protocol.themes.exists():
            self.fields["add_themes"].queryset = Competency.objects.applying_to(  # type: ignore[attr-defined]
                protocol.municipality
            ).exclude(pk__in=protocol.themes.all())
        else:
            del self.fields["add_themes"]
        if protocol.valid_to is None:
            # Open-ended already: any end would shorten it.
            del self.fields["valid_to"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        current = self.protocol.valid_to
        end = cleaned.get("valid_to", current)
        cleaned["valid_to"] = end
        if current and end and end < current:
            self.add_error(
                "valid_to",
                _("A protocol is only extended: its validity cannot end before %(end)s.")
                % {"end": formats.date_format(current, "DATE_FORMAT")},
            )
        check_period(self, self.protocol.valid_from, end)
        unchanged = end == current
        if (
            not self.errors
            and unchanged
            and not any(cleaned.get(name) for name in ("add_parties", "add_themes"))
        ):
            raise forms.ValidationError(
                _("Nothing to extend: add a party or a theme, or move the end of the validity.")
            )
        return cleaned

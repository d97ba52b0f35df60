from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.access import visible_partners
from partners.models import Competency


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

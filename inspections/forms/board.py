"""The live board's form: move one visit to another team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import ActionDay, Team, Visit


class MoveVisitForm(forms.Form):
    """Names the plan version it was based on, so a move on a stale board is refused."""

    visit = forms.UUIDField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Move to team"))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_day = action_day
        self.fields["team"].queryset = action_day.teams.all()  # type: ignore[attr-defined]

    def clean_visit(self) -> Visit:
        visit = self.action_day.visits.select_related("premises", "team").filter(
            code=self.cleaned_data["visit"]
        )
        if not visit:
            raise forms.ValidationError(_("This visit is not part of this action day."))
        return visit[0]

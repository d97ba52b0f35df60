"""An action day carries out a case: the planner ties a day to one of the coordinator's
open cases of the city (or unties it). cases/ never imports inspections/; the day points
at the case."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.access import visible_cases
from cases.models import Case
from inspections.actions import bump_version
from inspections.models import ActionDay
from partners import audit
from partners.models import AuditEntry


def cases_for_day(user: Any, action_day: ActionDay) -> QuerySet[Case]:
    """The open cases of the day's municipality whose team the user is in."""
    return (
        visible_cases(user)
        .exclude(state=Case.State.CLOSED)
        .filter(municipality_id=action_day.municipality_id)
    )


@transaction.atomic
def attach_case(*, action_day: ActionDay, user: Any, version: int, case: Case | None) -> None:
    """Tie the day to ``case`` (or untie it with None) under the plan's version check. A
    case outside the user's team does not exist for them, so it cannot be chosen."""
    if case is not None and not cases_for_day(user, action_day).filter(pk=case.pk).exists():
        raise ValidationError(_("Choose one of your open cases of this municipality."))
    bump_version(action_day, version)
    action_day.case = case
    action_day.save(update_fields=["case"])
    audit.record(
        user, AuditEntry.Action.CHANGE, action_day, case=case.number if case is not None else ""
    )

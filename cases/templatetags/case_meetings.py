"""What the case page shows of the case's meetings, decisions and actions
(templates/cases/_case_actions.html). The case page's view has already made sure the
reader is in the case team."""

from __future__ import annotations

from typing import Any

from django import template

from cases.access import is_coordinator_of, visible_meetings
from cases.actions.meetings import may_complete
from cases.forms.meetings import CompleteActionForm
from cases.models import Approach, Case, CaseAction

register = template.Library()

# The approaches under which the city itself plans a joint action day.
ACTION_DAY_APPROACHES = (Approach.INTEGRATED, Approach.ADMINISTRATIVE)


@register.simple_tag(takes_context=True)
def case_meeting_panel(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    items = list(case.agenda_items.select_related("meeting").order_by("-meeting__held_on", "order"))
    seen = set(
        visible_meetings(user)
        .filter(pk__in=[item.meeting_id for item in items])
        .values_list("pk", flat=True)
    )
    actions = list(
        CaseAction.objects.filter(case=case).select_related(
            "instrument", "partner", "case__municipality", "agenda_item__meeting"
        )
    )
    rows = [
        {
            "action": action,
            "form": (
                CompleteActionForm(prefix=f"c{action.pk}")
                if action.status == CaseAction.Status.OPEN and may_complete(user, action)
                else None
            ),
        }
        for action in actions
    ]
    action_day_chosen = case.approach in ACTION_DAY_APPROACHES or any(
        action.instrument.is_action_day for action in actions
    )
    return {
        "items": [{"item": item, "visible": item.meeting_id in seen} for item in items],
        "actions": rows,
        "can_plan_action_day": (
            user is not None
            and action_day_chosen
            and case.state != Case.State.CLOSED
            and is_coordinator_of(user, case.municipality)
        ),
    }

"""What the plan page says about the field's saves of a day."""

from __future__ import annotations

from django import template

from inspections.field_access import late_saves as count_late_saves
from inspections.models import ActionDay

register = template.Library()


@register.simple_tag
def late_saves(action_day: ActionDay) -> int:
    """Saves that reached the day after it was closed (tablets that were offline)."""
    if action_day.status not in (ActionDay.Status.CLOSED, ActionDay.Status.REPORTED):
        return 0
    return count_late_saves(action_day)

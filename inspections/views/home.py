"""The action days on the home page: today's and the coming ones, each with its status
and a link to where its user works on it (the plan, the live board, the field app)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.access import coordinated_municipalities, visible_action_days
from inspections.field_access import is_field_worker
from inspections.models import ActionDay

HOME_DAYS = 8
# Days whose board shows the day as it happens.
LIVE_STATUSES = (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS)


@login_required
def home_panel(request: HttpRequest) -> HttpResponse:
    """Loaded into the home page (which belongs to partners/, left of inspections/)."""
    today = timezone.localdate()
    days = list(
        visible_action_days(request.user)
        .filter(date__gte=today)
        .exclude(status__in=(ActionDay.Status.CLOSED, ActionDay.Status.REPORTED))
        .select_related("municipality")
        .order_by("date", "starts_at", "title")[:HOME_DAYS]
    )
    plannable = set(
        ActionDay.objects.filter(
            pk__in=[day.pk for day in days],
            municipality__in=coordinated_municipalities(request.user),
        ).values_list("pk", flat=True)
    )
    context = {
        "today": [day for day in days if day.date == today],
        "upcoming": [day for day in days if day.date > today],
        "plannable": plannable,
        "live": LIVE_STATUSES,
        "field_worker": is_field_worker(request.user),
        "can_plan": coordinated_municipalities(request.user).exists(),
    }
    return render(request, "inspections/home_panel.html", context)

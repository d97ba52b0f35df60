"""The case work's one entry in the menu: a page that leads to each of its pages the
reader may use (my cases, signals, triage, meetings, the subject register), with the
counts that tell where work waits (among them the open actions given to the reader's
partner in their cases, and how many are past their deadline). It names no case, no
action and no signal: only counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import (
    assigned_actions,
    can_file_signals,
    can_open_cases,
    can_triage,
    can_use_register,
    has_any_role,
    triage_queue,
    visible_cases,
)
from cases.models import Case, CaseAction, DeskSignal
from partners.models import Role

# Who is offered the case meetings: everyone but the permit desk, whose work with a
# case ends at the signal.
MEETING_ROLES = (
    Role.COORDINATOR,
    Role.ADMIN,
    Role.ANALYST,
    Role.INSPECTOR,
    Role.TEAM_LEAD,
    Role.MAYORS_OFFICE,
)


@login_required
@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    triage = can_triage(user)
    waiting_actions = assigned_actions(user).filter(status=CaseAction.Status.OPEN)
    context = {
        "open_actions": waiting_actions.count(),
        "late_actions": waiting_actions.filter(deadline__lt=timezone.localdate()).count(),
        "open_cases": visible_cases(user).exclude(state=Case.State.CLOSED).count(),
        "can_open": can_open_cases(user),
        "can_file": can_file_signals(user),
        "can_triage": triage,
        "waiting": (
            triage_queue(user).filter(status=DeskSignal.Status.RECEIVED).count() if triage else 0
        ),
        "meetings": has_any_role(user, MEETING_ROLES),
        "register": can_use_register(user),
    }
    return render(request, "cases/hub.html", context)

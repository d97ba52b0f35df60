"""The live board: every visit's status per team, refreshed by polling; the day's
coordinators move a visit to another team, the team members watch read-only (once the
day is released); anyone else gets a 404. A refused move answers as every refusal does
(partners.http.refuse); a stale one answers with the board as it now is."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections import actions, board
from inspections.access import coordinates, get_action_day_for_user, teams_of
from inspections.forms.board import MoveVisitForm
from inspections.models import ActionDay
from partners.http import HtmxHttpRequest, refuse


def board_context(
    request: HttpRequest, action_day: ActionDay, *, editable: bool, **extra: Any
) -> dict[str, Any]:
    columns = board.columns(action_day)
    teams = [column.team for column in columns if column.team is not None]
    return {
        "action_day": action_day,
        "columns": columns,
        "teams": teams,
        "editable": editable and action_day.status in board.MOVABLE_DAY_STATUSES,
        "movable": board.MOVABLE_STATUSES,
        "my_teams": set(teams_of(request.user, action_day).values_list("pk", flat=True)),
        "totals": board.totals(action_day),
        # Shown as "updated 14:05:32": each poll renders it anew, so a board that stopped
        # refreshing (no network, signed out) shows how old it is.
        "updated_at": timezone.localtime(),
        **extra,
    }


def respond(
    request: HtmxHttpRequest, action_day: ActionDay, *, status: int = 200, **extra: Any
) -> HttpResponse:
    template = "inspections/board.html"
    if request.htmx:
        template += "#columns"
    context = board_context(request, action_day, editable=True, **extra)
    return render(request, template, context, status=status)


@login_required
def board_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    # The board refreshes itself every few seconds: only the page view is audited.
    action_day = get_action_day_for_user(request, code, audit=not request.htmx)
    editable = coordinates(request.user, action_day)
    if not editable and not teams_of(request.user, action_day):
        raise Http404("No such action day")
    template = "inspections/board.html"
    if request.htmx:
        template += "#columns"
    return render(request, template, board_context(request, action_day, editable=editable))


@login_required
@require_POST
def board_move(request: HtmxHttpRequest, code: str) -> HttpResponse:
    action_day = get_action_day_for_user(request, code, plannable=True)
    board_url = reverse("action-day-board", args=[action_day.code])
    form = MoveVisitForm(request.POST, action_day=action_day)
    if not form.is_valid():
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return refuse(request, errors, status=422, redirect_to=board_url)
    visit, team = form.cleaned_data["visit"], form.cleaned_data["team"]
    try:
        board.move_visit(
            action_day=action_day,
            visit=visit,
            team=team,
            version=form.cleaned_data["version"],
            user=request.user,
        )
    except actions.StalePlan:
        action_day.refresh_from_db()
        conflict = _(
            "Nothing was changed: the plan was changed by someone else meanwhile. "
            "The board below is up to date; move the visit again if still needed."
        )
        return respond(request, action_day, status=409, problem=conflict)
    except board.MoveRefused as refusal:
        return refuse(request, str(refusal), status=422, redirect_to=board_url)
    except ValidationError as refusal:
        return refuse(request, " ".join(refusal.messages), status=422, redirect_to=board_url)
    done = _("%(premises)s moved to %(team)s.") % {"premises": visit.premises, "team": team}
    if not request.htmx:
        messages.success(request, done)
        return redirect(board_url)
    return respond(request, action_day, saved=done)

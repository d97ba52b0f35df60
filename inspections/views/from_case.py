"""Plan an action day from a case: the button on the case page, for the city's
coordinators in the case team. Anyone outside the team gets 404, as for every case URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.access import get_case_for_user
from inspections.access import coordinated_municipalities
from inspections.case_planning import plan_action_day_from_case
from partners.http import refuse


@login_required
@require_POST
def action_day_from_case(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request, code)
    if not coordinated_municipalities(request.user).filter(pk=case.municipality_id).exists():
        raise PermissionDenied
    try:
        day = plan_action_day_from_case(case=case, user=request.user)
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), redirect_to="action-day-list")
    visits = day.visits.count()
    if visits:
        messages.success(
            request,
            ngettext(
                "A draft action day was created for the case with its %(count)d premises.",
                "A draft action day was created for the case with its %(count)d premises.",
                visits,
            )
            % {"count": visits},
        )
    else:
        messages.warning(
            request,
            _(
                "A draft action day was created for the case. The case has no premises yet: "
                "add visits here."
            ),
        )
    return redirect("action-day-plan", code=day.code)

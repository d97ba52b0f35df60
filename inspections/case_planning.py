"""Action days planned from a case, and what they did for it.

A case meeting may choose a joint action day as its instrument: the case's coordinator
opens a draft day for the case's municipality with the case's premises as visits,
through the planner's own workflows. The case page lists the case's action days as
outcomes (registered in InspectionsConfig.ready); cases/ never imports inspections/."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.access import visible_cases
from cases.models import Case, CaseAction, Subject
from cases.outcomes import Outcome
from gis.models import Premises
from inspections import actions
from inspections.access import coordinated_municipalities, visible_action_days
from inspections.models import ActionDay
from partners import audit
from partners.models import AuditEntry

# A draft day starts two weeks ahead on a working day; the planner moves it as needed.
LEAD_DAYS = 14
DEFAULT_START, DEFAULT_END = time(9, 0), time(17, 0)


def first_working_day(days_ahead: int) -> Any:
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def case_premises(case: Case) -> list[Premises]:
    """The register's premises among the case's subjects, in the case's municipality."""
    return list(
        Premises.objects.filter(
            subject__kind=Subject.Kind.PREMISES,
            subject__cases=case,
            municipality_id=case.municipality_id,
        )
        .distinct()
        .order_by("address")
    )


@transaction.atomic
def plan_action_day_from_case(*, case: Case, user: Any) -> ActionDay:
    """A draft action day for the case: its municipality, its premises as visits with
    their proposed checks, the partners given open actions on the case taking part, and
    ``day.case`` pointing back. Only a coordinator of the city in the case team."""
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Only a member of the case team plans an action day for it."))
    if not coordinated_municipalities(user).filter(pk=case.municipality_id).exists():
        raise PermissionDenied(_("Only a coordinator of this municipality plans action days."))
    if case.state == Case.State.CLOSED:
        raise ValidationError(_("Case %(number)s is closed.") % {"number": case.number})
    day = actions.create_action_day(
        user=user,
        municipality=case.municipality,
        # The day's participants need not be in the case team: its title names the case
        # by number only, never by its title.
        title=_("Action day, case %(number)s") % {"number": case.number},
        date=first_working_day(LEAD_DAYS),
        starts_at=DEFAULT_START,
        ends_at=DEFAULT_END,
        case=case,
        lead_partner=case.lead_partner
        if case.lead_partner
        and case.lead_partner.municipalities.filter(pk=case.municipality_id).exists()
        else None,
    )
    partners = list(
        case.municipality.partners.filter(
            pk__in=CaseAction.objects.filter(case=case, status=CaseAction.Status.OPEN).values(
                "partner"
            )
        )
    )
    if partners:
        actions.set_partners(action_day=day, user=user, version=day.version, partners=partners)
    premises = case_premises(case)
    if premises:
        actions.add_visits(action_day=day, user=user, version=day.version, premises=premises)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        case,
        planned_action_day=str(day.code),
        visits=len(premises),
    )
    return day


def action_day_outcomes(user: Any, case: Case) -> list[Outcome]:
    """The case's action days the reader may see: date, state, visits and findings."""
    days = (
        visible_action_days(user)
        .filter(case=case)
        .annotate(
            visit_count=Count("visits", distinct=True),
            finding_count=Count("visits__findings", distinct=True),
        )
    )
    may_plan = set(
        ActionDay.objects.filter(
            case=case, municipality__in=coordinated_municipalities(user)
        ).values_list("pk", flat=True)
    )
    return [
        Outcome(
            on=day.date,
            kind="action_day",
            title=str(day),
            text=", ".join(
                [
                    str(day.get_status_display()),
                    ngettext("%(count)d visit", "%(count)d visits", day.visit_count)
                    % {"count": day.visit_count},
                    ngettext("%(count)d finding", "%(count)d findings", day.finding_count)
                    % {"count": day.finding_count},
                ]
            ),
            url=reverse("action-day-plan", kwargs={"code": day.code}) if day.pk in may_plan else "",
        )
        for day in days
    ]

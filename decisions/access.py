"""Who may see and do what in decisions/. Every view, fragment, PDF, export and hook
starts here.

* Joint reports are compiled and read by the mayor's office and the municipality's
  coordinators, for visits of closed action days. A partner that recorded findings at a
  visit sees that visit's report too, to sign it off: its team leads and the inspectors
  who recorded the findings sign.
* Decisions are drafted and taken only by the mayor's office. The mayor's office and
  coordinators read them and the registers; analysts get the figures and the
  anonymised export only. The permit desk learns nothing here: its lookup shows
  "flagged" for premises with a decision in force, never why.
* Nobody sees anything of another municipality.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from decisions.models import Decision, FollowUp, JointReport
from decisions.models.records import DecisionQuerySet
from inspections.access import AFTERMATH_STATUSES, visible_visits
from inspections.models import Finding, Visit
from partners.access import require_role, visible_municipalities
from partners.models import Municipality, Person, Role, person_of

REPORT_ROLES = (Role.MAYORS_OFFICE, Role.COORDINATOR, Role.ADMIN)
DECISION_ROLES = (Role.MAYORS_OFFICE, Role.ADMIN)
REGISTER_ROLES = (Role.MAYORS_OFFICE, Role.COORDINATOR, Role.ADMIN)
FIGURE_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.MAYORS_OFFICE, Role.ADMIN)


def has(user: Any, *roles: str) -> bool:
    person = person_of(user)
    return person is not None and (person.has_role(*roles) or person.has_role(Role.ADMIN))


def municipalities_for(user: Any, *roles: str) -> QuerySet[Municipality]:
    if not has(user, *roles):
        return Municipality.objects.none()
    return visible_municipalities(user)


def reportable_visits(user: Any) -> QuerySet[Visit]:
    """Visits of closed action days whose report the user may compile."""
    return visible_visits(user).filter(
        action_day__status__in=AFTERMATH_STATUSES,
        action_day__municipality__in=municipalities_for(user, *REPORT_ROLES),
    )


def visible_reports(user: Any) -> QuerySet[JointReport]:
    person = person_of(user)
    if person is None:
        return JointReport.objects.none()
    rule = Q(municipality__in=municipalities_for(user, *REPORT_ROLES))
    rule |= Q(
        visit__findings__partner_id=person.partner_id,
        municipality__in=visible_municipalities(user),
    )
    return JointReport.objects.filter(pk__in=JointReport.objects.filter(rule).values("pk"))


def may_sign(user: Any, report: JointReport, partner_id: int) -> bool:
    """A team lead of the partner, or an inspector of it who recorded a finding at the
    visit, signs for the partner. Any version counts: a colleague who merged later
    answers into the finding does not take the first inspector's signature away."""
    person: Person | None = person_of(user)
    if person is None or person.partner_id != partner_id:
        return False
    if not visible_municipalities(user).filter(pk=report.municipality_id).exists():
        return False
    if person.has_role(Role.TEAM_LEAD):
        return True
    return (
        Finding.objects.filter(visit_id=report.visit_id, partner_id=partner_id)
        .filter(Q(recorded_by=user) | Q(submissions__user=user))
        .exists()
    )


def get_report_for_user(request: HttpRequest, code: Any) -> JointReport:
    try:
        return (
            visible_reports(request.user)
            .select_related("municipality", "visit__action_day", "visit__premises")
            .get(code=code)
        )
    except (JointReport.DoesNotExist, ValueError) as error:
        raise Http404("No such report") from error


def get_reportable_visit(request: HttpRequest, code: Any) -> Visit:
    try:
        return (
            reportable_visits(request.user)
            .select_related("action_day__municipality", "premises")
            .get(code=code)
        )
    except (Visit.DoesNotExist, ValueError) as error:
        raise Http404("No such visit") from error


def visible_decisions(user: Any) -> DecisionQuerySet:
    return Decision.objects.filter(municipality__in=municipalities_for(user, *REGISTER_ROLES))


def draftable_decisions(user: Any) -> DecisionQuerySet:
    return Decision.objects.filter(municipality__in=municipalities_for(user, *DECISION_ROLES))


def get_decision_for_user(request: HttpRequest, code: Any, *, drafting: bool = False) -> Decision:
    if drafting:
        require_role(request, *DECISION_ROLES)
    queryset = draftable_decisions(request.user) if drafting else visible_decisions(request.user)
    try:
        return queryset.select_related(
            "municipality", "type_version__decision_type", "joint_report", "premises"
        ).get(code=code)
    except (Decision.DoesNotExist, ValueError) as error:
        raise Http404("No such decision") from error


def visible_follow_ups(user: Any) -> QuerySet[FollowUp]:
    """Follow-ups are for the coordinators who plan re-inspections."""
    return FollowUp.objects.filter(municipality__in=municipalities_for(user, Role.COORDINATOR))

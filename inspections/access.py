"""Who may see what of inspections/. Every view, fragment, API answer, PDF and export
of an action day, visit, finding or report starts here.

Operational secrecy: which premises an action day targets is known only to the
municipality's coordinators until the day is released; from then on also to its
participants (members of its teams and people of its participating partners). The
mayor's office and analysts see a day once it is closed. The permit desk never does,
nor does anyone of another municipality.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import ActionDay, ChecklistTemplate, Team, Visit
from partners import audit
from partners.access import visible_municipalities
from partners.models import AuditEntry, Municipality, Role, person_of

PARTICIPANT_STATUSES = (
    ActionDay.Status.RELEASED,
    ActionDay.Status.IN_PROGRESS,
    ActionDay.Status.CLOSED,
    ActionDay.Status.REPORTED,
)
AFTERMATH_STATUSES = (ActionDay.Status.CLOSED, ActionDay.Status.REPORTED)


def coordinated_municipalities(user: Any) -> QuerySet[Municipality]:
    """Municipalities where the user plans action days (coordinators and admins)."""
    person = person_of(user)
    if person is None or not person.has_role(Role.COORDINATOR, Role.ADMIN):
        return Municipality.objects.none()
    return visible_municipalities(user)


def visible_action_days(user: Any) -> QuerySet[ActionDay]:
    person = person_of(user)
    if person is None:
        return ActionDay.objects.none()
    municipalities = visible_municipalities(user)
    rule = Q(municipality__in=coordinated_municipalities(user))
    rule |= Q(status__in=PARTICIPANT_STATUSES) & (
        Q(teams__members=user) | Q(teams__lead=user) | Q(partners=person.partner_id)
    )
    if person.has_role(Role.MAYORS_OFFICE, Role.ANALYST):
        rule |= Q(status__in=AFTERMATH_STATUSES)
    if person.has_role(Role.PERMIT_DESK) and not person.has_role(
        Role.COORDINATOR, Role.ADMIN, Role.INSPECTOR, Role.TEAM_LEAD
    ):
        return ActionDay.objects.none()
    matching = ActionDay.objects.filter(rule, municipality__in=municipalities)
    return ActionDay.objects.filter(pk__in=matching.values("pk"))


def plannable_action_days(user: Any) -> QuerySet[ActionDay]:
    """Action days the user may change the plan of: their municipality's coordinators."""
    return ActionDay.objects.filter(municipality__in=coordinated_municipalities(user))


def visible_visits(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(action_day__in=visible_action_days(user))


def team_visits(user: Any) -> QuerySet[Visit]:
    """Visits of the teams the user is a member or lead of, on released days."""
    return Visit.objects.filter(
        Q(team__members=user) | Q(team__lead=user),
        action_day__status__in=PARTICIPANT_STATUSES,
        action_day__municipality__in=visible_municipalities(user),
    ).distinct()


def audit_if_not_yet_held(user: Any, action_day: ActionDay, **detail: Any) -> None:
    """Every view of an action day that has not yet been held is audited."""
    not_yet_held = (
        action_day.status
        in (
            ActionDay.Status.DRAFT,
            ActionDay.Status.PLANNED,
            ActionDay.Status.RELEASED,
        )
        or action_day.date > timezone.localdate()
    )
    if not_yet_held:
        audit.record(user, AuditEntry.Action.READ, action_day, **detail)


def get_action_day_for_user(
    request: HttpRequest, code: Any, *, plannable: bool = False, audit: bool = True
) -> ActionDay:
    """The action day with this code if the user may see it (or plan it), else 404.

    A 404 rather than a 403: whether a secret action day exists is itself secret.
    ``audit=False`` only for a fragment refreshing a page whose view was audited."""
    queryset = (
        plannable_action_days(request.user) if plannable else visible_action_days(request.user)
    )
    try:
        action_day = queryset.select_related("municipality", "zone", "lead_partner").get(code=code)
    except (ActionDay.DoesNotExist, ValueError) as error:
        raise Http404("No such action day") from error
    if audit:
        audit_if_not_yet_held(request.user, action_day, path=request.path)
    return action_day


def get_visit_for_user(request: HttpRequest, code: Any) -> Visit:
    try:
        return (
            visible_visits(request.user)
            .select_related("action_day", "premises", "team")
            .get(code=code)
        )
    except (Visit.DoesNotExist, ValueError) as error:
        raise Http404("No such visit") from error


def coordinates(user: Any, action_day: ActionDay) -> bool:
    """Whether the user is one of the day's coordinators (may plan it and export all of it)."""
    return plannable_action_days(user).filter(pk=action_day.pk).exists()


def teams_of(user: Any, action_day: ActionDay) -> QuerySet[Team]:
    """The day's teams the user is a member or lead of; none until the day is released."""
    if action_day.status not in PARTICIPANT_STATUSES:
        return Team.objects.none()
    return (
        action_day.teams.filter(Q(members=user) | Q(lead=user))
        .filter(action_day__municipality__in=visible_municipalities(user))
        .distinct()
    )


# Checklists are a catalogue: shared entries seeded for every city, a city's own copies
# and a partner's own checklists. Everyone who builds checklists reads the shared ones;
# a copy or a partner's checklist only where its owner works.


def visible_checklists(user: Any) -> QuerySet[ChecklistTemplate]:
    """Shared checklists, the copies of the user's cities and the checklists of the
    partners working for them; another city's copy is not theirs to know of."""
    if user.is_authenticated and user.is_superuser:
        return ChecklistTemplate.objects.all()
    if person_of(user) is None:
        return ChecklistTemplate.objects.none()
    cities = visible_municipalities(user)
    return ChecklistTemplate.objects.filter(
        Q(municipality__isnull=True, owner_partner__isnull=True)
        | Q(municipality__in=cities)
        | Q(owner_partner__municipalities__in=cities)
    ).distinct()


def checklist_owners(user: Any) -> list[tuple[str, str]]:
    """(value, name) of every owner the user writes checklists for: each city they
    coordinate, their partner when they are its administrator, every city for a
    superuser. Values are ``city:<code>``, ``partner:<code>`` and ``shared``."""
    person = person_of(user)
    owners: list[tuple[str, str]] = []
    if user.is_authenticated and user.is_superuser:
        owners.append(("shared", str(_("Shared by every city"))))
    if person is None:
        return owners
    if person.has_role(Role.COORDINATOR, Role.ADMIN):
        owners += [(f"city:{city.code}", city.name) for city in visible_municipalities(user)]
    if person.has_role(Role.ADMIN):
        owners.append((f"partner:{person.partner.code}", str(person.partner)))
    return owners


def owner_value(template: ChecklistTemplate) -> str:
    if template.municipality is not None:
        return f"city:{template.municipality.code}"
    if template.owner_partner is not None:
        return f"partner:{template.owner_partner.code}"
    return "shared"


def checklist_edit_refusal(user: Any, template: ChecklistTemplate) -> str:
    """Why the user may not change this checklist ("" when they may): only its owner
    changes it; a shared one is adapted into a copy of one's own instead."""
    if owner_value(template) in dict(checklist_owners(user)):
        return ""
    if template.is_shared:
        return _(
            "This checklist is shared by every city: adapt it for your city, or for your "
            "partner, and change your copy."
        )
    if template.owner_partner_id is not None:
        return _("Only the administrators of %(partner)s change its checklists.") % {
            "partner": template.owner_partner
        }
    return _("Only the coordinators of %(city)s change its checklists.") % {
        "city": template.municipality
    }

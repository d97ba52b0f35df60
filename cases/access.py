"""Who may see and do what in the case work. Every cases view, fragment, export and
command that acts for a user starts here.

* A case is seen only by its team: named people of named partners (``CaseMember``).
  Anyone else, whatever their role or city, gets 404: that a case exists is itself
  information.
* Inside a case, an information entry marked internal is read only by people of the
  partner who brought it; the rest of the team sees that such an entry exists, from
  whom and when, not what it says.
* Every person of a municipality may file a signal there and follows the status of
  their own signals, never what triage found. Coordinators (and administrators) triage
  the city's signals and open cases.
* The subject register (companies, persons, vehicles) is for the city's coordinators,
  analysts and administrators; a case team member sees the subjects of their cases.
* A case meeting is seen by the city's coordinators and by its participants. What it
  shows of each case on its agenda follows the case, not the meeting: a reader in the
  case's team sees its title, the decision, its actions and what was shared; anyone else
  at the table sees the case's number and whether a decision was recorded, nothing more
  (need to know: a protocol or an art. 458ter consultation lets partners share for the
  case's purpose, it does not open the case to every participant). The minutes are free
  text that may speak of every case on the agenda, so only someone in the team of each of
  them reads or writes them.
* An action a meeting decides is given to a partner with someone in the case team: its
  people there see it on the case page, count it on the hub, and mark it done.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case, CaseAction, DeskSignal, Entry, Meeting, Subject
from partners.access import visible_municipalities
from partners.models import Municipality, Person, Role, person_of

TRIAGE_ROLES = (Role.COORDINATOR, Role.ADMIN)
REGISTER_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.ADMIN)


def has_any_role(user: Any, roles: tuple[str, ...]) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*roles)


def can_file_signals(user: Any) -> bool:
    """Every person working for a municipality may tell it what they saw."""
    return person_of(user) is not None and visible_municipalities(user).exists()


def can_triage(user: Any) -> bool:
    return has_any_role(user, TRIAGE_ROLES)


def is_coordinator_of(user: Any, municipality: Municipality) -> bool:
    """Coordinators and administrators run a city's case work (open cases, shape their
    teams, schedule and run meetings), only in a city they work for."""
    return triage_municipalities(user).filter(pk=municipality.pk).exists()


def require_coordinator_of(user: Any, municipality: Municipality) -> Person:
    """The user's Person when :func:`is_coordinator_of`; PermissionDenied otherwise."""
    person = person_of(user)
    if person is None or not is_coordinator_of(user, municipality):
        raise PermissionDenied(_("Only a coordinator of this municipality may do this."))
    return person


def can_open_cases(user: Any) -> bool:
    return has_any_role(user, TRIAGE_ROLES)


def can_use_register(user: Any) -> bool:
    """Search the subject register, add subjects and links, draw connections."""
    return has_any_role(user, REGISTER_ROLES)


def triage_municipalities(user: Any) -> QuerySet[Municipality]:
    if not can_triage(user):
        return Municipality.objects.none()
    return visible_municipalities(user)


def own_signals(user: Any) -> QuerySet[DeskSignal]:
    """The signals the user filed: they follow the status, nothing more."""
    if not user.is_authenticated:
        return DeskSignal.objects.none()
    return DeskSignal.objects.filter(reporter=user)


def triage_queue(user: Any) -> QuerySet[DeskSignal]:
    return DeskSignal.objects.filter(municipality__in=triage_municipalities(user))


def get_signal_for_triage(request: HttpRequest, code: Any) -> DeskSignal:
    try:
        return triage_queue(request.user).select_related("municipality").get(code=code)
    except (DeskSignal.DoesNotExist, ValueError) as error:
        raise Http404("No such signal") from error


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases whose team the user is in, in a municipality they work for."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(
        members__person__user=user, municipality__in=visible_municipalities(user)
    ).distinct()


def assigned_actions(user: Any) -> QuerySet[CaseAction]:
    """The actions a meeting gave the user's partner in cases whose team the user is in:
    where the partner's people find what they were given (the case page lists them with
    their deadline and state, the hub counts them)."""
    person = person_of(user)
    if person is None:
        return CaseAction.objects.none()
    return CaseAction.objects.filter(case__in=visible_cases(user), partner_id=person.partner_id)


def get_case_for_user(request: HttpRequest, code: Any) -> Case:
    """The case when the user is in its team; 404 for everyone else."""
    try:
        return visible_cases(request.user).select_related("municipality").get(code=code)
    except (Case.DoesNotExist, ValueError) as error:
        raise Http404("No such case") from error


def readable_entries(user: Any, case: Case) -> QuerySet[Entry]:
    """The entries whose content the user may read: all but other partners' internal ones."""
    person = person_of(user)
    partner_id = person.partner_id if person is not None else None
    return case.entries.filter(~Q(sharing=Entry.Sharing.INTERNAL) | Q(partner_id=partner_id))


def visible_subjects(user: Any) -> QuerySet[Subject]:
    """The city's register for coordinators, analysts and administrators; the subjects of
    one's own cases for everyone else in a case team."""
    if has_any_role(user, REGISTER_ROLES):
        return Subject.objects.filter(municipality__in=visible_municipalities(user))
    return Subject.objects.filter(cases__in=visible_cases(user)).distinct()


def get_subject_for_user(request: HttpRequest, code: Any) -> Subject:
    try:
        return visible_subjects(request.user).select_related("premises").get(code=code)
    except (Subject.DoesNotExist, ValueError) as error:
        raise Http404("No such subject") from error


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    coordinated = Q(municipality__in=triage_municipalities(user))
    attended = Q(participants__person__user=user, municipality__in=visible_municipalities(user))
    return Meeting.objects.filter(coordinated | attended).distinct()


def withheld_cases(user: Any, meeting: Meeting) -> QuerySet[Case]:
    """The cases on the meeting's agenda whose team the user is not in: the meeting shows
    them only by number."""
    return Case.objects.filter(agenda_items__meeting=meeting).exclude(
        pk__in=visible_cases(user).values("pk")
    )


def may_read_minutes(user: Any, meeting: Meeting) -> bool:
    """The minutes cover the whole agenda: read only by someone in the team of every case
    on it (any reader of the meeting while the agenda is empty)."""
    return not withheld_cases(user, meeting).exists()


def get_meeting_for_user(request: HttpRequest, code: Any) -> Meeting:
    try:
        return visible_meetings(request.user).select_related("municipality").get(code=code)
    except (Meeting.DoesNotExist, ValueError) as error:
        raise Http404("No such meeting") from error

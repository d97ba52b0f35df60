"""Who may see what of the premises register. Every gis view, fragment, export and
command that acts for a user starts here.

* Premises, zones and imports: people of the municipality (``visible_municipalities``).
* The register's risk details (signals, scores, explanations) are for the
  administrative-approach team: coordinators, analysts, the mayor's office and admins.
  The permit desk sees only "flagged" or "no flag", never why.
* A signal marked internal is readable only by people of the partner that recorded it.
  Its points still count in the score (the flag must not depend on who looks), but
  others see it in an explanation only as "a confidential report of <partner>": no
  indicator, no source, no text.
* Signals are recorded by coordinators, analysts and admins; the permit-desk lookup is
  for the permit desk, coordinators and admins.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from gis.models import ImportRun, Premises, PremisesQuerySet, Signal, Zone
from partners.access import require_role, visible_municipalities
from partners.models import Role, person_of

RISK_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.MAYORS_OFFICE, Role.ADMIN)
IMPORT_ROLES = (Role.COORDINATOR, Role.ADMIN)
SIGNAL_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.ADMIN)
LOOKUP_ROLES = (Role.PERMIT_DESK, Role.COORDINATOR, Role.ADMIN)


def can_see_risk(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*RISK_ROLES)


def can_record_signals(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*SIGNAL_ROLES)


def can_lookup(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*LOOKUP_ROLES)


def visible_premises(user: Any) -> PremisesQuerySet:
    return Premises.objects.filter(municipality__in=visible_municipalities(user))


def visible_zones(user: Any) -> QuerySet[Zone]:
    return Zone.objects.filter(municipality__in=visible_municipalities(user))


def visible_imports(user: Any) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(municipality__in=visible_municipalities(user))


def visible_signals(user: Any) -> QuerySet[Signal]:
    """Signals of visible premises, for people who may see risk details; internal ones
    only for their own partner."""
    if not can_see_risk(user):
        return Signal.objects.none()
    person = person_of(user)
    signals = Signal.objects.filter(premises__in=visible_premises(user))
    own_partner = person.partner_id if person is not None else None
    return signals.filter(
        ~Q(confidentiality=Signal.Confidentiality.INTERNAL) | Q(recorded_by_partner_id=own_partner)
    )


def get_premises_for_user(request: HttpRequest, code: Any) -> Premises:
    try:
        return (
            visible_premises(request.user).select_related("sector", "municipality").get(code=code)
        )
    except (Premises.DoesNotExist, ValueError) as error:
        raise Http404("No such premises") from error


def require_risk_role(request: HttpRequest) -> None:
    require_role(request, *RISK_ROLES)


def require_signal_role(request: HttpRequest) -> None:
    require_role(request, *SIGNAL_ROLES)


def require_lookup_role(request: HttpRequest) -> None:
    require_role(request, *LOOKUP_ROLES)

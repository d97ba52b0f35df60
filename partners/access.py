"""Who may see what of partners/: every view and query starts here.

A person sees the municipalities they work for; a superuser sees every one. Other apps
build their own ``visible_to(user)`` on :func:`visible_municipalities`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from partners.models import Municipality, Partner, Person, Role, SharingProtocol, person_of


def visible_municipalities(user: Any) -> QuerySet[Municipality]:
    # The field sync's written-out statements repeat this rule (inspections.field_access,
    # held to it by tests/test_field_team_visit.py): change both together.
    if not user.is_authenticated:
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(people__user=user)


def visible_partners(user: Any) -> QuerySet[Partner]:
    """Partners working for at least one of the user's municipalities."""
    return Partner.objects.filter(municipalities__in=visible_municipalities(user)).distinct()


def visible_people(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(municipalities__in=visible_municipalities(user)).distinct()


def visible_protocols(user: Any) -> QuerySet[SharingProtocol]:
    return SharingProtocol.objects.filter(municipality__in=visible_municipalities(user))


def protocol_municipalities(user: Any) -> QuerySet[Municipality]:
    """Municipalities whose sharing protocols the user makes and extends: their own,
    as a coordinator (or administrator). Nobody writes what another city owns."""
    person = person_of(user)
    if person is None or not person.has_role(Role.COORDINATOR, Role.ADMIN):
        return Municipality.objects.none()
    return visible_municipalities(user)


def get_protocol_for_user(request: HttpRequest, code: Any) -> SharingProtocol:
    """A protocol the user may extend. 404 when it is not of their municipality (whether
    another city has one is not theirs to know); 403 when they see it but may not
    change it."""
    protocol = (
        visible_protocols(request.user).select_related("municipality").filter(code=code).first()
    )
    if protocol is None:
        raise Http404("No such sharing protocol")
    if not protocol_municipalities(request.user).filter(pk=protocol.municipality_id).exists():
        raise PermissionDenied
    return protocol


def require_role(request: HttpRequest, *roles: str) -> Person:
    """The requesting user's Person when they hold one of ``roles``; 403 otherwise."""
    person = person_of(request.user)
    if person is None or not (person.has_role(*roles) or person.has_role(Role.ADMIN)):
        raise PermissionDenied
    return person


def can_edit_competencies(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(Role.COORDINATOR, Role.ADMIN)


def competency_refusal(user: Any, partner: Partner) -> str:
    """Why the user may not change what ``partner`` may check ("" when they may). A
    partner's competencies hold in every city it works for: its own administrators
    change them, or a coordinator when the partner works for their cities alone."""
    person = person_of(user)
    if user.is_authenticated and user.is_superuser:
        return ""
    if person is None or not person.has_role(Role.COORDINATOR, Role.ADMIN):
        return str(_("Only coordinators and administrators change competencies."))
    if person.partner_id == partner.pk and person.has_role(Role.ADMIN):
        return ""
    elsewhere = partner.municipalities.exclude(pk__in=visible_municipalities(user))
    if not elsewhere.exists():
        return ""
    return str(
        _(
            "%(partner)s also works for other cities: only its own administrators change "
            "what it may check."
        )
        % {"partner": partner.short_name}
    )

"""Who may see what of partners/: every view and query starts here.

A person sees the municipalities they work for; a superuser sees every one. Other apps
build their own ``visible_to(user)`` on :func:`visible_municipalities`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from partners.models import Municipality, Partner, Person, Role, SharingProtocol, person_of


def visible_municipalities(user: Any) -> QuerySet[Municipality]:
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


def require_role(request: HttpRequest, *roles: str) -> Person:
    """The requesting user's Person when they hold one of ``roles``; 403 otherwise."""
    person = person_of(request.user)
    if person is None or not (person.has_role(*roles) or person.has_role(Role.ADMIN)):
        raise PermissionDenied
    return person


def can_edit_competencies(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(Role.COORDINATOR, Role.ADMIN)

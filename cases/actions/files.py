"""Workflows of the case file: opening a case, its team, its subjects, its information
entries and its states. Each is one transaction that writes its audit row; the pages,
the demo and the meeting workflows call these, never the models directly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseCounter, CaseMember, CaseSubject, Phenomenon, Subject
from partners import audit
from partners.access import visible_municipalities
from partners.models import AuditEntry, Municipality, Partner, Role, person_of
from partners.numbering import next_in_year


def _require_coordinator_of(user: Any, municipality: Municipality) -> None:
    """Opening a case and shaping its team is the city's coordinators' (or
    administrators') work, and only in a city they work for."""
    person = person_of(user)
    if (
        person is None
        or not person.has_role(Role.COORDINATOR, Role.ADMIN)
        or not visible_municipalities(user).filter(pk=municipality.pk).exists()
    ):
        raise PermissionDenied(_("Only a coordinator of this municipality may do this."))


@transaction.atomic
def open_case(
    *,
    municipality: Municipality,
    user: Any,
    title: str,
    phenomenon: str,
    summary: str = "",
    subjects: Iterable[Subject] = (),
    lead_partner: Partner | None = None,
) -> Case:
    """Open a case with the next number of the municipality's year; the person opening
    it is its first team member, so the case is never seen by nobody."""
    _require_coordinator_of(user, municipality)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("A case needs a title."))
    if phenomenon not in Phenomenon.values:
        raise ValidationError(_("Choose the phenomenon the case is about."))
    if (
        lead_partner is not None
        and not lead_partner.municipalities.filter(pk=municipality.pk).exists()
    ):
        raise ValidationError(
            _("%(partner)s does not work for %(city)s.")
            % {"partner": lead_partner, "city": municipality}
        )
    subjects = list(subjects)
    foreign = [subject for subject in subjects if subject.municipality_id != municipality.pk]
    if foreign:
        raise ValidationError(
            _("%(subject)s is not in the register of %(city)s.")
            % {"subject": foreign[0], "city": municipality}
        )
    now = timezone.now()
    case = Case.objects.create(
        municipality=municipality,
        number=next_in_year(CaseCounter, municipality, timezone.localdate(now).year),
        title=title,
        phenomenon=phenomenon,
        summary=summary,
        lead_partner=lead_partner,
        opened_by=user,
        opened_at=now,
    )
    CaseMember.objects.create(case=case, person=person_of(user), added_by=user, added_at=now)
    for subject in dict.fromkeys(subjects):
        CaseSubject.objects.create(case=case, subject=subject, added_by=user, added_at=now)
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        case,
        number=case.number,
        phenomenon=phenomenon,
        subjects=[str(subject.code) for subject in subjects],
    )
    return case

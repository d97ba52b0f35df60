"""Workflows of the desk signals: filing one, and the coordinator's triage (verify, link
to a premises or a case, open a case from it, merge a duplicate, dismiss).

Each is one transaction that validates, refuses with a message in the user's language
(``ValidationError``, nothing saved) and writes its audit row. The reporter's side only
ever changes ``status``; everything triage finds (outcome, case, reason, duplicate) is
for the triage team and the case team.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import can_file_signals, triage_municipalities, visible_cases
from cases.actions.files import open_case
from cases.actions.subjects import (
    DuplicateSubject,
    add_subject,
    same_person,
    subject_for_premises,
)
from cases.models import Case, CaseSubject, DeskSignal, Subject
from gis.actions import record_signal
from gis.identifiers import normalise_enterprise_number
from gis.models import Indicator, Premises
from gis.models import Signal as RegisterSignal
from partners import audit
from partners.access import visible_municipalities
from partners.models import AuditEntry, Municipality, Person, Role, person_of

# Which register source a verified desk signal counts as in the premises' risk.
REGISTER_SOURCE = {
    DeskSignal.Desk.PERMIT_DESK: RegisterSignal.Source.PERMIT_DESK,
    DeskSignal.Desk.POLICE: RegisterSignal.Source.POLICE_REPORT,
}


def infer_desk(person: Person | None) -> str:
    """The desk a person files for when their role says it ("" when they must choose):
    the permit desk's clerks, and inspectors (police when their partner holds a police
    competency). Population office and wardens have no role of their own: they choose."""
    if person is None:
        return ""
    if person.has_role(Role.PERMIT_DESK):
        return DeskSignal.Desk.PERMIT_DESK
    if person.has_role(Role.INSPECTOR, Role.TEAM_LEAD):
        if person.partner.competencies.filter(code__startswith="police-").exists():
            return DeskSignal.Desk.POLICE
        return DeskSignal.Desk.INSPECTION
    return ""


def _about_fields(
    *,
    about: str,
    municipality: Municipality,
    address: str,
    premises: Premises | None,
    subject_name: str,
    enterprise_number: str,
    birth_date: date | None,
) -> dict[str, Any]:
    """What the signal is about, checked for its kind; only that kind's fields are kept.
    A premises signal keeps the address the reporter chose, so that "My signals" shows
    what they gave even after triage links another premises."""
    address, subject_name = " ".join(address.split()), " ".join(subject_name.split())
    if about == DeskSignal.About.ADDRESS:
        if not address:
            raise ValidationError(_("Give the address the signal is about."), code="address")
        return {"address": address}
    if about == DeskSignal.About.PREMISES:
        if premises is None:
            raise ValidationError(_("Search for the premises and choose it."), code="premises")
        if premises.municipality_id != municipality.pk:
            raise ValidationError(
                _("%(premises)s is not in %(city)s.")
                % {"premises": premises, "city": municipality},
                code="premises",
            )
        return {"premises": premises, "address": premises.address or premises.name}
    if about not in (DeskSignal.About.COMPANY, DeskSignal.About.PERSON):
        raise ValidationError(_("Say what the signal is about."), code="about")
    if not subject_name:
        raise ValidationError(_("Give the name of the company or person."), code="subject_name")
    fields: dict[str, Any] = {"subject_name": subject_name}
    if about == DeskSignal.About.COMPANY and enterprise_number.strip():
        try:
            fields["enterprise_number"] = normalise_enterprise_number(enterprise_number)
        except ValueError as error:
            raise ValidationError(str(error), code="enterprise_number") from error
    if about == DeskSignal.About.PERSON and birth_date is not None:
        if birth_date > timezone.localdate():
            raise ValidationError(_("A birth date cannot be in the future."), code="birth_date")
        fields["birth_date"] = birth_date
    return fields


@transaction.atomic
def file_signal(
    *,
    municipality: Municipality,
    user: Any,
    about: str,
    observed_on: date,
    what_was_seen: str,
    desk: str = "",
    address: str = "",
    premises: Premises | None = None,
    subject_name: str = "",
    enterprise_number: str = "",
    birth_date: date | None = None,
    indicator: Indicator | None = None,
) -> DeskSignal:
    """File what ``user`` saw with ``municipality``. The desk follows from the person's
    role where it can (:func:`infer_desk`), else it is ``desk``. A company's enterprise
    number must pass mod 97; a person's birth date (kept for a person only) and the date
    seen cannot be in the future."""
    person = person_of(user)
    if not can_file_signals(user) or person is None:
        raise PermissionDenied(_("Only people working for a municipality may file a signal."))
    if not visible_municipalities(user).filter(pk=municipality.pk).exists():
        raise PermissionDenied(_("You do not work for %(city)s.") % {"city": municipality})
    desk = infer_desk(person) or desk
    if desk not in DeskSignal.Desk.values:
        raise ValidationError(_("Choose the desk you file for."), code="desk")
    if observed_on > timezone.localdate():
        raise ValidationError(_("The date seen cannot be in the future."), code="observed_on")
    what_was_seen = what_was_seen.strip()
    if not what_was_seen:
        raise ValidationError(_("Say what you saw."), code="what_was_seen")
    fields = _about_fields(
        about=about,
        municipality=municipality,
        address=address,
        premises=premises,
        subject_name=subject_name,
        enterprise_number=enterprise_number,
        birth_date=birth_date,
    )
    signal = DeskSignal.objects.create(
        municipality=municipality,
        reporter=user,
        reporter_partner=person.partner,
        desk=desk,
        about=about,
        observed_on=observed_on,
        what_was_seen=what_was_seen,
        indicator=indicator,
        **fields,
    )
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        signal,
        desk=desk,
        about=about,
        indicator=indicator.code if indicator else "",
    )
    return signal


# Triage -----------------------------------------------------------------------------


def _for_triage(signal: DeskSignal, user: Any) -> DeskSignal:
    """The signal locked for one triage step: the user must triage its city, and a
    closed signal takes no more steps."""
    if not triage_municipalities(user).filter(pk=signal.municipality_id).exists():
        raise PermissionDenied(_("Only a coordinator of this municipality may triage it."))
    signal = DeskSignal.objects.select_for_update().get(pk=signal.pk)
    if signal.status == DeskSignal.Status.CLOSED:
        raise ValidationError(
            _("This signal is closed: it takes no more triage steps."), code="closed"
        )
    return signal


def _triaged(signal: DeskSignal, user: Any, step: str, **detail: Any) -> DeskSignal:
    signal.triaged_by = user
    signal.triaged_at = timezone.now()
    signal.save()
    audit.record(user, AuditEntry.Action.CHANGE, signal, step=step, **detail)
    return signal


def _record_on_premises(signal: DeskSignal, user: Any) -> None:
    """A verified signal on a premises with an indicator becomes a register signal, so
    the premises' risk rises; kept once (``register_signal``)."""
    if signal.premises is None or signal.indicator is None or signal.register_signal_id:
        return
    signal.register_signal = record_signal(
        premises=signal.premises,
        user=user,
        source=REGISTER_SOURCE.get(
            DeskSignal.Desk(signal.desk), RegisterSignal.Source.INTERNAL_SERVICE
        ),
        received_on=timezone.localdate(signal.created_at),
        indicators=[signal.indicator],
        description=signal.what_was_seen,
        confidentiality=RegisterSignal.Confidentiality.CITY,
    )


@transaction.atomic
def verify_signal(*, signal: DeskSignal, user: Any) -> DeskSignal:
    """The coordinator checked it: in treatment. On a premises with an indicator it
    counts in the premises' risk from now on."""
    signal = _for_triage(signal, user)
    if signal.status != DeskSignal.Status.RECEIVED:
        raise ValidationError(_("This signal was already verified."), code="verified")
    signal.status = DeskSignal.Status.IN_TREATMENT
    signal.outcome = DeskSignal.Outcome.VERIFIED
    _record_on_premises(signal, user)
    return _triaged(signal, user, "verify", register_signal=bool(signal.register_signal_id))


@transaction.atomic
def link_signal_to_premises(*, signal: DeskSignal, premises: Premises, user: Any) -> DeskSignal:
    """The register's premises the signal is about (an address found in the register,
    or a better match). Once verified, its indicator counts on that premises."""
    signal = _for_triage(signal, user)
    if premises.municipality_id != signal.municipality_id:
        raise ValidationError(
            _("%(premises)s is not in %(city)s.")
            % {"premises": premises, "city": signal.municipality},
            code="premises",
        )
    if signal.register_signal_id and signal.premises_id != premises.pk:
        raise ValidationError(
            _("This signal already counts in the risk of %(premises)s.")
            % {"premises": signal.premises},
            code="register_signal",
        )
    signal.premises = premises
    if signal.status == DeskSignal.Status.IN_TREATMENT:
        _record_on_premises(signal, user)
    return _triaged(signal, user, "link_premises", premises=str(premises.code))


def registered_person(signal: DeskSignal) -> Subject | None:
    """The register's person a person signal names, by name and birth date, when the
    register already holds them (and the signal is not linked to a subject yet)."""
    if signal.subject_id is not None or signal.about != DeskSignal.About.PERSON:
        return None
    return same_person(signal.municipality, signal.subject_name, signal.birth_date)


def subject_of(signal: DeskSignal, user: Any) -> Subject | None:
    """The register's subject for what the signal is about: the company with its
    enterprise number, the person with their name and birth date (each found, else
    added), the premises' subject. An address with no premises found has none."""
    if signal.subject is not None:
        return signal.subject
    if signal.about in (DeskSignal.About.COMPANY, DeskSignal.About.PERSON):
        try:
            return add_subject(
                municipality=signal.municipality,
                user=user,
                kind=signal.about,
                name=signal.subject_name,
                enterprise_number=signal.enterprise_number,
                birth_date=signal.birth_date if signal.about == DeskSignal.About.PERSON else None,
            )
        except DuplicateSubject as duplicate:
            return duplicate.existing
    if signal.premises is not None:
        return subject_for_premises(premises=signal.premises, user=user)
    return None


def _link(signal: DeskSignal, case: Case, user: Any) -> DeskSignal:
    signal.subject = subject_of(signal, user)
    if signal.subject is not None:
        CaseSubject.objects.get_or_create(
            case=case, subject=signal.subject, defaults={"added_by": user}
        )
    signal.case = case
    signal.status = DeskSignal.Status.IN_TREATMENT
    signal.outcome = DeskSignal.Outcome.LINKED
    return _triaged(signal, user, "link_case", case=str(case.code))


@transaction.atomic
def link_signal_to_case(*, signal: DeskSignal, case: Case, user: Any) -> DeskSignal:
    """Add the signal to a case the coordinator is in the team of; what it is about
    becomes one of the case's subjects."""
    signal = _for_triage(signal, user)
    if not visible_cases(user).filter(pk=case.pk, municipality=signal.municipality).exists():
        raise ValidationError(
            _("Choose a case of %(city)s whose team you are in.") % {"city": signal.municipality},
            code="case",
        )
    case = Case.objects.get(pk=case.pk)
    if case.state == Case.State.CLOSED:
        raise ValidationError(
            _("Case %(number)s is closed.") % {"number": case.number}, code="case"
        )
    return _link(signal, case, user)


@transaction.atomic
def open_case_from_signal(
    *, signal: DeskSignal, user: Any, title: str, phenomenon: str, summary: str = ""
) -> Case:
    """Open a case with the signal's subject as its first subject, the coordinator as
    its first team member, and link the signal to it."""
    signal = _for_triage(signal, user)
    subject = subject_of(signal, user)
    case = open_case(
        municipality=signal.municipality,
        user=user,
        title=title,
        phenomenon=phenomenon,
        summary=summary,
        subjects=[subject] if subject is not None else [],
    )
    _link(signal, case, user)
    return case


@transaction.atomic
def merge_signal(*, signal: DeskSignal, into: DeskSignal, user: Any) -> DeskSignal:
    """The signal tells what ``into`` already tells: it is closed as merged into it."""
    signal = _for_triage(signal, user)
    into = DeskSignal.objects.get(pk=into.pk)  # as it is now, not as the caller read it
    if into.pk == signal.pk:
        raise ValidationError(_("A signal cannot be merged into itself."), code="into")
    if into.municipality_id != signal.municipality_id:
        raise ValidationError(
            _("Choose a signal of %(city)s.") % {"city": signal.municipality}, code="into"
        )
    if into.outcome == DeskSignal.Outcome.MERGED:
        raise ValidationError(
            _("That signal was itself merged into another: merge into that one."), code="into"
        )
    signal.duplicate_of = into
    signal.status = DeskSignal.Status.CLOSED
    signal.outcome = DeskSignal.Outcome.MERGED
    return _triaged(signal, user, "merge", into=str(into.code))


@transaction.atomic
def dismiss_signal(*, signal: DeskSignal, user: Any, reason: str) -> DeskSignal:
    """Closed without follow-up, for a reason the triage team can read back."""
    signal = _for_triage(signal, user)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for dismissing the signal."), code="reason")
    signal.dismiss_reason = reason
    signal.status = DeskSignal.Status.CLOSED
    signal.outcome = DeskSignal.Outcome.DISMISSED
    return _triaged(signal, user, "dismiss")

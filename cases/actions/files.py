"""Workflows of the case file: opening a case, its team, its subjects, its information
entries and its states. Each is one transaction that writes its audit row; the pages,
the demo and the meeting workflows call these, never the models directly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import require_coordinator_of
from cases.actions.subjects import subject_for_premises
from cases.models import (
    Approach,
    Case,
    CaseAction,
    CaseCounter,
    CaseMember,
    CaseSubject,
    Entry,
    Meeting,
    Phenomenon,
    Subject,
)
from gis.models import Premises
from partners import audit
from partners.models import (
    AuditEntry,
    Municipality,
    Partner,
    Person,
    SharingProtocol,
    person_of,
)
from partners.numbering import next_in_year


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
    opener = require_coordinator_of(user, municipality)
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
    CaseMember.objects.create(case=case, person=opener, added_by=user, added_at=now)
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


def _team_person(user: Any, case: Case) -> Person:
    """The user's Person when they are in the case team. Outside the team the case does
    not exist for them, so the views give 404 before this; the refusal here guards the
    workflows called from elsewhere."""
    person = person_of(user)
    if person is None or not case.members.filter(person=person).exists():
        raise PermissionDenied(_("Only the case team may do this."))
    return person


def _require_team_coordinator(user: Any, case: Case) -> Person:
    """Shaping the team and the case's course is for a coordinator of the city who is
    in the team: a coordinator outside it does not even see the case."""
    person = _team_person(user, case)
    require_coordinator_of(user, case.municipality)
    return person


def may_shape(user: Any, case: Case) -> bool:
    """Whether the user may shape the team and move the case (the pages' buttons)."""
    try:
        _require_team_coordinator(user, case)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def add_member(*, case: Case, person: Person, user: Any) -> CaseMember:
    """Add a named person of a partner to the team. The partner must work for the city
    and be party to a sharing protocol in force for it: without one, nothing may be
    exchanged with them, so they may not see the case."""
    _require_team_coordinator(user, case)
    municipality = case.municipality
    if not person.municipalities.filter(pk=municipality.pk).exists() or (
        not person.partner.municipalities.filter(pk=municipality.pk).exists()
    ):
        raise ValidationError(
            _("%(person)s does not work for %(city)s.") % {"person": person, "city": municipality}
        )
    if not (SharingProtocol.objects.in_force().covering(person.partner, municipality).exists()):
        raise ValidationError(
            _(
                "%(partner)s has no sharing protocol in force with %(city)s: its people "
                "cannot join a case team until one is signed."
            )
            % {"partner": person.partner, "city": municipality}
        )
    if case.members.filter(person=person).exists():
        raise ValidationError(_("%(person)s is already in the case team.") % {"person": person})
    member = CaseMember.objects.create(case=case, person=person, added_by=user)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        case,
        added_member=person.user.get_username(),
        partner=person.partner.slug,
    )
    return member


@transaction.atomic
def remove_member(*, case: Case, person: Person, user: Any) -> None:
    """Take a person off the team; from then on the case is 404 for them. The last
    member stays: a case nobody sees would be lost; so does the last person of a partner
    with open actions on the case, who would otherwise see them nowhere."""
    _require_team_coordinator(user, case)
    member = case.members.filter(person=person).first()
    if member is None:
        raise ValidationError(_("%(person)s is not in the case team.") % {"person": person})
    if case.members.count() == 1:
        raise ValidationError(_("A case keeps at least one team member."))
    partner = person.partner
    if (
        case.actions.filter(partner=partner, status=CaseAction.Status.OPEN).exists()
        and not case.members.filter(person__partner=partner).exclude(person=person).exists()
    ):
        raise ValidationError(
            _(
                "%(person)s is the last of %(partner)s in the team, and %(partner)s still has "
                "open actions on this case that nobody else would see. Add another of its "
                "people to the team first."
            )
            % {"person": person, "partner": partner}
        )
    member.delete()
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        case,
        removed_member=person.user.get_username(),
        partner=person.partner.slug,
    )


@transaction.atomic
def add_subject_to_case(*, case: Case, subject: Subject, user: Any) -> CaseSubject:
    _team_person(user, case)
    if subject.municipality_id != case.municipality_id:
        raise ValidationError(
            _("%(subject)s is not in the register of %(city)s.")
            % {"subject": subject, "city": case.municipality}
        )
    if case.case_subjects.filter(subject=subject).exists():
        raise ValidationError(_("%(subject)s is already in this case.") % {"subject": subject})
    link = CaseSubject.objects.create(case=case, subject=subject, added_by=user)
    audit.record(user, AuditEntry.Action.CHANGE, case, added_subject=str(subject.code))
    return link


@transaction.atomic
def add_premises_to_case(*, case: Case, premises: Premises, user: Any) -> CaseSubject:
    """A premises of the register joins the case as a subject: its subject in the case
    register is made the first time (so links and the network can reach it)."""
    _team_person(user, case)
    subject = subject_for_premises(premises=premises, user=user)
    return add_subject_to_case(case=case, subject=subject, user=user)


@transaction.atomic
def remove_subject_from_case(*, case: Case, subject: Subject, user: Any) -> None:
    """Take a subject out of the case; the entries about it stay, no longer tied to it
    in the matrix but still with their source and partner."""
    _team_person(user, case)
    deleted, _rows = case.case_subjects.filter(subject=subject).delete()
    if not deleted:
        raise ValidationError(_("%(subject)s is not in this case.") % {"subject": subject})
    audit.record(user, AuditEntry.Action.CHANGE, case, removed_subject=str(subject.code))


@transaction.atomic
def add_entry(
    *,
    case: Case,
    user: Any,
    fact: str,
    source: str,
    kind: str,
    known_on: date,
    sharing: str,
    subject: Subject | None = None,
    meeting: Meeting | None = None,
) -> Entry:
    """Record one fact in the information matrix, brought by the user's partner. The
    sharing level travels with the entry: internal is read by the partner's own people
    only. ``meeting`` binds the entry to an art. 458ter consultation's purpose."""
    person = _team_person(user, case)
    if case.state == Case.State.CLOSED:
        raise ValidationError(_("The case is closed: no more entries."))
    fact = (fact or "").strip()
    source = (source or "").strip()
    if not fact:
        raise ValidationError(_("Write down the fact."))
    if not source:
        raise ValidationError(_("Say where the fact comes from."))
    if kind not in Entry.Kind.values:
        raise ValidationError(_("Choose whether the source is open, half-open or closed."))
    if sharing not in Entry.Sharing.values:
        raise ValidationError(_("Choose who may read the entry."))
    if known_on is None or known_on > timezone.localdate():
        raise ValidationError(_("The date of the fact cannot be in the future."))
    if subject is not None and not case.case_subjects.filter(subject=subject).exists():
        raise ValidationError(
            _("%(subject)s is not a subject of this case.") % {"subject": subject}
        )
    if meeting is not None and (
        meeting.frame != Meeting.Frame.ART_458TER
        or meeting.municipality_id != case.municipality_id
        or not meeting.agenda.filter(case=case).exists()
    ):
        raise ValidationError(
            _("Only an art. 458ter consultation with this case on its agenda binds an entry.")
        )
    entry = Entry.objects.create(
        case=case,
        subject=subject,
        fact=fact,
        source=source,
        kind=kind,
        partner=person.partner,
        known_on=known_on,
        sharing=sharing,
        bound_to_meeting=meeting,
        author=user,
    )
    # The fact itself stays out of the audit log: the log is read more widely.
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        entry,
        municipality=case.municipality,
        case=case.number,
        kind=kind,
        sharing=sharing,
    )
    return entry


@transaction.atomic
def move_case(
    *, case: Case, user: Any, to_state: str, evaluation: str = "", approach: str = ""
) -> Case:
    """Move the case along intake → analysis → case meeting → approach chosen → actions
    → monitoring → closed (``Case.can_move_to``). Choosing the approach needs the
    approach (given here or already recorded); closing needs an evaluation of what the
    work achieved."""
    _require_team_coordinator(user, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_state not in Case.State.values:
        raise ValidationError(_("Unknown state."))
    if not case.can_move_to(to_state):
        raise ValidationError(
            _("A case in %(from)s cannot move to %(to)s.")
            % {"from": case.get_state_display(), "to": Case.State(to_state).label}
        )
    if approach and approach not in Approach.values:
        raise ValidationError(_("Unknown approach."))
    evaluation = (evaluation or "").strip()
    previous = case.state
    if approach:
        case.approach = approach
    if to_state == Case.State.APPROACH_CHOSEN and not case.approach:
        raise ValidationError(_("Say which approach the case meeting chose."))
    if to_state == Case.State.CLOSED:
        if not evaluation:
            raise ValidationError(
                _("Closing a case needs an evaluation: what was done and what changed.")
            )
        case.evaluation = evaluation
        case.closed_at = timezone.now()
    case.state = to_state
    case.save(update_fields=["state", "approach", "evaluation", "closed_at"])
    audit.record(user, AuditEntry.Action.CHANGE, case, state_from=previous, state_to=to_state)
    return case

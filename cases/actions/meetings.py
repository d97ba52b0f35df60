"""Workflows of the case meeting and its instruments: scheduling a meeting under a
protocol or as an art. 458ter consultation, its participants and their acknowledgement,
the agenda, the decision per case with the actions it assigns, what was shared, the
minutes, and completing an action. Each is one transaction that writes its audit row;
the pages and the demo call these, never the models directly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.access import (
    is_coordinator_of,
    may_read_minutes,
    readable_entries,
    require_coordinator_of,
    visible_cases,
)
from cases.models import (
    AgendaItem,
    Approach,
    Case,
    CaseAction,
    Entry,
    Instrument,
    Meeting,
    Participant,
)
from partners import audit
from partners.models import (
    AuditEntry,
    Municipality,
    Partner,
    Person,
    SharingProtocol,
    person_of,
)

# A case on an agenda moves to "case meeting" from these states; later states stay.
BEFORE_MEETING = (Case.State.INTAKE, Case.State.ANALYSIS)
# A decision moves the case to "approach chosen" from these states.
BEFORE_DECISION = (Case.State.INTAKE, Case.State.ANALYSIS, Case.State.MEETING)

ActionRow = tuple[Instrument, Partner, date, str]


def require_planned(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.PLANNED:
        raise ValidationError(
            _("This meeting has been held: its participants and agenda are final.")
        )


def participant_of(meeting: Meeting, user: Any) -> Participant | None:
    if not user.is_authenticated:
        return None
    return meeting.participants.filter(person__user=user).first()


def protocol_refusal(meeting: Meeting, partner: Partner) -> str:
    """Why a partner may not take part in the meeting ("" when it may)."""
    if not partner.municipalities.filter(pk=meeting.municipality_id).exists():
        return _("%(partner)s does not work for %(city)s.") % {
            "partner": partner,
            "city": meeting.municipality,
        }
    if meeting.frame == Meeting.Frame.PROTOCOL:
        protocol = meeting.protocol
        assert protocol is not None
        if not protocol.parties.filter(pk=partner.pk).exists():
            return _(
                "%(partner)s is not a party to %(protocol)s: it cannot take part in a "
                "meeting under this protocol. Invite it to an art. 458ter consultation instead, "
                "or add it to the protocol first."
            ) % {"partner": partner, "protocol": protocol}
    return ""


@transaction.atomic
def schedule_meeting(
    *,
    municipality: Municipality,
    user: Any,
    title: str,
    held_on: date,
    frame: str,
    protocol: SharingProtocol | None = None,
    purpose: str = "",
) -> Meeting:
    """Schedule a case meeting; the coordinator scheduling it chairs it and is its first
    participant. Under a protocol: the protocol must be the city's and in force on the
    day. Under art. 458ter: the purpose must be stated, since what is shared may be used
    for that purpose only."""
    person = require_coordinator_of(user, municipality)
    title = (title or "").strip()
    purpose = (purpose or "").strip()
    if not title:
        raise ValidationError(_("A meeting needs a title."))
    if held_on is None:
        raise ValidationError(_("Choose the date of the meeting."))
    if frame == Meeting.Frame.ART_458TER:
        if not purpose:
            raise ValidationError(
                _(
                    "An art. 458ter consultation needs its purpose: what is shared there may be "
                    "used for that purpose only."
                )
            )
        protocol = None
    elif frame == Meeting.Frame.PROTOCOL:
        if protocol is None:
            raise ValidationError(_("Choose the sharing protocol the meeting is held under."))
        if protocol.municipality_id != municipality.pk:
            raise ValidationError(
                _("%(protocol)s is not a protocol of %(city)s.")
                % {"protocol": protocol, "city": municipality}
            )
        if not protocol.is_in_force(held_on):
            raise ValidationError(
                _("%(protocol)s is not in force on %(day)s.")
                % {"protocol": protocol, "day": held_on.strftime("%d/%m/%Y")}
            )
    else:
        raise ValidationError(_("Choose the legal frame of the meeting."))
    meeting = Meeting(
        municipality=municipality,
        title=title,
        held_on=held_on,
        frame=frame,
        protocol=protocol,
        purpose=purpose,
        chair=user,
    )
    refusal = protocol_refusal(meeting, person.partner)
    if refusal:
        raise ValidationError(refusal)
    meeting.save()
    Participant.objects.create(meeting=meeting, person=person, partner=person.partner)
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        meeting,
        frame=frame,
        protocol=str(protocol.code) if protocol else "",
        held_on=held_on.isoformat(),
    )
    return meeting


@transaction.atomic
def add_participant(*, meeting: Meeting, person: Person, user: Any) -> Participant:
    """Invite a person to the meeting. Under a protocol only people of its parties; in an
    art. 458ter consultation anyone of a partner of the city, who must then acknowledge
    the code of conduct before sharing anything."""
    require_coordinator_of(user, meeting.municipality)
    require_planned(meeting)
    if not person.municipalities.filter(pk=meeting.municipality_id).exists():
        raise ValidationError(
            _("%(person)s does not work for %(city)s.")
            % {"person": person, "city": meeting.municipality}
        )
    refusal = protocol_refusal(meeting, person.partner)
    if refusal:
        raise ValidationError(refusal)
    if meeting.participants.filter(person=person).exists():
        raise ValidationError(
            _("%(person)s already takes part in this meeting.") % {"person": person}
        )
    participant = Participant.objects.create(meeting=meeting, person=person, partner=person.partner)
    audit.record(
        user, AuditEntry.Action.CHANGE, meeting, added_participant=person.user.get_username()
    )
    return participant


@transaction.atomic
def acknowledge(*, meeting: Meeting, user: Any) -> Participant:
    """The participant acknowledges the code of conduct: what is shared stays within the
    meeting's purpose. Acknowledging twice keeps the first moment."""
    participant = participant_of(meeting, user)
    if participant is None:
        raise PermissionDenied(_("Only a participant of the meeting acknowledges its code."))
    if participant.acknowledged_at is None:
        participant.acknowledged_at = timezone.now()
        participant.save(update_fields=["acknowledged_at"])
        audit.record(user, AuditEntry.Action.CHANGE, meeting, acknowledged=True)
    return participant


@transaction.atomic
def put_on_agenda(*, meeting: Meeting, case: Case, user: Any) -> AgendaItem:
    """Put a case on the agenda: only a case of the meeting's city whose team the
    coordinator is in. A case still in intake or analysis moves to "case meeting"."""
    require_coordinator_of(user, meeting.municipality)
    require_planned(meeting)
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Only a member of the case team puts the case on an agenda."))
    if case.municipality_id != meeting.municipality_id:
        raise ValidationError(
            _("Case %(number)s is not a case of %(city)s.")
            % {"number": case.number, "city": meeting.municipality}
        )
    if case.state == Case.State.CLOSED:
        raise ValidationError(_("Case %(number)s is closed.") % {"number": case.number})
    if meeting.agenda.filter(case=case).exists():
        raise ValidationError(
            _("Case %(number)s is already on the agenda.") % {"number": case.number}
        )
    last = meeting.agenda.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(meeting=meeting, case=case, order=last + 1)
    moved = case.state in BEFORE_MEETING
    if moved:
        case.state = Case.State.MEETING
        case.save(update_fields=["state"])
    audit.record(user, AuditEntry.Action.CHANGE, meeting, agenda_case=case.number, case_moved=moved)
    return item


def instruments_for(meeting: Meeting) -> list[Instrument]:
    """The instruments a meeting chooses from: those of its participants' partners."""
    partners = meeting.participants.values("partner")
    return list(
        Instrument.objects.filter(partner__in=partners)
        .select_related("partner")
        .order_by("partner__short_name", "code")
    )


@transaction.atomic
def record_decision(
    *,
    item: AgendaItem,
    user: Any,
    approach: str,
    decision: str = "",
    actions: Iterable[ActionRow] = (),
) -> list[CaseAction]:
    """Record what the meeting decided about a case on its agenda: the approach, and the
    actions assigned to partners taking part that have someone in the case team (who
    sees the action on the case page and completes it), each an instrument of that
    partner with a deadline. The case takes the approach and moves to "approach chosen"."""
    meeting = item.meeting
    case = item.case
    require_coordinator_of(user, meeting.municipality)
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Only a member of the case team records its decision."))
    if item.decided_at is not None:
        raise ValidationError(
            _("The meeting already decided about case %(number)s.") % {"number": case.number}
        )
    if approach not in Approach.values:
        raise ValidationError(_("Choose the approach the meeting decided on."))
    rows = list(actions)
    taking_part = set(meeting.participants.values_list("partner", flat=True))
    # An action is seen only by its partner's people in the case team: a partner with
    # nobody there would never see what it was given.
    in_team = set(case.members.values_list("person__partner", flat=True))
    for instrument, partner, deadline, _description in rows:
        if instrument.partner_id != partner.pk:
            raise ValidationError(
                _("%(instrument)s is not an instrument of %(partner)s.")
                % {"instrument": instrument, "partner": partner}
            )
        if partner.pk not in taking_part:
            raise ValidationError(
                _("%(partner)s does not take part in this meeting: it cannot be given an action.")
                % {"partner": partner}
            )
        if partner.pk not in in_team:
            raise ValidationError(
                _(
                    "%(partner)s has nobody in the team of case %(number)s, so nobody there "
                    "would see this action. Add one of its people to the case team first."
                )
                % {"partner": partner, "number": case.number}
            )
        if deadline is None:
            raise ValidationError(
                _("Give a deadline for %(instrument)s.") % {"instrument": instrument}
            )
        if deadline < meeting.held_on:
            raise ValidationError(
                _("The deadline for %(instrument)s is before the meeting.")
                % {"instrument": instrument}
            )
    now = timezone.now()
    item.approach = approach
    item.decision = (decision or "").strip()
    item.decided_at = now
    item.save(update_fields=["approach", "decision", "decided_at"])
    case.approach = approach
    fields = ["approach"]
    if case.state in BEFORE_DECISION:
        case.state = Case.State.APPROACH_CHOSEN
        fields.append("state")
    case.save(update_fields=fields)
    created = CaseAction.objects.bulk_create(
        CaseAction(
            case=case,
            agenda_item=item,
            instrument=instrument,
            partner=partner,
            deadline=deadline,
            description=(description or "").strip(),
            created_at=now,
        )
        for instrument, partner, deadline, description in rows
    )
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        case,
        meeting=str(meeting.code),
        approach=approach,
        actions=[f"{row[1].slug}:{row[0].code}" for row in rows],
    )
    return created


@transaction.atomic
def share_in_meeting(*, meeting: Meeting, entry: Entry, user: Any) -> Entry:
    """Record that an entry was shared in the meeting. In an art. 458ter consultation the
    entry is bound to the meeting's purpose from then on (no export, report or decision
    carries it), and only a participant who acknowledged the code of conduct shares.
    A participant shares only what their own partner brought."""
    participant = participant_of(meeting, user)
    if participant is None:
        raise PermissionDenied(_("Only a participant of the meeting shares in it."))
    if meeting.frame == Meeting.Frame.ART_458TER and participant.acknowledged_at is None:
        raise ValidationError(
            _(
                "Acknowledge the code of conduct of this consultation first: nothing may be "
                "shared before."
            )
        )
    if not meeting.agenda.filter(case_id=entry.case_id).exists():
        raise ValidationError(_("The entry's case is not on this meeting's agenda."))
    if (
        not visible_cases(user).filter(pk=entry.case_id).exists()
        or not readable_entries(user, entry.case).filter(pk=entry.pk).exists()
    ):
        raise PermissionDenied(_("You cannot share an entry you cannot read."))
    if entry.partner_id != participant.partner_id:
        raise ValidationError(
            _("Only %(partner)s, who brought this entry, may share it.")
            % {"partner": entry.partner}
        )
    if entry.bound_to_meeting_id is not None:
        raise ValidationError(
            _("This entry was already shared in %(meeting)s and stays bound to its purpose.")
            % {"meeting": entry.bound_to_meeting}
        )
    if meeting.frame == Meeting.Frame.ART_458TER:
        entry.bound_to_meeting = meeting
        entry.save(update_fields=["bound_to_meeting"])
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        meeting,
        shared_entry=str(entry.code),
        bound=meeting.frame == Meeting.Frame.ART_458TER,
    )
    return entry


@transaction.atomic
def record_minutes(*, meeting: Meeting, user: Any, minutes: str) -> Meeting:
    """Write the meeting's minutes. They may speak of any case on the agenda, so only a
    coordinator in the team of every one of them writes (and so reads) them."""
    require_coordinator_of(user, meeting.municipality)
    if not may_read_minutes(user, meeting):
        raise PermissionDenied(
            _(
                "Only someone in the team of every case on the agenda writes the minutes: "
                "they may speak of any of them."
            )
        )
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError(_("The minutes are empty."))
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    audit.record(user, AuditEntry.Action.CHANGE, meeting, minutes=True)
    return meeting


@transaction.atomic
def hold_meeting(*, meeting: Meeting, user: Any) -> Meeting:
    """Mark the meeting held: its participants and agenda are final from then on;
    decisions and minutes may still be written down."""
    require_coordinator_of(user, meeting.municipality)
    require_planned(meeting)
    if meeting.held_on > timezone.localdate():
        raise ValidationError(_("This meeting is planned for a later day."))
    meeting.state = Meeting.State.HELD
    meeting.save(update_fields=["state"])
    audit.record(user, AuditEntry.Action.CHANGE, meeting, state=Meeting.State.HELD)
    return meeting


def may_complete(user: Any, action: CaseAction) -> bool:
    """The partner the action was assigned to completes it, or a coordinator in the team."""
    person = person_of(user)
    if person is None or not visible_cases(user).filter(pk=action.case_id).exists():
        return False
    return person.partner_id == action.partner_id or is_coordinator_of(
        user, action.case.municipality
    )


@transaction.atomic
def complete_action(*, action: CaseAction, user: Any, result: str) -> CaseAction:
    """Mark an action done with what came of it."""
    if not may_complete(user, action):
        raise PermissionDenied(_("Only the partner the action was given to completes it."))
    if action.status != CaseAction.Status.OPEN:
        raise ValidationError(_("This action is no longer open."))
    result = (result or "").strip()
    if not result:
        raise ValidationError(_("Say what came of the action."))
    action.status = CaseAction.Status.DONE
    action.result = result
    action.save(update_fields=["status", "result"])
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        action.case,
        completed_action=str(action.code),
        instrument=action.instrument.code,
    )
    return action


@transaction.atomic
def add_instrument(
    *,
    municipality: Municipality,
    user: Any,
    partner: Partner,
    kind: str,
    title: str,
    legal_basis: str = "",
    is_action_day: bool = False,
) -> Instrument:
    """A city's coordinator adds an instrument for a partner working for the city (one
    the catalogue lacks, or for a partner added later). Its title is kept as typed in
    every language."""
    require_coordinator_of(user, municipality)
    if not partner.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(partner)s does not work for %(city)s.")
            % {"partner": partner, "city": municipality}
        )
    if kind not in Instrument.Kind.values:
        raise ValidationError(_("Choose the kind of instrument."))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("An instrument needs a title."))
    code = ("own-" + slugify(title))[:60]
    if partner.instruments.filter(code=code).exists() or any(
        instrument.title_nl.lower() == title.lower() for instrument in partner.instruments.all()
    ):
        raise ValidationError(
            _("%(partner)s already has the instrument %(title)s.")
            % {"partner": partner, "title": title}
        )
    instrument = Instrument.objects.create(
        partner=partner,
        code=code,
        kind=kind,
        title_nl=title,
        title_fr=title,
        title_en=title,
        legal_basis=(legal_basis or "").strip(),
        is_action_day=is_action_day,
    )
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        instrument,
        municipality=municipality,
        partner=partner.slug,
        title=title,
    )
    return instrument

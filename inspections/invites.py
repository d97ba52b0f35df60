"""Calendar invites (.ics) for everyone taking part in an action day.

Rules: one event per person, from the briefing (or the start of the day when there is
none) to the end of the day, at the briefing place. The event's UID depends only on
the action day and the person, and its SEQUENCE is the plan's version, so sending the
invites again updates the event in the calendar instead of adding a second one. The
description names the person's team(s) and their first slot, never the premises: the
targets stay in Integra. Text is in the municipality's language.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.db.models import Min
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from inspections.models import ActionDay, Team
from partners.models import Person


@dataclass
class Participant:
    user: Any
    teams: list[Team] = field(default_factory=list)
    is_coordinator: bool = False


def participants(action_day: ActionDay) -> list[Participant]:
    """The coordinator, then every team lead and member, each once."""
    found: dict[int, Participant] = {
        action_day.coordinator_id: Participant(action_day.coordinator, is_coordinator=True)
    }
    for team in action_day.teams.select_related("lead").prefetch_related("members"):
        people = list(team.members.all()) + ([team.lead] if team.lead else [])
        for user in people:
            participant = found.setdefault(user.pk, Participant(user))
            if team not in participant.teams:
                participant.teams.append(team)
    return list(found.values())


def participant(action_day: ActionDay, user: Any) -> Participant | None:
    return next((p for p in participants(action_day) if p.user.pk == user.pk), None)


def event_uid(action_day: ActionDay, user: Any) -> str:
    return f"{uuid.uuid5(action_day.code, f'participant:{user.pk}')}@integra"


def local_datetime(action_day: ActionDay, moment: time) -> datetime:
    return datetime.combine(action_day.date, moment, tzinfo=timezone.get_default_timezone())


def first_slot(team: Team) -> time | None:
    return team.visits.aggregate(first=Min("slot_start"))["first"]


def description(action_day: ActionDay, who: Participant) -> str:
    lines = [action_day.title]
    for team in who.teams:
        slot = first_slot(team)
        if slot is not None:
            lines.append(
                _("Team: %(team)s — first visit at %(time)s")
                % {"team": team.name, "time": formats.time_format(slot)}
            )
        else:
            lines.append(_("Team: %(team)s") % {"team": team.name})
    if who.is_coordinator:
        lines.append(_("You coordinate this action day."))
    coordinator = action_day.coordinator
    person = Person.objects.filter(user=coordinator).first()
    contact = coordinator.get_full_name() or coordinator.get_username()
    if person and person.phone:
        contact += f" ({person.phone})"
    lines.append(_("Coordinator: %(name)s") % {"name": contact})
    lines.append(_("The briefing pack and the visits are in Integra."))
    return "\n".join(lines)


def address(user: Any) -> vCalAddress:
    value = vCalAddress(f"mailto:{user.email}" if user.email else f"urn:x-integra:{user.pk}")
    value.params["cn"] = vText(user.get_full_name() or user.get_username())
    return value


def event_for(action_day: ActionDay, who: Participant) -> Event:
    event = Event()
    event.add("uid", event_uid(action_day, who.user))
    event.add("sequence", action_day.version)
    event.add("dtstamp", timezone.now())
    event.add(
        "dtstart", local_datetime(action_day, action_day.briefing_time or action_day.starts_at)
    )
    event.add("dtend", local_datetime(action_day, action_day.ends_at))
    event.add("summary", action_day.title)
    if action_day.briefing_place:
        event.add("location", action_day.briefing_place)
    event.add("description", description(action_day, who))
    event.add("organizer", address(action_day.coordinator))
    event.add("attendee", address(who.user))
    event.add("class", "CONFIDENTIAL")
    return event


def invite(action_day: ActionDay, who: Participant) -> bytes:
    """One person's calendar: one event with its time zone."""
    with translation.override(action_day.municipality.language):
        calendar = Calendar()
        calendar.add("prodid", "-//Integra//Action days//EN")
        calendar.add("version", "2.0")
        calendar.add("method", "REQUEST")
        calendar.add_component(event_for(action_day, who))
        calendar.add_missing_timezones()
    return calendar.to_ical()


def invite_filename(action_day: ActionDay, user: Any) -> str:
    return f"{slugify(action_day.title) or 'action-day'}-{slugify(user.get_username())}.ics"


def invites_zip(action_day: ActionDay) -> bytes:
    """Every participant's invite, one file each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for who in participants(action_day):
            archive.writestr(invite_filename(action_day, who.user), invite(action_day, who))
    return buffer.getvalue()

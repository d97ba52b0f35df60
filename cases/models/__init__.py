from cases.models.cases import (
    Approach,
    Case,
    CaseCounter,
    CaseMember,
    CaseSubject,
    Entry,
    Phenomenon,
)
from cases.models.meetings import AgendaItem, CaseAction, Instrument, Meeting, Participant
from cases.models.signals import DeskSignal
from cases.models.subjects import Link, RegisteredOffice, Subject

__all__ = [
    "AgendaItem",
    "Approach",
    "Case",
    "CaseAction",
    "CaseCounter",
    "CaseMember",
    "CaseSubject",
    "DeskSignal",
    "Entry",
    "Instrument",
    "Link",
    "Meeting",
    "Participant",
    "Phenomenon",
    "RegisteredOffice",
    "Subject",
]

"""The inspections app's models, one module per feature."""

from inspections.models.briefing import BriefingPack, BriefingPackFile
from inspections.models.checklists import (
    ChecklistTemplate,
    ChecklistVersion,
    PublishedVersionError,
    Sharing,
)
from inspections.models.findings import (
    DeviceToken,
    Evidence,
    Finding,
    FindingAnswer,
    Submission,
)
from inspections.models.planning import (
    TRAFFICKING_COMPETENCY,
    ActionDay,
    InvalidTransition,
    SectorRule,
    Team,
    Visit,
    VisitTask,
)

__all__ = [
    "TRAFFICKING_COMPETENCY",
    "ActionDay",
    "BriefingPack",
    "BriefingPackFile",
    "ChecklistTemplate",
    "ChecklistVersion",
    "DeviceToken",
    "Evidence",
    "Finding",
    "FindingAnswer",
    "PublishedVersionError",
    "Sharing",
    "Submission",
    "InvalidTransition",
    "SectorRule",
    "Team",
    "Visit",
    "VisitTask",
]

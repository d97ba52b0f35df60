"""The inspections app's models, one module per feature."""

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
    "InvalidTransition",
    "SectorRule",
    "Team",
    "Visit",
    "VisitTask",
]

"""What happened to a case afterwards, as the case page and its evaluation show it.

cases/ does not know action days, joint reports or decisions: the apps that build on it
register a source in their ``AppConfig.ready``, as gis/history.py does for premises::

    from cases.outcomes import Outcome, register

    @register
    def action_days(user, case):
        return [Outcome(on=..., kind="action_day", title=..., text=..., url=...), ...]

A source receives the reading user and applies its own access rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.models import Case


@dataclass(frozen=True)
class Outcome:
    on: date
    kind: str
    title: str
    text: str = ""
    url: str = ""


OutcomeSource = Callable[[Any, Case], Iterable[Outcome]]
SOURCES: list[OutcomeSource] = []


def register(source: OutcomeSource) -> OutcomeSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def outcomes(user: Any, case: Case) -> list[Outcome]:
    """Every registered source's outcomes for the case, oldest first."""
    found = [outcome for source in SOURCES for outcome in source(user, case)]
    found.sort(key=lambda outcome: outcome.on)
    return found

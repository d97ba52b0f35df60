"""The history of a premises, as its detail page and map popup show it.

gis/ contributes the signals. Apps that build on gis/ (visits and decisions in
inspections/) add their own entries by registering a source in their
``AppConfig.ready``; gis/ never imports them::

    from gis.history import register

    @register
    def visits(user, premises):
        return [HistoryEntry(on=..., kind="visit", title=..., url=...), ...]

A source receives the reading user and must apply its own access rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gis.models import Premises


@dataclass(frozen=True)
class HistoryEntry:
    on: date
    kind: str
    title: str
    text: str = ""
    items: tuple[str, ...] = ()
    url: str = ""
    confidential: bool = False


HistorySource = Callable[[Any, Premises], Iterable[HistoryEntry]]
SOURCES: list[HistorySource] = []


def register(source: HistorySource) -> HistorySource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def history(user: Any, premises: Premises, entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """``entries`` (the signals) with every registered source's, newest first."""
    combined = list(entries)
    for source in SOURCES:
        combined.extend(source(user, premises))
    combined.sort(key=lambda entry: entry.on, reverse=True)
    return combined

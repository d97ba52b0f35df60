"""What a signal says, in the reader's language.

A person's signal keeps the description they typed. A signal raised by an inspection
finding stores its checklist and question by key; the app that owns checklists
(inspections/) registers a labeller in its ``AppConfig.ready`` and gis/ never imports
it::

    from gis.signal_text import register_labeller

    @register_labeller
    def checklist_questions(keys, language):
        return {(checklist, question): "Trafficking indicators: Papers held?", ...}

A labeller receives ``(checklist, question)`` keys and a language code and returns the
texts it knows; a key no labeller knows shows the stored description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import get_language

from gis.models import Signal

Key = tuple[str, str]
Labeller = Callable[[set[Key], str], dict[Key, str]]
LABELLERS: list[Labeller] = []


def register_labeller(labeller: Labeller) -> Labeller:
    if labeller not in LABELLERS:
        LABELLERS.append(labeller)
    return labeller


def signal_texts(signals: Iterable[Signal], language: str | None = None) -> dict[int, str]:
    """Each signal's text by pk, in ``language`` (the interface language when None)."""
    signals = list(signals)
    language = (language or get_language() or "nl")[:2]
    wanted = {(signal.checklist, signal.question) for signal in signals if signal.question}
    labels: dict[Key, str] = {}
    for labeller in LABELLERS:
        if not wanted - labels.keys():
            break
        labels.update(labeller(wanted - labels.keys(), language))
    return {
        signal.pk: labels.get((signal.checklist, signal.question)) or signal.description
        for signal in signals
    }

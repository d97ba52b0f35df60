"""Workflows of the premises register that touch several models: each is one
transaction that also writes its audit row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from gis.models import Indicator, Premises, Signal
from gis.risk import refresh
from partners import audit
from partners.models import AuditEntry, person_of


@transaction.atomic
def record_signal(
    *,
    premises: Premises,
    user: Any,
    source: str,
    received_on: date,
    indicators: Iterable[Indicator],
    description: str,
    confidentiality: str,
) -> Signal:
    """Store a signal for the user's partner, refresh the premises' risk score and audit
    the creation. A signal needs at least one indicator."""
    indicators = list(indicators)
    if not indicators:
        raise ValueError("A signal needs at least one indicator.")
    person = person_of(user)
    signal = Signal.objects.create(
        premises=premises,
        source=source,
        received_on=received_on,
        description=description,
        confidentiality=confidentiality,
        recorded_by=user,
        recorded_by_partner=person.partner if person is not None else None,
    )
    signal.indicators.set(indicators)
    refresh([premises])
    premises.refresh_from_db(fields=["risk_score"])
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        signal,
        municipality=premises.municipality,
        premises=str(premises.code),
        indicators=sorted(indicator.code for indicator in indicators),
        confidentiality=confidentiality,
    )
    return signal

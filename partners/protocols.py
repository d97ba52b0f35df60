"""Making and extending sharing protocols. A protocol is what lets a partner's findings
reach the others (and what a release checks for each partner), so each change is one
atomic step with its audit row.

A protocol is only ever extended (parties and themes added, its validity made longer):
what was shared under it stays covered. Narrowing one means making a new protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from partners import audit
from partners.models import AuditEntry, Competency, Municipality, Partner, SharingProtocol


@transaction.atomic
def create_protocol(
    *,
    user: Any,
    title: str,
    municipality: Municipality,
    parties: Sequence[Partner],
    themes: Sequence[Competency],
    valid_from: date,
    valid_to: date | None,
) -> SharingProtocol:
    protocol = SharingProtocol.objects.create(
        title=title, municipality=municipality, valid_from=valid_from, valid_to=valid_to
    )
    protocol.parties.set(parties)
    protocol.themes.set(themes)
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        protocol,
        parties=sorted(partner.slug for partner in parties),
        themes=sorted(theme.code for theme in themes),
        valid_from=valid_from.isoformat(),
        valid_to=valid_to.isoformat() if valid_to else None,
    )
    return protocol


@transaction.atomic
def extend_protocol(
    *,
    protocol: SharingProtocol,
    user: Any,
    parties: Sequence[Partner],
    themes: Sequence[Competency],
    valid_to: date | None,
) -> None:
    """Add parties and themes and set the (later or open) end; the form has checked that
    this extends the protocol."""
    change: dict[str, Any] = {}
    if parties:
        protocol.parties.add(*parties)
        change["added_parties"] = sorted(partner.slug for partner in parties)
    if themes:
        protocol.themes.add(*themes)
        change["added_themes"] = sorted(theme.code for theme in themes)
    if valid_to != protocol.valid_to:
        change["valid_to"] = [
            day.isoformat() if day else None for day in (protocol.valid_to, valid_to)
        ]
        protocol.valid_to = valid_to
        protocol.save(update_fields=["valid_to"])
    audit.record(user, AuditEntry.Action.CHANGE, protocol, **change)

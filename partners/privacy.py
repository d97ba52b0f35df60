"""Retention of personal data, and the right of access.

Privacy spans every app, but partners/ is the app the others build on: it never names
their models. Each app registers what it holds in its ``AppConfig.ready`` (see
``gis/records.py``, ``inspections/records.py``), as ``gis/flags.py`` lets apps flag
premises::

    from partners import privacy

    privacy.register_purger(purge_signal_descriptions)
    privacy.register_subject_section("premises", premises_about)
    privacy.register_subject_detail("premises", "visits", visits_at)

**Retention** (``purge_personal_data``). ``RETENTION_DAYS`` (default 5 years) after a
closed case, its personal data go. Every registered purger says what it would remove
(:class:`PurgePart`); the purge removes all of it in one transaction, with one audit
entry holding the counts; files go once that transaction has committed. What goes
(each app's module says why):

* inspections: of the findings of closed or reported action days held before the
  cutoff, the free-text and photo answers (rows, finding and every device submission),
  the photos no kept finding refers to, and the notes on those days' visits;
* gis: the description (who complained, what they said) of signals received before the
  cutoff, and uploaded layers ``IMPORT_UPLOAD_DAYS`` after their import.

What stays everywhere: counts, yes/no answers, indicators, legal references, the joint
reports and decisions (administrative records the municipality must archive), and the
audit log.

**Right of access** (``subject_access``). Everything held about an enterprise (by its
enterprise number) or a named person: each registered section (premises they operate
with the signals, visits and findings there; signals and findings naming them) and, for
a person with an account, the account, roles and how much the audit log holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners import audit
from partners.models import AuditEntry, Municipality


def retention_cutoff(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=settings.RETENTION_DAYS)


# Retention --------------------------------------------------------------------------


@dataclass
class PurgePart:
    """What one app would remove: counts by plain name ("answers removed": 2), lines to
    list (the action days concerned), extra audit fields, and ``apply``, which removes
    it inside the purge's transaction (deleting files with ``transaction.on_commit``)."""

    counts: dict[str, int]
    apply: Callable[[], None]
    lines: list[str] = field(default_factory=list)
    audit: dict[str, Any] = field(default_factory=dict)


# A purger receives the retention cutoff and today's date and changes nothing.
Purger = Callable[[date, date], PurgePart]
PURGERS: list[Purger] = []


def register_purger(purger: Purger) -> Purger:
    if purger not in PURGERS:
        PURGERS.append(purger)
    return purger


@dataclass
class PurgePlan:
    cutoff: date
    parts: list[PurgePart]

    @property
    def counts(self) -> dict[str, int]:
        return {name: n for part in self.parts for name, n in part.counts.items()}

    def lines(self) -> list[str]:
        head = [f"Retention cutoff: {self.cutoff.isoformat()} ({settings.RETENTION_DAYS} days)"]
        listed = [line for part in self.parts for line in part.lines]
        tail = [f"  {name}: {count}" for name, count in self.counts.items()]
        return [*head, *listed, *tail]


def plan_purge(today: date | None = None) -> PurgePlan:
    """What a purge would remove now; changes nothing."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today)
    return PurgePlan(cutoff=cutoff, parts=[purger(cutoff, today) for purger in PURGERS])


def purge_personal_data(*, today: date | None = None, user: Any = None) -> PurgePlan:
    """Remove what :func:`plan_purge` lists, in one transaction with one audit entry."""
    with transaction.atomic():
        plan = plan_purge(today)
        for part in plan.parts:
            part.apply()
        detail: dict[str, Any] = {
            key: value for part in plan.parts for key, value in part.audit.items()
        }
        detail |= {name.replace(" ", "_"): n for name, n in plan.counts.items()}
        audit.record(
            user,
            AuditEntry.Action.DELETE,
            object_type="privacy.retention",
            object_code=plan.cutoff.isoformat(),
            retention_days=settings.RETENTION_DAYS,
            **detail,
        )
    return plan


# The right of access ------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Who the data are asked about, and who asks.

    ``municipalities`` limits the answer to those cities (the data protection
    officer's; ``None``: all, for the operator). ``reader_partner`` set withholds other
    partners' internal answers, which only the partner that recorded them may disclose.
    """

    enterprise: str = ""
    name: str = ""
    municipalities: QuerySet[Municipality] | None = None
    reader_partner: Any = None


# A section returns a list of plain JSON items, or None when it does not apply to the
# subject (signals naming a person, for an enterprise number); a detail adds a key to
# each item of a section (the visits at each premises) and returns its value for one.
Section = Callable[[Subject], list[dict[str, Any]] | None]
Detail = Callable[[Subject, dict[str, Any]], Any]
SECTIONS: dict[str, Section] = {}
DETAILS: dict[str, dict[str, Detail]] = {}
# Turns an enterprise number as typed into its one written form, or raises ValueError.
NORMALISERS: list[Callable[[str], str]] = []


def register_subject_section(key: str, section: Section) -> None:
    SECTIONS[key] = section


def register_subject_detail(section: str, key: str, detail: Detail) -> None:
    DETAILS.setdefault(section, {})[key] = detail


def register_enterprise_normaliser(normalise: Callable[[str], str]) -> None:
    if normalise not in NORMALISERS:
        NORMALISERS.append(normalise)


def normalised_enterprise(value: str) -> str:
    for normalise in NORMALISERS:
        value = normalise(value)
    return value.strip()


def subject_access(
    *,
    enterprise: str = "",
    name: str = "",
    municipalities: QuerySet[Municipality] | None = None,
    reader_partner: Any = None,
) -> dict[str, Any]:
    """Everything held about an enterprise or a named person, as plain JSON data."""
    if not enterprise and not name:
        raise ValueError("Name an enterprise number or a person.")
    enterprise = enterprise and normalised_enterprise(enterprise)
    subject = Subject(enterprise, name, municipalities, reader_partner)
    result: dict[str, Any] = {
        "subject": {"enterprise_number": enterprise, "name": name},
        "generated_at": timezone.now().isoformat(),
    }
    for key, section in SECTIONS.items():
        items = section(subject)
        if items is None:
            continue
        for detail_key, detail in DETAILS.get(key, {}).items():
            for item in items:
                item[detail_key] = detail(subject, item)
        result[key] = items
    if name:
        result["accounts"] = accounts_named(name, municipalities)
    return result


def accounts_named(name: str, municipalities: Any) -> list[dict[str, Any]]:
    terms = name.split()
    users = get_user_model().objects.all()
    for term in terms:
        users = users.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(username__iexact=term)
        )
    if municipalities is not None:
        users = users.filter(person__municipalities__in=municipalities).distinct()
    return [
        {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "roles": getattr(getattr(user, "person", None), "roles", []),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "audit_entries": AuditEntry.objects.filter(user=user).count(),
        }
        for user in users.order_by("pk")
    ]


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)

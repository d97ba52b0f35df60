"""What gis/ holds, for the backup, the retention purge and the right of access.

partners/ runs those for the whole installation without naming any app's models; this
module tells it, from :meth:`GisConfig.ready`, what the premises register holds:

* the uploaded layers' files, backed up under ``media/imports/``;
* retention: a signal's description says who complained and what they said, so it goes
  once the signal is older than the retention period (its source, date and indicators
  stay, so the register's history still explains itself); an uploaded layer may name
  operators and their enterprise numbers, so it goes ``IMPORT_UPLOAD_DAYS`` after its
  import started, unless a more recent import of the same file still needs it (the
  import log keeps the run);
* the right of access: the premises an enterprise or person operates with their
  signals, and the signals whose description names a person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gis.identifiers import normalise_enterprise_number
from gis.models import ImportRun, Premises, Signal
from partners import backup, privacy

# Where uploaded layers are stored (gis/views/imports.py saves them there); the name of
# a storage in settings.STORAGES, and the folder inside it.
UPLOAD_STORAGE = "uploads"
UPLOAD_FOLDER = "imports/"


def register() -> None:
    backup.register_file_area(backup.FileArea("imports", UPLOAD_STORAGE, UPLOAD_FOLDER))
    backup.register_headline("gis.premises", "premises")
    privacy.register_purger(purge_signals_and_uploads)
    privacy.register_enterprise_normaliser(normalise_enterprise_number)
    privacy.register_subject_section("premises", premises_of)
    privacy.register_subject_section("signals_mentioning", signals_mentioning)


# Retention ---------------------------------------------------------------------------


def purge_signals_and_uploads(cutoff: date, today: date) -> privacy.PurgePart:
    signals = Signal.objects.filter(received_on__lt=cutoff).exclude(description="")
    upload_runs, upload_files = expired_uploads(today)

    def apply() -> None:
        signals.update(description="")
        ImportRun.objects.filter(pk__in=upload_runs).update(stored_file="")
        transaction.on_commit(lambda: remove_stored(upload_files))

    return privacy.PurgePart(
        counts={
            "signal descriptions removed": signals.count(),
            "uploaded layers removed": len(upload_files),
        },
        apply=apply,
    )


def expired_uploads(today: date) -> tuple[list[int], list[str]]:
    """The import runs started more than ``IMPORT_UPLOAD_DAYS`` ago that still keep their
    uploaded file, and the files that can go: not those a more recent run (a retry of
    the same upload) or a run still waiting or running needs."""
    start = timezone.make_aware(datetime.combine(today, datetime.min.time())) - timedelta(
        days=settings.IMPORT_UPLOAD_DAYS
    )
    runs = ImportRun.objects.exclude(stored_file="")
    expired = runs.filter(started_at__lt=start).exclude(status__in=("pending", "running"))
    needed = set(runs.exclude(pk__in=expired.values("pk")).values_list("stored_file", flat=True))
    found = list(expired.values_list("pk", "stored_file"))
    return (
        [pk for pk, name in found if name not in needed],
        sorted({name for _pk, name in found} - needed),
    )


def remove_stored(names: list[str]) -> None:
    storage = storages[UPLOAD_STORAGE]
    for name in names:
        storage.delete(name)


# The right of access -------------------------------------------------------------------


def premises_of(subject: privacy.Subject) -> list[dict[str, Any]]:
    premises = Premises.objects.all()
    if subject.municipalities is not None:
        premises = premises.filter(municipality__in=subject.municipalities)
    if subject.enterprise:
        # Not empty: the partial index on the number (gis.models) serves the lookup.
        premises = premises.filter(enterprise_number=subject.enterprise).exclude(
            enterprise_number=""
        )
    else:
        name = subject.name
        premises = premises.filter(Q(operator_name__icontains=name) | Q(name__icontains=name))
    return [
        {
            "code": str(item.code),
            "municipality": item.municipality.name,
            "name": item.name,
            "display_name": item.display_name,
            "address": item.address,
            "operator": item.operator_name,
            "enterprise_number": item.enterprise_number,
            "signals": [signal_data(s) for s in item.signals.order_by("received_on", "pk")],
        }
        for item in premises.select_related("municipality", "sector").order_by("pk")
    ]


def signal_data(signal: Signal) -> dict[str, Any]:
    return {
        "code": str(signal.code),
        "received_on": signal.received_on.isoformat(),
        "source": signal.source,
        "description": signal.description,
        "confidentiality": signal.confidentiality,
        "indicators": sorted(signal.indicators.values_list("code", flat=True)),
    }


def signals_mentioning(subject: privacy.Subject) -> list[dict[str, Any]] | None:
    if not subject.name:
        return None
    signals = Signal.objects.filter(description__icontains=subject.name)
    if subject.municipalities is not None:
        signals = signals.filter(premises__municipality__in=subject.municipalities)
    return [
        signal_data(s) | {"premises": str(s.premises.code)}
        for s in signals.select_related("premises").order_by("pk")
    ]

"""Human numbers of official records: ``<municipality code>-<year>-<number>``, as the
decisions' identification and the joint reports' number read (``23027-2026-0003``).

Rule: a counter row per municipality and year is incremented by one UPDATE under the
row's lock, which holds until the caller's transaction ends, so concurrent callers wait
for each other and every number is given once, in order.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import F

from partners.models import Municipality


def next_in_year(counter_model: type[models.Model], municipality: Municipality, year: int) -> str:
    with transaction.atomic():
        counter_model._default_manager.get_or_create(municipality=municipality, year=year)
    with transaction.atomic():
        counter = counter_model._default_manager.select_for_update().get(
            municipality=municipality, year=year
        )
        counter_model._default_manager.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
    return f"{municipality.code}-{year}-{counter.last:04d}"  # type: ignore[attr-defined]

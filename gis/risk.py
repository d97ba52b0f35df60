"""The risk score of a premises, and its explanation.

Rules (from the CONFINE report: "one indicator is still not conclusive evidence ... it
is the accumulation of indicators that makes further research necessary"):

* each distinct indicator counts once at full weight, taken from its freshest report;
  every further report of the same indicator adds a quarter of that, as corroboration;
* every contribution fades with age: it halves every ``HALF_LIFE_DAYS``;
* an indicator's weight is always below the flag threshold (a database constraint), so
  a premises is flagged only by several indicators together.

The explanation lists every contribution: which indicator, from which source, how old,
how much it adds. The stored ``Premises.risk_score`` is refreshed whenever signals
change and nightly (scores fade even when nothing happens).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from gis.models import FLAG_THRESHOLD, Indicator, Premises, Signal

HALF_LIFE_DAYS = 365
CORROBORATION = 0.25
MEDIUM_FROM = FLAG_THRESHOLD / 2


@dataclass(frozen=True)
class Contribution:
    indicator: Indicator
    signal: Signal
    age_days: int
    points: float
    corroborating: bool

    @property
    def source_label(self) -> str:
        return str(self.signal.get_source_display())


@dataclass
class Explanation:
    score: float = 0.0
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def band(self) -> str:
        return band(self.score)

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_THRESHOLD


def band(score: float) -> str:
    """``high`` (flagged), ``medium`` or ``low``: the map's colours."""
    if score >= FLAG_THRESHOLD:
        return "high"
    if score >= MEDIUM_FROM:
        return "medium"
    return "low"


def decay(age_days: int) -> float:
    return 0.5 ** (max(age_days, 0) / HALF_LIFE_DAYS)


def explain_signals(signals: Iterable[Signal], *, on: date | None = None) -> Explanation:
    """Score and explain the given signals (with their indicators prefetched)."""
    on = on or timezone.localdate()
    reports = sorted(
        (
            (indicator, signal, (on - signal.received_on).days)
            for signal in signals
            if signal.received_on <= on
            for indicator in signal.indicators.all()
        ),
        key=lambda report: (report[2], report[1].pk or 0),
    )
    explanation = Explanation()
    seen: set[int] = set()
    for indicator, signal, age in reports:
        corroborating = indicator.pk in seen
        seen.add(indicator.pk)
        factor = CORROBORATION if corroborating else 1.0
        points = indicator.weight * factor * decay(age)
        explanation.contributions.append(
            Contribution(indicator, signal, age, round(points, 3), corroborating)
        )
        explanation.score += points
    explanation.score = round(explanation.score, 3)
    explanation.contributions.sort(key=lambda item: -item.points)
    return explanation


def signals_with_indicators(premises: Premises) -> Iterable[Signal]:
    return premises.signals.prefetch_related("indicators")


def explain(premises: Premises, *, on: date | None = None) -> Explanation:
    return explain_signals(signals_with_indicators(premises), on=on)


def refresh(premises_list: Iterable[Premises], *, on: date | None = None) -> int:
    """Recompute and store the risk score of the given premises; returns how many changed."""
    premises_list = list(premises_list)
    loaded = Premises.objects.filter(pk__in=[premises.pk for premises in premises_list])
    loaded = loaded.prefetch_related(
        Prefetch("signals", queryset=Signal.objects.prefetch_related("indicators"))
    ).only("pk", "risk_score")
    changed = []
    for premises in loaded:
        score = explain_signals(premises.signals.all(), on=on).score
        if premises.risk_score != score:
            premises.risk_score = score
            changed.append(premises)
    Premises.objects.bulk_update(changed, ["risk_score"], batch_size=500)
    return len(changed)


def refresh_all(*, on: date | None = None) -> int:
    """The nightly refresh: only premises with signals can have a non-zero score."""
    with_signals = Premises.objects.filter(signals__isnull=False).distinct()
    stale_zero = Premises.objects.filter(signals__isnull=True, risk_score__gt=0)
    changed = stale_zero.update(risk_score=0.0)
    batch: list[Premises] = []
    for premises in with_signals.only("pk").iterator(chunk_size=1000):
        batch.append(premises)
        if len(batch) == 1000:
            changed += refresh(batch, on=on)
            batch = []
    return changed + refresh(batch, on=on)

"""The risk score of a premises, and its explanation.

Rules (from the CONFINE report: "one indicator is still not conclusive evidence ... it
is the accumulation of indicators that makes further research necessary"):

* each distinct indicator counts once at full weight, taken from its freshest report;
  every further report of the same indicator adds a quarter of that, as corroboration;
* every contribution fades with age: it halves every ``HALF_LIFE_DAYS``;
* an indicator's weight is always below the flag threshold (a database constraint), and
  all reports of one indicator together add at most ``INDICATOR_CAP`` (below the
  threshold), so a premises is flagged only by several indicators together, never by
  one indicator reported many times.

The explanation lists every contribution: which indicator, from which source, how old,
how much it adds. The stored ``Premises.risk_score`` is refreshed whenever signals
change and nightly (scores fade even when nothing happens).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone

from gis.models import FLAG_THRESHOLD, Indicator, Premises, Signal

HALF_LIFE_DAYS = 365
CORROBORATION = 0.25
MEDIUM_FROM = FLAG_THRESHOLD / 2
INDICATOR_CAP = FLAG_THRESHOLD * 0.9


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


BANDS = ("low", "medium", "high")


def premises_band(score: float, flagged_manually: bool) -> str:
    """The band a premises is shown in: a manual flag always shows as ``high``."""
    return "high" if flagged_manually else band(score)


def band_filter(name: str) -> Q:
    """The premises shown in band ``name`` (the inverse of :func:`premises_band`)."""
    if name == "high":
        return Q(flagged_manually=True) | Q(risk_score__gte=FLAG_THRESHOLD)
    not_manual = Q(flagged_manually=False)
    if name == "medium":
        return not_manual & Q(risk_score__gte=MEDIUM_FROM, risk_score__lt=FLAG_THRESHOLD)
    if name == "low":
        return not_manual & Q(risk_score__lt=MEDIUM_FROM)
    raise ValueError(f"Unknown risk band {name!r}")


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
    added: dict[int, float] = {}
    for indicator, signal, age in reports:
        corroborating = indicator.pk in added
        so_far = added.get(indicator.pk, 0.0)
        factor = CORROBORATION if corroborating else 1.0
        points = min(indicator.weight * factor * decay(age), INDICATOR_CAP - so_far)
        added[indicator.pk] = so_far + points
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


@dataclass(frozen=True)
class ExplanationLine:
    """One line of an explanation as a given reader may see it. A ``confidential`` line
    stands for a signal the reader may not read: it names only the recording partner,
    its age and its points."""

    points: float
    age_days: int
    indicator: Indicator | None = None
    source: str = ""
    corroborating: bool = False
    confidential: bool = False
    partner: str = ""


def explanation_lines(explanation: Explanation, readable: set[int]) -> list[ExplanationLine]:
    """The explanation for a reader who may read the signals whose pk is in ``readable``.

    Contributions of an unreadable signal are merged into one confidential line, so not
    even the number of its indicators shows.
    """
    lines: list[ExplanationLine] = []
    hidden: dict[int, ExplanationLine] = {}
    for item in explanation.contributions:
        signal = item.signal
        if signal.pk in readable:
            lines.append(
                ExplanationLine(
                    points=item.points,
                    age_days=item.age_days,
                    indicator=item.indicator,
                    source=item.source_label,
                    corroborating=item.corroborating,
                )
            )
            continue
        previous = hidden.get(signal.pk)
        partner = signal.recorded_by_partner
        hidden[signal.pk] = ExplanationLine(
            points=round(item.points + (previous.points if previous else 0.0), 3),
            age_days=item.age_days,
            confidential=True,
            partner=partner.short_name if partner is not None else "",
        )
    lines.extend(hidden.values())
    lines.sort(key=lambda line: -line.points)
    return lines

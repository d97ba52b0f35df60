"""The explained risk score: accumulation, fading, corroboration, the nightly refresh."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from gis.models import FLAG_THRESHOLD, Indicator, Premises, Signal
from gis.risk import (
    HALF_LIFE_DAYS,
    INDICATOR_CAP,
    band,
    explain,
    premises_band,
    refresh,
    refresh_all,
)
from gis.tasks_schedule import REFRESH_RISK, ensure_schedules
from tests.base import CastTestCase
from tests.gis_factories import make_premises, make_signal


def weight(code: str) -> float:
    return Indicator.objects.get(code=code).weight


class RiskScoreTests(CastTestCase):
    def setUp(self) -> None:
        self.premises = make_premises(self.city_a, 1)

    def test_indicators_accumulate_until_the_premises_is_flagged(self) -> None:
        make_signal(self.premises, "no-dimona")
        self.assertLess(explain(self.premises).score, FLAG_THRESHOLD)
        make_signal(self.premises, "id-papers-held", source=Signal.Source.POLICE_REPORT)
        explanation = explain(self.premises)
        self.assertAlmostEqual(explanation.score, weight("no-dimona") + weight("id-papers-held"))
        self.assertTrue(explanation.flagged)
        self.assertEqual(explanation.band, "high")

    def test_one_indicator_never_flags_even_reported_many_times(self) -> None:
        for _ in range(10):
            make_signal(self.premises, "debt-bondage")
        explanation = explain(self.premises)
        self.assertLessEqual(explanation.score, INDICATOR_CAP + 0.001)
        self.assertFalse(explanation.flagged)
        self.assertEqual(
            Indicator.objects.filter(weight__gte=FLAG_THRESHOLD).count(),
            0,
            "the catalogue never lets one indicator reach the threshold",
        )

    def test_contributions_halve_with_age(self) -> None:
        make_signal(self.premises, "no-dimona", days_ago=HALF_LIFE_DAYS)
        self.assertAlmostEqual(explain(self.premises).score, weight("no-dimona") / 2, places=3)

    def test_older_signals_fade_below_the_flag(self) -> None:
        make_signal(self.premises, "no-dimona", "id-papers-held", days_ago=10)
        self.assertTrue(explain(self.premises).flagged)
        later = timezone.localdate() + timedelta(days=2 * HALF_LIFE_DAYS)
        self.assertFalse(explain(self.premises, on=later).flagged)

    def test_a_second_report_of_the_same_indicator_corroborates_for_a_quarter(self) -> None:
        make_signal(self.premises, "late-night-noise", days_ago=0)
        make_signal(self.premises, "late-night-noise", days_ago=0, source=Signal.Source.HOTLINE)
        explanation = explain(self.premises)
        self.assertAlmostEqual(explanation.score, weight("late-night-noise") * 1.25, places=3)
        self.assertEqual([item.corroborating for item in explanation.contributions], [False, True])

    def test_the_freshest_report_counts_in_full(self) -> None:
        make_signal(self.premises, "no-dimona", days_ago=HALF_LIFE_DAYS)
        make_signal(self.premises, "no-dimona", days_ago=0)
        full, corroborating = explain(self.premises).contributions
        self.assertEqual((full.age_days, full.corroborating), (0, False))
        self.assertAlmostEqual(full.points, weight("no-dimona"))
        self.assertAlmostEqual(corroborating.points, weight("no-dimona") * 0.25 / 2, places=2)

    def test_explanation_says_which_indicator_which_source_how_old_how_much(self) -> None:
        make_signal(self.premises, "straw-man", days_ago=30, source=Signal.Source.ANONYMOUS_LETTER)
        (item,) = explain(self.premises).contributions
        self.assertEqual(item.indicator.code, "straw-man")
        self.assertEqual(item.signal.source, Signal.Source.ANONYMOUS_LETTER)
        self.assertEqual(item.source_label, str(Signal.Source.ANONYMOUS_LETTER.label))
        self.assertEqual(item.age_days, 30)
        self.assertGreater(item.points, 0)

    def test_signals_dated_after_the_scoring_day_do_not_count(self) -> None:
        make_signal(self.premises, "no-dimona", days_ago=0)
        yesterday = timezone.localdate() - timedelta(days=1)
        self.assertEqual(explain(self.premises, on=yesterday).score, 0)

    def test_bands(self) -> None:
        self.assertEqual(band(0), "low")
        self.assertEqual(band(FLAG_THRESHOLD / 2), "medium")
        self.assertEqual(band(FLAG_THRESHOLD), "high")
        self.assertEqual(premises_band(0, True), "high")


class RefreshTests(CastTestCase):
    def test_refresh_stores_the_score(self) -> None:
        premises = make_premises(self.city_a, 1)
        make_signal(premises, "no-dimona", "id-papers-held")
        self.assertEqual(refresh([premises]), 1)
        premises.refresh_from_db()
        self.assertAlmostEqual(premises.risk_score, weight("no-dimona") + weight("id-papers-held"))

    def test_refresh_all_fades_scores_and_clears_premises_without_signals(self) -> None:
        fading = make_premises(self.city_a, 1)
        make_signal(fading, "no-dimona", "id-papers-held")
        stale = make_premises(self.city_a, 2, risk_score=2.5)
        refresh_all()
        later = timezone.localdate() + timedelta(days=HALF_LIFE_DAYS)
        self.assertEqual(refresh_all(on=later), 1)
        fading.refresh_from_db()
        stale.refresh_from_db()
        self.assertAlmostEqual(
            fading.risk_score, (weight("no-dimona") + weight("id-papers-held")) / 2, places=3
        )
        self.assertEqual(stale.risk_score, 0)

    def test_refresh_risk_command_reports_how_many_changed(self) -> None:
        premises = make_premises(self.city_a, 1)
        make_signal(premises, "no-dimona")
        out = io.StringIO()
        call_command("refresh_risk", stdout=out)
        self.assertIn("1 changed", out.getvalue())
        later = (timezone.localdate() + timedelta(days=400)).isoformat()
        call_command("refresh_risk", "--on", later, stdout=out)
        self.assertLess(Premises.objects.get(pk=premises.pk).risk_score, weight("no-dimona"))

    def test_ensure_schedules_creates_the_nightly_refresh_once(self) -> None:
        ensure_schedules()
        Schedule.objects.filter(name=REFRESH_RISK).update(minutes=5)
        (schedule,) = ensure_schedules()
        self.assertEqual(Schedule.objects.filter(name=REFRESH_RISK).count(), 1)
        self.assertEqual(schedule.func, "gis.risk.refresh_all")
        self.assertEqual(schedule.schedule_type, Schedule.DAILY)
        self.assertEqual(schedule.minutes, 5, "an existing schedule is left as it is")

"""A re-inspection planned from a closed day that carried out a case carries out the same
case: the case lists it among its outcomes, and the re-inspection's plan names it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.actions.files import open_case
from cases.models import Case, Phenomenon
from cases.outcomes import outcomes
from inspections import reuse
from inspections.models import ActionDay, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.cast import build_cast
from tests.day_fixtures import build_day
from tests.test_browser_planning import log_in


def closed_day_of_a_case(test: Any) -> tuple[ActionDay, Case, Any]:
    """A closed day of city A whose visits are done, carrying out a case the
    coordinator opened (and so is in the team of). ``test`` holds the cast."""
    day = build_day(test, status=ActionDay.Status.CLOSED, on=timezone.localdate() - timedelta(30))
    for visit in day.visits.values():
        visit.finish(Visit.Status.DONE)
        visit.save()
    case = open_case(
        municipality=test.city_a,
        user=test.coordinator,
        title="Car washes of the station quarter",
        phenomenon=Phenomenon.LABOUR_EXPLOITATION,
    )
    source = day.action_day
    source.case = case
    source.save(update_fields=["case"])
    return source, case, day


class ReinspectionCaseTests(CastTestCase):
    def setUp(self) -> None:
        self.source, self.case, self.day = closed_day_of_a_case(self)
        self.later = timezone.localdate() + timedelta(days=14)

    def repeat(self, *names: str, **target: Any) -> ActionDay:
        visits = [self.day.visits[name] for name in names]
        return reuse.plan_reinspection(visits=visits, user=self.coordinator, **target)

    def test_a_new_reinspection_day_carries_out_the_case_of_the_day_it_repeats(self) -> None:
        target = self.repeat("Car Wash Donut", on=self.later)
        assert target.case == self.case
        assert [o.title for o in outcomes(self.coordinator, self.case)] == [
            str(self.source),
            str(target),
        ]
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_code=target.code)
        assert entry.detail["case"] == self.case.number

    def test_a_draft_without_a_case_takes_the_case_of_the_day_it_repeats(self) -> None:
        draft = reuse.copy_action_day(
            source=self.source, on=self.later, user=self.coordinator, with_visits=False
        )
        draft.case = None
        draft.save(update_fields=["case"])
        self.repeat("Car Wash Donut", into=draft)
        draft.refresh_from_db()
        assert draft.case == self.case

    def test_a_draft_carrying_out_another_case_keeps_its_own(self) -> None:
        other = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Night shops",
            phenomenon=Phenomenon.DRUGS,
        )
        draft = reuse.copy_action_day(
            source=self.source, on=self.later, user=self.coordinator, with_visits=False
        )
        draft.case = other
        draft.save(update_fields=["case"])
        self.repeat("Car Wash Donut", into=draft)
        draft.refresh_from_db()
        assert draft.case == other

    def test_a_closed_case_takes_no_reinspection_day(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(state=Case.State.CLOSED)
        target = self.repeat("Car Wash Donut", on=self.later)
        assert target.case is None

    def test_a_day_of_no_case_plans_a_reinspection_of_no_case(self) -> None:
        ActionDay.objects.filter(pk=self.source.pk).update(case=None)
        target = self.repeat("Car Wash Donut", on=self.later)
        assert target.case is None

    def test_the_reinspect_page_plans_a_day_of_the_case(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-reinspect", args=[self.source.code])
        visit = self.day.visits["Car Wash Donut"]
        response = self.client.post(url, {"visits": [str(visit.code)], "on": self.later})
        assert response.status_code == 302
        target = ActionDay.objects.get(visits__reinspection_of=visit)
        assert target.case == self.case


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_the_coordinator_sees_the_reinspection_carry_out_the_case(
    live_server: Any, page: Any
) -> None:
    source, case, _day = closed_day_of_a_case(build_cast())

    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-reinspect", args=[source.code]))
    page.get_by_label("Car Wash Donut").check()
    later = timezone.localdate() + timedelta(days=14)
    page.get_by_label("or a new action day on").fill(later.isoformat())
    page.get_by_role("button", name="Plan the re-inspection").click()
    page.wait_for_url("**/plan/")
    expect(page.locator("#case-card")).to_contain_text(
        f"This day carries out case {case.number} ({case.title})."
    )

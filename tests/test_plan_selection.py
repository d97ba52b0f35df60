"""Adding premises to a plan: what a selection leaves out is named, with the reason."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from inspections.models import Visit
from partners.models import Person
from tests.base import CastTestCase
from tests.planning_fixtures import make_action_day, make_premises

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class MixedSelectionTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        self.day = make_action_day(self.cast)
        self.own = make_premises(self.city_a, 1, sector=None, name="Frituur Centrum")
        self.foreign = make_premises(self.city_b, 2, sector=None, name="Café de la Gare")
        self.foreign.address = "Place de Rome 2, 4960 Malmedy"
        # An id no random token (the CSRF token in every form) can contain by chance.
        self.foreign.external_id = "malmedy-register-0002"
        self.foreign.save()

    def add(self, *premises: Any) -> Any:
        self.day.refresh_from_db()
        data = {"version": self.day.version, "premises": [str(p.code) for p in premises]}
        return self.client.post(reverse("plan-add-visits", args=[self.day.code]), data, **HTMX)

    def test_premises_of_another_city_are_named_as_left_out(self) -> None:
        # A coordinator working for both cities sees Malmedy's premises too.
        Person.objects.get(user=self.coordinator).municipalities.add(self.city_b)
        response = self.add(self.own, self.foreign)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 visit(s) added.")
        self.assertContains(response, "Left out")
        self.assertContains(response, "Café de la Gare, Place de Rome 2, 4960 Malmedy")
        self.assertContains(response, "not in Halle")
        self.assertNotContains(response, "malmedy-register-0002")
        self.assertEqual(list(Visit.objects.values_list("premises", flat=True)), [self.own.pk])

    def test_premises_the_coordinator_may_not_see_are_counted_not_named(self) -> None:
        response = self.add(self.own, self.foreign)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "1 visit(s) added.")
        self.assertContains(response, "1 chosen premises is not among the premises you may see")
        self.assertNotContains(response, "Café de la Gare")
        self.assertEqual(Visit.objects.count(), 1)

    def test_premises_already_in_the_plan_are_named(self) -> None:
        self.add(self.own)
        other = make_premises(self.city_a, 3, sector=None, name="Garage Noord")
        response = self.add(self.own, other)
        self.assertContains(response, "1 visit(s) added.")
        self.assertContains(response, "Frituur Centrum, Bergensesteenweg 1, 1502 Halle")
        self.assertContains(response, "already in the plan")
        self.assertEqual(Visit.objects.count(), 2)

    def test_nothing_left_to_add_is_refused_with_the_reasons(self) -> None:
        Person.objects.get(user=self.coordinator).municipalities.add(self.city_b)
        response = self.add(self.foreign)
        self.assertContains(response, "Café de la Gare", status_code=400)
        self.assertContains(response, "not in Halle", status_code=400)
        self.assertFalse(Visit.objects.exists())

    def test_a_selection_without_left_outs_says_only_what_was_added(self) -> None:
        response = self.add(self.own)
        self.assertContains(response, "1 visit(s) added.")
        self.assertNotContains(response, "Left out")

"""The refusal contract: a refused HTMX request answers with its status and its message
marked for the page's script (which shows it beside the form that sent it); any other
request is sent back with the message."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from partners.http import REFUSAL_MARK, refuse
from tests.base import CastTestCase
from tests.planning_fixtures import make_action_day

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def request_for(*, htmx: bool) -> Any:
    from django_htmx.middleware import HtmxDetails

    request = RequestFactory().post("/somewhere/", **(HTMX if htmx else {}))
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


class RefuseTests(SimpleTestCase):
    def test_htmx_refusal_carries_status_and_marked_message(self) -> None:
        response = refuse(request_for(htmx=True), "Release needs a team.", redirect_to="/plan/")
        self.assertEqual(response.status_code, 400)
        self.assertIn(REFUSAL_MARK, response.content.decode())
        self.assertIn("Release needs a team.", response.content.decode())
        self.assertIn('role="alert"', response.content.decode())
        # Nothing of the page is replaced, whatever the page's swap rules say.
        self.assertEqual(response["HX-Reswap"], "none")

    def test_htmx_refusal_keeps_its_status(self) -> None:
        response = refuse(request_for(htmx=True), "Stale.", status=409, redirect_to="/")
        self.assertEqual(response.status_code, 409)

    def test_message_is_escaped(self) -> None:
        response = refuse(request_for(htmx=True), "<script>x</script>", redirect_to="/")
        self.assertNotIn("<script>", response.content.decode())
        self.assertIn("&lt;script&gt;", response.content.decode())

    def test_other_requests_are_sent_back_with_the_message(self) -> None:
        request = request_for(htmx=False)
        response = refuse(request, "Release needs a team.", redirect_to="/plan/")
        self.assertEqual((response.status_code, response["Location"]), (302, "/plan/"))
        self.assertEqual(
            [(m.level_tag, str(m)) for m in get_messages(request)],
            [("error", "Release needs a team.")],
        )


class PlanRefusalTests(CastTestCase):
    """Every planning action answers its refusals through the contract."""

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        self.day = make_action_day(self.cast)

    def post(self, name: str, data: dict[str, Any], **extra: Any) -> Any:
        self.day.refresh_from_db()
        data = {"version": self.day.version, **data}
        return self.client.post(reverse(name, args=[self.day.code]), data, **extra)

    def assertRefused(self, response: Any, text: str, status: int = 400) -> None:
        self.assertContains(response, text, status_code=status)
        self.assertContains(response, REFUSAL_MARK, status_code=status)
        # The message alone: the plan body (and the forms in it) stays as the user left it.
        self.assertNotContains(response, 'id="plan-body"', status_code=status)

    def test_release_with_an_empty_plan(self) -> None:
        self.post("plan-status", {"status": "planned"}, **HTMX)
        response = self.post("plan-status", {"status": "released"}, **HTMX)
        self.assertRefused(response, "The plan has no visits yet.")

    def test_team_member_of_a_partner_not_taking_part(self) -> None:
        response = self.post("plan-team", {"name": "Team 1", "lead": self.clerk.pk}, **HTMX)
        self.assertRefused(response, "not with a participating partner")

    def test_invalid_form(self) -> None:
        response = self.post("plan-add-visits", {}, **HTMX)
        self.assertRefused(response, "Choose at least one premises")

    def test_stale_version(self) -> None:
        response = self.client.post(
            reverse("plan-routes", args=[self.day.code]), {"version": 99}, **HTMX
        )
        self.assertRefused(response, "Someone else changed this plan", status=409)

    def test_without_htmx_the_refusal_is_a_message_on_the_plan(self) -> None:
        response = self.post("plan-team", {"name": "Team 1", "lead": self.clerk.pk}, follow=True)
        self.assertRedirects(response, reverse("action-day-plan", args=[self.day.code]))
        self.assertContains(response, "not with a participating partner")

    def test_invalid_candidate_filters_are_refused_with_the_reason(self) -> None:
        url = reverse("action-day-plan", args=[self.day.code])
        response = self.client.get(url, {"fragment": "candidates", "min_risk": "-1"}, **HTMX)
        self.assertRefused(response, "greater than or equal to 0")

    def test_sector_rule_toggle_refusal_follows_the_contract(self) -> None:
        data = {"municipality": self.city_b.code, "sector": "car_wash", "competency": "x"}
        response = self.client.post(reverse("sector-rule-toggle"), data, **HTMX)
        self.assertContains(response, REFUSAL_MARK, status_code=400)

    def test_sector_rule_toggle_without_htmx_shows_the_rules_with_the_reason(self) -> None:
        data = {"municipality": self.city_b.code, "sector": "car_wash", "competency": "x"}
        response = self.client.post(reverse("sector-rule-toggle"), data)
        self.assertContains(response, "Nothing was changed", status_code=400)
        self.assertContains(response, "Checks per sector", status_code=400)

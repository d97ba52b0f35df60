"""Partners, competencies, people and the competency matrix."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from partners.models import AuditEntry, Competency
from tests.base import CastTestCase


class CompetencyMatrixTests(CastTestCase):
    url = reverse("competency-matrix")
    toggle_url = reverse("competency-toggle")

    def toggle(self, partner_code: object, competency: str, held: bool, **extra: Any) -> Any:
        data = {"partner": str(partner_code), "competency": competency}
        if held:
            data["held"] = "on"
        return self.client.post(self.toggle_url, data, **extra)

    def test_coordinator_sees_matrix_of_partners_working_for_the_city(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Police")
        self.assertContains(response, "Social Inspection")
        self.assertNotContains(response, "City B")

    def test_inspector_may_not_open_the_matrix(self) -> None:
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('login')}?next={self.url}")

    def test_htmx_toggle_grants_competency_returns_cell_and_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.toggle(self.police.code, "fire-safety", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.decode().lstrip().startswith("<td"))
        self.assertContains(response, "checked")
        self.assertTrue(self.police.competencies.filter(code="fire-safety").exists())
        entry = AuditEntry.objects.get()
        self.assertEqual(entry.username, "coordinator")
        self.assertEqual(entry.action, AuditEntry.Action.CHANGE)
        self.assertEqual(entry.object_code, str(self.police.code))
        self.assertEqual(entry.detail, {"competency": "fire-safety", "held": True})

    def test_toggle_withdraws_competency(self) -> None:
        self.client.force_login(self.coordinator)
        self.toggle(self.police.code, "police-public-order", False, HTTP_HX_REQUEST="true")
        self.assertFalse(self.police.competencies.exists())

    def test_toggle_without_htmx_redirects_back_with_message(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.toggle(self.police.code, "fire-safety", True, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "bewaard")

    def test_partner_of_other_city_cannot_be_changed(self) -> None:
        city_b_partner = self.outsider.person.partner
        self.client.force_login(self.coordinator)
        response = self.toggle(city_b_partner.code, "fire-safety", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "werkt niet voor uw gemeente", status_code=400)
        self.assertFalse(city_b_partner.competencies.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_unknown_competency_is_refused_and_nothing_changes(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.toggle(self.police.code, "astrology", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Onbekende bevoegdheid", status_code=400)
        self.assertEqual(
            list(self.police.competencies.values_list("code", flat=True)), ["police-public-order"]
        )

    def test_malformed_partner_code_is_refused(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.toggle("not-a-uuid", "fire-safety", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 400)

    def test_inspector_cannot_toggle(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.toggle(self.police.code, "fire-safety", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.police.competencies.filter(code="fire-safety").exists())

    def test_toggle_only_by_post(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(self.toggle_url).status_code, 405)


class CompetencyTitleTests(CastTestCase):
    def test_title_follows_the_active_language(self) -> None:
        from django.utils import translation

        competency = Competency.objects.get(code="fire-safety")
        with translation.override("fr"):
            self.assertEqual(competency.title, "Sécurité incendie et évacuation")
        with translation.override("en"):
            self.assertEqual(competency.title, "Fire safety and evacuation")
        with translation.override("nl"):
            self.assertEqual(competency.title, "Brandveiligheid en evacuatie")


class PartnerPagesTests(CastTestCase):
    def test_partner_list_shows_only_partners_of_own_city(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("partner-list"))
        self.assertContains(response, "Social Inspection")  # works for both cities
        self.assertNotContains(response, "Police service")

    def test_partner_detail_of_other_city_is_404(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("partner-detail", args=[self.police.code]))
        self.assertEqual(response.status_code, 404)

    def test_partner_detail_lists_only_people_of_own_city(self) -> None:
        from tests.cast import make_user

        make_user("federal-b", self.social, ["inspector"], self.city_b)
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("partner-detail", args=[self.social.code]))
        self.assertContains(response, "Social")
        self.assertNotContains(response, "Federal-B")

    def test_people_list_is_scoped(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("people-list"))
        self.assertContains(response, "outsider")
        self.assertNotContains(response, "coordinator")

    def test_protocols_of_own_city_only(self) -> None:
        self.client.force_login(self.outsider)
        self.assertNotContains(self.client.get(reverse("protocol-list")), "Protocol A")
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("protocol-list")), "Protocol A")

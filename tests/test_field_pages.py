"""The inspector's day pages, the manifest and the service worker."""

from __future__ import annotations

import json
import re
from typing import Any

from django.urls import reverse

from inspections.models import Finding, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, version_of


class FieldPagesTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.visit = self.field.visits[0]
        self.client.cookies["django_language"] = "en"

    def data_island(self, response: Any) -> dict:
        html = response.content.decode()
        start = html.index('<script id="field-data" type="application/json">')
        body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        return json.loads(body)

    def test_my_action_day_lists_the_team_visits_in_route_order(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.get(reverse("field-day"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "My action day")
        html = response.content.decode()
        positions = [html.index(f'data-visit="{visit.code}"') for visit in self.field.visits]
        self.assertEqual(positions, sorted(positions))
        self.assertNotIn(str(self.field.other_visit.code), html)
        data = self.data_island(response)
        self.assertIn(reverse("field-visit", args=[self.visit.code]), data["precache"])
        checklist = reverse(
            "field-checklist", args=[self.visit.code, version_of("police-identities").code]
        )
        self.assertIn(checklist, data["precache"])
        self.assertEqual(len(data["markers"]), 3)
        self.assertNotIn("<script>", html.replace('<script id="field-data"', ""))

    def test_pages_render_in_dutch_by_default(self) -> None:
        del self.client.cookies["django_language"]
        self.client.force_login(self.police_inspector)
        response = self.client.get(reverse("field-day"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="nl">')
        self.assertEqual(self.data_island(response)["language"], "nl")

    def test_people_outside_the_team_see_no_visits(self) -> None:
        for user in (self.clerk, self.outsider, self.mayor, self.coordinator):
            self.client.force_login(user)
            response = self.client.get(reverse("field-day"))
            self.assertEqual(response.status_code, 200)
            self.assertNotIn(str(self.visit.code), response.content.decode())
            url = reverse("field-visit", args=[self.visit.code])
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_visit_of_another_team_is_not_found(self) -> None:
        self.client.force_login(self.police_inspector)
        url = reverse("field-visit", args=[self.field.other_visit.code])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_visit_shows_the_partners_checklists_and_trafficking(self) -> None:
        self.client.force_login(self.social_inspector)
        response = self.client.get(reverse("field-visit", args=[self.visit.code]))
        self.assertContains(response, "Employment, Dimona and contracts")
        self.assertContains(response, "Human-trafficking indicators")
        self.assertNotContains(response, "Identities and residence status")

    def test_another_partners_checklist_page_is_not_found(self) -> None:
        self.client.force_login(self.social_inspector)
        url = reverse(
            "field-checklist", args=[self.visit.code, version_of("police-identities").code]
        )
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_checklist_page_carries_the_definition_and_the_known_finding(self) -> None:
        from django.utils import timezone

        from inspections.sync import submit

        version = version_of("police-identities")
        answers = {"persons_present": 1, "identities_checked": 1, "irregular_stay": "no"}
        import uuid

        submit(
            user=self.police_inspector,
            client_id=uuid.uuid4(),
            visit_code=self.visit.code,
            version_code=version.code,
            answers=answers,
            base_version=None,
            recorded_at=timezone.now(),
        )
        self.client.force_login(self.police_inspector)
        response = self.client.get(reverse("field-checklist", args=[self.visit.code, version.code]))
        data = self.data_island(response)
        self.assertEqual(
            data["known"],
            {"version": 1, "answers": answers, "recorded_by": "Police", "photos": {}},
        )
        self.assertEqual(data["definition"], version.definition)
        self.assertContains(response, 'id="q-persons_present"')
        finding = Finding.objects.get()
        self.assertTrue(
            AuditEntry.objects.filter(action="read", object_code=str(finding.code)).exists()
        )

    def test_outcome_form_works_without_javascript(self) -> None:
        self.client.force_login(self.police_inspector)
        url = reverse("field-visit", args=[self.visit.code])
        self.assertRedirects(self.client.post(url, {"action": "start"}), url)
        self.assertRedirects(self.client.post(url, {"action": "closed"}), url)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.CLOSED)
        self.assertIsNotNone(self.visit.finished_at)

    def test_service_worker_is_served_for_the_field_scope(self) -> None:
        response = self.client.get(reverse("field-sw"))
        self.assertEqual(response["Content-Type"], "application/javascript; charset=utf-8")
        self.assertEqual(response["Service-Worker-Allowed"], "/field/")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertTrue(response.content.startswith(b"self.INTEGRA_FIELD = "))
        config = json.loads(
            response.content.decode().split("\n", 1)[0][len("self.INTEGRA_FIELD = ") : -1]
        )
        self.assertIn("/static/integra/field/app.js", config["assets"])
        self.assertEqual(len(config["release"]), 12)

    def test_every_file_a_field_page_links_is_cached_and_nothing_it_does_not_use(self) -> None:
        self.client.force_login(self.police_inspector)
        worker = self.client.get(reverse("field-sw")).content.decode()
        cached = set(json.loads(worker.split("\n", 1)[0].split(" = ", 1)[1].rstrip(";"))["assets"])
        pages = [
            reverse("field-day"),
            reverse("field-visit", args=[self.visit.code]),
            reverse(
                "field-checklist", args=[self.visit.code, version_of("police-identities").code]
            ),
        ]
        for url in pages:
            html = self.client.get(url).content.decode()
            linked = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
            self.assertTrue(linked, url)
            self.assertLessEqual(linked, cached, url)
        self.assertFalse([asset for asset in cached if "htmx" in asset or "marker-" in asset])

    def test_manifest_is_served_as_a_web_manifest(self) -> None:
        response = self.client.get(reverse("field-manifest"))
        self.assertEqual(response["Content-Type"], "application/manifest+json")
        manifest = json.loads(response.content)
        self.assertEqual((manifest["start_url"], manifest["scope"]), ("/field/", "/field/"))
        self.assertEqual(manifest["display"], "standalone")

    def test_home_shows_my_action_day_to_inspectors_only(self) -> None:
        self.client.force_login(self.police_inspector)
        self.assertContains(self.client.get("/"), reverse("field-day"))
        self.client.force_login(self.clerk)
        self.assertNotContains(self.client.get("/"), reverse("field-day"))

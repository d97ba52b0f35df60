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
        # Each checklist version once, whatever the number of visits that fill it.
        checklist = reverse("field-checklist-form", args=[version_of("police-identities").code])
        self.assertIn(checklist, data["precache"])
        self.assertEqual(len(data["precache"]), len(set(data["precache"])))
        self.assertFalse(
            [url for url in data["precache"] if "/visits/" in url and "/checklists/" in url]
        )
        self.assertEqual(
            data["visits"][str(self.visit.code)],
            {
                "url": reverse("field-visit", args=[self.visit.code]),
                "name": self.visit.premises.display_name,
                "label": self.visit.premises.label(),
            },
        )
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


class SharedChecklistPageTests(CastTestCase):
    """A checklist version's page is one for every visit of the day; a visit's part of it
    (premises, the finding already on the server) comes with the day page and, online,
    from its own small answer."""

    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.visit, self.second = self.field.visits[0], self.field.visits[1]
        self.version = version_of("police-identities")
        self.client.cookies["django_language"] = "en"

    def island(self, response: Any) -> dict:
        html = response.content.decode()
        body = html.split('<script id="field-data" type="application/json">', 1)[1]
        return json.loads(body.split("</script>", 1)[0])

    def save(self, visit: Visit) -> dict:
        import uuid

        from django.utils import timezone

        from inspections.sync import submit

        answers = {"persons_present": 2, "identities_checked": 2, "irregular_stay": "no"}
        submit(
            user=self.police_inspector,
            client_id=uuid.uuid4(),
            visit_code=visit.code,
            version_code=self.version.code,
            answers=answers,
            base_version=None,
            recorded_at=timezone.now(),
        )
        return answers

    def test_the_shared_page_names_no_visit(self) -> None:
        self.client.force_login(self.police_inspector)
        url = reverse("field-checklist-form", args=[self.version.code])
        # As the day page caches it: without a visit.
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for visit in self.field.visits:
            self.assertNotIn(str(visit.code), html)
            self.assertNotIn(visit.premises.name, html)
        data = self.island(response)
        self.assertNotIn("visit", data)
        self.assertEqual(data["definition"], self.version.definition)
        self.assertEqual(data["template"], "police-identities")
        self.assertContains(response, 'id="q-persons_present"')
        # The same page whatever the visit asked (but the language switch's way back).
        other = self.client.get(url + f"?visit={self.visit.code}").content
        strip = re.compile(rb'value="[^"]+"|"X-CSRFToken": "[^"]+"')
        self.assertEqual(strip.sub(b"", other), strip.sub(b"", response.content))

    def test_the_shared_page_is_for_the_partners_checklists_only(self) -> None:
        url = reverse("field-checklist-form", args=[self.version.code])
        self.client.force_login(self.social_inspector)
        self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.clerk, self.outsider, self.coordinator):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_visits_part_carries_the_finding_on_the_server(self) -> None:
        answers = self.save(self.second)
        self.client.force_login(self.police_inspector)
        url = reverse("field-checklist-data", args=[self.second.code, self.version.code])
        part = self.client.get(url).json()
        self.assertEqual(part["visit"], str(self.second.code))
        self.assertEqual(part["key"], f"{self.second.code}/police-identities")
        self.assertEqual(part["visitUrl"], reverse("field-visit", args=[self.second.code]))
        self.assertEqual(part["known"]["answers"], answers)
        self.assertEqual(part["known"]["version"], 1)
        finding = Finding.objects.get()
        self.assertTrue(
            AuditEntry.objects.filter(action="read", object_code=str(finding.code)).exists()
        )
        first = reverse("field-checklist-data", args=[self.visit.code, self.version.code])
        self.assertIsNone(self.client.get(first).json()["known"])

    def test_a_visits_part_is_refused_outside_the_team_and_partner(self) -> None:
        url = reverse("field-checklist-data", args=[self.visit.code, self.version.code])
        self.client.force_login(self.social_inspector)
        self.assertEqual(self.client.get(url).status_code, 404)
        other = reverse(
            "field-checklist-data", args=[self.field.other_visit.code, self.version.code]
        )
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_the_day_page_carries_the_findings_already_saved(self) -> None:
        answers = self.save(self.second)
        self.client.force_login(self.police_inspector)
        data = self.island(self.client.get(reverse("field-day")))
        self.assertEqual(
            data["visits"][str(self.second.code)]["known"]["police-identities"]["answers"],
            answers,
        )
        self.assertNotIn("known", data["visits"][str(self.visit.code)])

    def test_the_visit_page_links_the_shared_page_for_this_visit(self) -> None:
        self.client.force_login(self.police_inspector)
        html = self.client.get(reverse("field-visit", args=[self.second.code])).content.decode()
        shared = reverse("field-checklist-form", args=[self.version.code])
        self.assertIn(f'href="{shared}?visit={self.second.code}"', html)

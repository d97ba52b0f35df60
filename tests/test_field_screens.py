"""What an inspector expects of the field app's screens: a link that opens the tablet's
maps app on each visit, a main button that follows the visit, and a photo control that
opens the camera while still letting a file be chosen."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

from django.urls import reverse
from django.utils import timezone

from inspections.models import Visit
from inspections.sync import record_visit_outcome, submit
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, version_of

POLICE_ANSWERS = {"persons_present": 1, "identities_checked": 1, "irregular_stay": "no"}
TRAFFICKING_ANSWERS = {
    "papers_held": "no",
    "interpreter_present": "no",
    "debt": "no",
    "victims_count": 0,
    "referred": "no",
}


class FieldScreensTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.visit = self.field.visits[0]
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.police_inspector)

    def visit_page(self) -> str:
        response = self.client.get(reverse("field-visit", args=[self.visit.code]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def shown(self, html: str) -> list[str]:
        """The labels of the visit's outcome controls that are not hidden, in order."""
        start = html.index('id="visit-outcomes"')
        form = html[start : html.index("</form>", start)]
        controls = re.findall(r"<(?:button|a|p)\b([^>]*)>(.*?)</(?:button|a|p)>", form, re.S)
        return [
            " ".join(re.sub(r"<[^>]+>", " ", label).split())
            for attributes, label in controls
            if " hidden" not in attributes
        ]

    def primary(self, html: str) -> str:
        start = html.index('id="visit-outcomes"')
        form = html[start : html.index("</form>", start)]
        for attributes, label in re.findall(
            r"<(?:button|a)\b([^>]*)>(.*?)</(?:button|a)>", form, re.S
        ):
            if "primary" in attributes and " hidden" not in attributes:
                return " ".join(re.sub(r"<[^>]+>", " ", label).split())
        return ""

    def save(self, slug: str, answers: dict[str, Any]) -> None:
        submit(
            user=self.police_inspector,
            client_id=uuid.uuid4(),
            visit_code=self.visit.code,
            version_code=version_of(slug).code,
            answers=answers,
            base_version=None,
            recorded_at=timezone.now(),
        )

    def outcome(self, action: str) -> None:
        record_visit_outcome(
            user=self.police_inspector, visit_code=self.visit.code, action=action, at=timezone.now()
        )

    def test_each_visit_of_the_day_has_a_link_that_opens_the_maps_app(self) -> None:
        html = self.client.get(reverse("field-day")).content.decode()
        for visit in self.field.visits:
            premises = visit.premises
            found = re.search(rf'href="(geo:[^"]+)" data-geo="{visit.code}"', html)
            assert found is not None, f"no geo link for {premises.name}"
            point = f"{premises.lat:.6f},{premises.lon:.6f}"
            link = found.group(1).replace("&amp;", "&")
            self.assertTrue(link.startswith(f"geo:{point}?q={point}("), link)
            self.assertIn(premises.name, unquote(link))
            label = re.search(rf'data-geo="{visit.code}" aria-label="([^"]+)"', html)
            assert label is not None
            self.assertTrue(label.group(1).startswith("Navigate to "), label.group(1))
            self.assertIn(premises.name, label.group(1))

    def test_the_geo_link_keeps_a_point_in_dutch_and_escapes_the_label(self) -> None:
        premises = self.visit.premises
        premises.name = "Café (De Kroon) & Co"
        premises.save(update_fields=["name"])
        del self.client.cookies["django_language"]
        html = self.visit_page()
        link = re.search(r'id="visit-navigate" href="([^"]+)"', html)
        assert link is not None
        # A decimal comma would move the premises: the point is always written with dots.
        point = f"{premises.lat:.6f},{premises.lon:.6f}"
        self.assertIn(f"geo:{point}?q={point}(", link.group(1))
        label = link.group(1).split("(", 1)[1]
        self.assertNotIn(" ", label)
        self.assertNotIn("&amp;", label)
        self.assertEqual(unquote(label[:-1]), premises.label())

    def test_a_planned_visit_offers_to_start_it_first(self) -> None:
        html = self.visit_page()
        self.assertEqual(self.primary(html), "Start visit")
        self.assertEqual(self.shown(html), ["Start visit", "No access", "Premises closed"])

    def test_a_started_visit_offers_the_first_checklist_still_to_fill(self) -> None:
        self.outcome("start")
        html = self.visit_page()
        self.assertEqual(self.primary(html), "Continue checklist Identities and residence status")
        checklist = reverse("field-checklist-form", args=[version_of("police-identities").code])
        link = f"{checklist}?visit={self.visit.code}"
        self.assertIn(f'id="visit-continue" data-phases="continue" href="{link}"', html)
        self.assertIn("Finish visit", self.shown(html))
        self.assertNotIn("Start visit", self.shown(html))

        self.save("police-identities", POLICE_ANSWERS)
        html = self.visit_page()
        self.assertEqual(self.primary(html), "Continue checklist Human-trafficking indicators")

    def test_a_started_visit_with_every_checklist_filled_offers_to_finish_it(self) -> None:
        self.outcome("start")
        self.save("police-identities", POLICE_ANSWERS)
        self.save("trafficking-indicators", TRAFFICKING_ANSWERS)
        html = self.visit_page()
        self.assertEqual(self.primary(html), "Finish visit")
        self.assertEqual(self.shown(html), ["Finish visit"])

    def test_a_finished_visit_says_it_is_done_and_offers_no_more_outcomes(self) -> None:
        self.outcome("start")
        self.outcome("done")
        html = self.visit_page()
        self.assertEqual(self.primary(html), "")
        self.assertEqual(self.shown(html), ["Visit done"])

    def test_a_visit_without_access_says_so(self) -> None:
        self.outcome("no_access")
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.NO_ACCESS)
        self.assertEqual(self.shown(self.visit_page()), ["No access"])

    def test_the_photo_control_opens_the_camera_and_still_takes_a_file(self) -> None:
        self.client.force_login(self.social_inspector)
        version = version_of("social-employment")
        html = self.client.get(
            reverse("field-checklist", args=[self.visit.code, version.code])
        ).content.decode()
        camera = re.search(r'<input id="q-documents"[^>]*>', html)
        chooser = re.search(r'<input id="q-documents-file"[^>]*>', html)
        assert camera is not None and chooser is not None
        self.assertIn('accept="image/*"', camera.group(0))
        self.assertIn('capture="environment"', camera.group(0))
        self.assertIn('accept="image/*"', chooser.group(0))
        self.assertNotIn("capture", chooser.group(0))
        self.assertIn('<label for="q-documents">Take a photo</label>', html)
        self.assertIn('<label for="q-documents-file">Choose a photo from this device</label>', html)

    def test_the_field_scripts_say_sent_in_the_inspectors_language(self) -> None:
        response = self.client.get(reverse("field-visit", args=[self.visit.code]))
        html = response.content.decode()
        self.assertIn('"sentToServer": "Sent: the server has it."', html)
        self.assertIn('"visitDone": "Visit done"', html)

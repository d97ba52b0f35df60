"""The offline HTML map of an action day: one file with the vendored Leaflet and
markercluster inlined (no script or style from a network), a marker per visit with its
team and slot in the reader's language, for the day's coordinators only, audited."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from inspections.models import ActionDay
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import FieldDay, build_field_day

CDN_HOSTS = ("jsdelivr", "cdnjs", "unpkg", "code.jquery.com", "bootstrapcdn", "googleapis")


def download(user: User, day: ActionDay, language: str = "en") -> Any:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client.get(reverse("action-day-map", args=[day.code]))


def external_references(html: str) -> list[str]:
    """Every script, style sheet, image or CSS import of the page fetched from a network.
    (Leaflet's own source holds one link, its attribution to leafletjs.com, which is a
    link a person may click, never fetched; the map shows no attribution.)"""
    references = re.findall(r"""<(?:script|img|iframe)[^>]*\ssrc\s*=\s*["']?([^"'\s>]+)""", html)
    references += re.findall(r"""<link[^>]*\shref\s*=\s*["']?([^"'\s>]+)""", html)
    references += re.findall(r"""url\(\s*["']?([^"')]+)""", html)
    references += re.findall(r"""@import\s+["']?([^"';]+)""", html)
    return [ref for ref in references if re.match(r"^(https?:)?//", ref)]


def labels(html: str) -> list[str]:
    """The markers' tooltips, as the map shows them."""
    pattern = r'bindTooltip\(("(?:[^"\\]|\\.)*")'
    return [json.loads(text) for text in re.findall(pattern, html)]


class DayMapTests(CastTestCase):
    field: FieldDay

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.field = build_field_day(cls.cast)
        day = cls.field.day
        day.briefing_lon, day.briefing_lat = 4.2380, 50.7335
        day.save()

    def test_the_map_opens_without_a_network(self) -> None:
        response = download(self.coordinator, self.field.day)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(external_references(html), [])
        for host in CDN_HOSTS:
            self.assertNotIn(host, html)
        # The vendored libraries are in the file itself.
        self.assertIn("Leaflet 1.9.4", html)
        self.assertIn("L.markerClusterGroup", html)
        self.assertIn(".marker-cluster-small", html)
        self.assertNotIn("<script src", html)
        self.assertNotIn('rel="stylesheet"', html)

    def test_a_marker_per_visit_with_its_team_and_slot(self) -> None:
        html = download(self.coordinator, self.field.day).content.decode()
        self.assertEqual(html.count("L.circleMarker("), 4 + 1)  # 4 visits, the briefing point
        shown = labels(html)
        self.assertIn("1. Carwash 1 · Team 1 · 10:00–10:40", shown)
        self.assertIn("1. Carwash 99 · Team 2 · no slot yet", shown)
        self.assertIn("Briefing: Politiehuis Halle", shown)
        self.assertIn("Flexactie carwashes", html)
        self.assertIn('<html lang="en">', html)
        self.assertNotIn(str(self.field.visits[0].code), html)
        self.assertNotIn(str(self.field.visits[0].premises.code), html)

    def test_the_map_reads_in_the_coordinators_language(self) -> None:
        html = download(self.coordinator, self.field.day, "fr").content.decode()
        self.assertIn('<html lang="fr">', html)
        with translation.override("fr"):
            day = formats.date_format(self.field.day.date)
        self.assertIn(f"<title>Flexactie carwashes – {day}</title>", html)
        self.assertIn("Magasin de nuit", html)  # the night shop's sector

    def test_a_file_to_download_named_after_the_day(self) -> None:
        response = download(self.coordinator, self.field.day)
        name = f"map-{self.field.day.date.isoformat()}-flexactie-carwashes.html"
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{name}"')

    def test_only_the_days_coordinators_download_it_and_each_download_is_audited(self) -> None:
        for user in (self.police_inspector, self.mayor, self.analyst, self.clerk, self.outsider):
            self.assertEqual(download(user, self.field.day).status_code, 404, user)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())
        download(self.coordinator, self.field.day)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual(entry.user, self.coordinator)
        self.assertEqual(entry.object_code, str(self.field.day.code))
        self.assertEqual(entry.detail, {"map": "html"})

    def test_the_plan_page_offers_the_map(self) -> None:
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(self.coordinator)
        response = client.get(reverse("action-day-plan", args=[self.field.day.code]))
        self.assertContains(response, "Download map (HTML)")
        self.assertContains(response, reverse("action-day-map", args=[self.field.day.code]))

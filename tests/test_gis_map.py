"""The coordinator's map, its HTMX filters, the risk list, the popup and the export of a
selection."""

from __future__ import annotations

import gzip
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gis.models import Premises, Sector
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.gis_factories import (
    HALLE_LAT,
    HALLE_LON,
    bulk_premises,
    make_premises,
    make_signal,
    square_zone,
)

MAP = reverse("gis-map")
RISK = reverse("gis-risk-list")
EXPORT = reverse("gis-map-export")
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
DATA = re.compile(r'<script id="map-data" type="application/json">(.*?)</script>', re.S)


def markers(response: Any) -> list[list[Any]]:
    found = DATA.search(response.content.decode())
    assert found, "the response carries no marker data"
    return json.loads(found.group(1))


def codes(response: Any) -> set[str]:
    return {row[0] for row in markers(response)}


def count_queries(function: Any) -> int:
    statements = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return statements


class MapFixture(CastTestCase):
    car_wash: Sector
    bar: Sector
    flagged: Premises
    medium: Premises
    quiet: Premises
    manual: Premises
    elsewhere: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.car_wash = Sector.objects.get(code="car_wash")
        cls.bar = Sector.objects.get(code="bar")
        cls.flagged = make_premises(
            cls.city_a, 1, name="Carwash Zuid", sector=cls.car_wash, risk_score=3.4
        )
        cls.medium = make_premises(cls.city_a, 2, name="Café Markt", sector=cls.bar, risk_score=2.0)
        cls.quiet = make_premises(
            cls.city_a,
            3,
            name="Bakkerij",
            last_inspected_on=timezone.localdate() - timedelta(days=30),
        )
        cls.manual = make_premises(cls.city_a, 4, name="Loods", flagged_manually=True)
        cls.elsewhere = make_premises(
            cls.city_b, 1, name="Malmedy garage", address="Place 1, 4960 Malmedy", lat=50.42
        )


class MapAccessTests(MapFixture):
    def test_coordinator_analyst_and_mayors_office_open_the_map(self) -> None:
        for user in (self.coordinator, self.analyst, self.mayor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(MAP).status_code, 200, user)

    def test_inspectors_and_the_permit_desk_may_not(self) -> None:
        for user in (self.police_inspector, self.social_inspector, self.clerk):
            self.client.force_login(user)
            for url in (MAP, RISK, EXPORT + "?format=geojson"):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
            popup = reverse("gis-premises-popup", args=[self.flagged.code])
            self.assertEqual(self.client.get(popup).status_code, 403)

    def test_anonymous_is_sent_to_login(self) -> None:
        self.assertRedirects(self.client.get(MAP), f"{reverse('login')}?next={MAP}")

    def test_outsider_sees_none_of_city_a_in_page_fragment_list_or_popup(self) -> None:
        self.client.force_login(self.outsider)
        page = self.client.get(MAP)
        self.assertEqual(codes(page), {self.elsewhere.code.hex})
        self.assertNotContains(page, "Carwash Zuid")
        self.assertEqual(codes(self.client.get(MAP, {"flagged": "on"}, **HTMX)), set())
        risk = self.client.get(RISK)
        self.assertContains(risk, "Malmedy garage")
        self.assertNotContains(risk, "Carwash Zuid")
        for name in ("gis-premises-popup", "gis-premises-detail"):
            url = reverse(name, args=[self.flagged.code])
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_outsider_cannot_filter_on_city_a_zone(self) -> None:
        zone = square_zone(self.city_a, "Centrum", HALLE_LON - 0.01, HALLE_LAT - 0.01, 0.05)
        self.client.force_login(self.outsider)
        response = self.client.get(MAP, {"zone": zone.pk}, **HTMX)
        self.assertContains(response, 'role="alert"')
        self.assertNotIn("map-data", response.content.decode())


class MapDataTests(MapFixture):
    def setUp(self) -> None:
        self.client.force_login(self.coordinator)

    def test_page_carries_compact_marker_rows_and_zone_outlines(self) -> None:
        zone = square_zone(self.city_a, "Centrum", HALLE_LON - 0.01, HALLE_LAT - 0.01, 0.05)
        response = self.client.get(MAP)
        rows = {row[0]: row for row in markers(response)}
        self.assertEqual(
            set(rows), {p.code.hex for p in (self.flagged, self.medium, self.quiet, self.manual)}
        )
        self.assertEqual(rows[self.flagged.code.hex][3], 2)
        self.assertEqual(rows[self.medium.code.hex][3], 1)
        self.assertEqual(rows[self.quiet.code.hex][3], 0)
        self.assertEqual(rows[self.manual.code.hex][3], 2, "a manual flag shows as high")
        self.assertEqual(rows[self.flagged.code.hex][1], round(self.flagged.lat, 6))
        self.assertTrue(all(len(str(row[2]).split(".")[-1]) <= 6 for row in rows.values()))
        self.assertContains(response, "Centrum")
        self.assertContains(response, str(zone.code))
        self.assertContains(response, 'id="map-config"')
        self.assertContains(response, "integra/map.js")
        self.assertNotContains(response, "https://")

    def test_page_is_sent_compressed_to_a_browser_that_accepts_it(self) -> None:
        plain = self.client.get(MAP)
        packed = self.client.get(MAP, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertLess(len(packed.content), len(plain.content))
        unpacked = gzip.decompress(packed.content).decode()
        # The same page (the CSRF token and CSP nonce differ per response), same markers.
        self.assertEqual(unpacked.count("<"), plain.content.decode().count("<"))
        self.assertEqual(DATA.findall(unpacked), DATA.findall(plain.content.decode()))

    def test_tiles_come_from_the_setting(self) -> None:
        with self.settings(MAP_TILE_URL="https://tiles.example.be/{z}/{x}/{y}.png"):
            self.assertContains(self.client.get(MAP), "tiles.example.be")
        self.assertContains(self.client.get(MAP), "map-plain")

    def test_htmx_filter_answers_with_the_fragment_only(self) -> None:
        response = self.client.get(MAP, {"flagged": "on"}, **HTMX)
        body = response.content.decode()
        self.assertNotIn("<html", body)
        self.assertNotIn("map-zones", body)
        self.assertEqual(codes(response), {self.flagged.code.hex, self.manual.code.hex})
        self.assertIn("flagged=on", body, "the download links carry the filters")

    def test_filter_by_sector(self) -> None:
        response = self.client.get(MAP, {"sector": self.bar.pk}, **HTMX)
        self.assertEqual(codes(response), {self.medium.code.hex})

    def test_filter_by_band(self) -> None:
        self.assertEqual(
            codes(self.client.get(MAP, {"band": "high"}, **HTMX)),
            {self.flagged.code.hex, self.manual.code.hex},
        )
        self.assertEqual(
            codes(self.client.get(MAP, {"band": "medium"}, **HTMX)), {self.medium.code.hex}
        )
        self.assertEqual(
            codes(self.client.get(MAP, {"band": "low"}, **HTMX)), {self.quiet.code.hex}
        )

    def test_filter_by_minimum_score(self) -> None:
        response = self.client.get(MAP, {"min_score": "1.9"}, **HTMX)
        self.assertEqual(codes(response), {self.flagged.code.hex, self.medium.code.hex})

    def test_filter_by_zone_uses_the_outline_not_only_its_box(self) -> None:
        # A triangle whose box holds premises 1 and 2 but whose outline holds only 1.
        west, south = self.flagged.lon - 0.0001, self.flagged.lat - 0.0001
        zone = square_zone(self.city_a, "Driehoek", west, south, 0.01)
        zone.geometry = {
            "type": "Polygon",
            "coordinates": [
                [[west, south], [west + 0.0004, south], [west, south + 0.01], [west, south]]
            ],
        }
        zone.save()
        self.assertTrue(zone.west <= self.medium.lon <= zone.east)
        response = self.client.get(MAP, {"zone": zone.pk}, **HTMX)
        self.assertEqual(codes(response), {self.flagged.code.hex})

    def test_filter_not_inspected_since_includes_never_inspected(self) -> None:
        since = (timezone.localdate() - timedelta(days=10)).isoformat()
        response = self.client.get(MAP, {"not_inspected_since": since}, **HTMX)
        self.assertEqual(len(codes(response)), 4)
        since = (timezone.localdate() - timedelta(days=60)).isoformat()
        response = self.client.get(MAP, {"not_inspected_since": since}, **HTMX)
        self.assertNotIn(self.quiet.code.hex, codes(response))

    def test_filter_never_inspected(self) -> None:
        response = self.client.get(MAP, {"never_inspected": "on"}, **HTMX)
        self.assertEqual(
            codes(response), {self.flagged.code.hex, self.medium.code.hex, self.manual.code.hex}
        )

    def test_invalid_filter_gives_a_message_and_leaves_the_markers(self) -> None:
        response = self.client.get(MAP, {"min_score": "-1"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertNotIn("map-data", response.content.decode())

    def test_filters_combine(self) -> None:
        response = self.client.get(MAP, {"sector": str(self.car_wash.pk), "band": "medium"}, **HTMX)
        self.assertEqual(codes(response), set())


class PopupTests(MapFixture):
    def test_popup_shows_name_address_sector_score_and_explanation_and_is_audited(self) -> None:
        make_signal(self.flagged, "no-dimona", "id-papers-held", days_ago=3)
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(reverse("gis-premises-popup", args=[self.flagged.code]))
        self.assertContains(response, "Carwash Zuid")
        self.assertContains(response, self.flagged.address)
        self.assertContains(response, "Car wash")
        self.assertContains(response, "High risk")
        self.assertContains(response, "No or late Dimona")
        self.assertContains(response, "Identity papers held by the operator")
        self.assertContains(response, "3 days")
        self.assertContains(response, "Neighbour")
        self.assertNotIn("<html", response.content.decode())
        entry = AuditEntry.objects.get(action=AuditEntry.Action.READ)
        self.assertEqual(entry.object_code, str(self.flagged.code))
        self.assertEqual(entry.municipality, self.city_a)

    def test_popup_queries_do_not_grow_with_signals(self) -> None:
        url = reverse("gis-premises-popup", args=[self.flagged.code])
        client = Client()
        client.force_login(self.coordinator)
        make_signal(self.flagged, "no-dimona", partner=self.police)
        few = count_queries(lambda: client.get(url))
        for _ in range(5):
            make_signal(self.flagged, "straw-man", "cash-only", partner=self.social)
        self.assertEqual(count_queries(lambda: client.get(url)), few)


class RiskListTests(MapFixture):
    def setUp(self) -> None:
        self.client.force_login(self.analyst)
        self.client.cookies["django_language"] = "en"

    def test_sorted_by_score_with_band_as_text(self) -> None:
        response = self.client.get(RISK)
        body = response.content.decode()
        self.assertLess(body.index("Carwash Zuid"), body.index("Café Markt"))
        self.assertLess(body.index("Café Markt"), body.index("Bakkerij"))
        self.assertContains(response, "High risk")
        self.assertContains(response, "Medium risk")
        self.assertContains(response, "Low risk")

    def test_filters_apply_and_htmx_gets_the_table_only(self) -> None:
        response = self.client.get(RISK, {"sector": self.bar.pk}, **HTMX)
        self.assertNotIn("<html", response.content.decode())
        self.assertContains(response, "Café Markt")
        self.assertNotContains(response, "Carwash Zuid")

    def test_paginated(self) -> None:
        bulk_premises(self.city_a, 100, 60)
        first = self.client.get(RISK)
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(RISK, {"page": "2", "flagged": ""})
        self.assertContains(second, "Page 2 of 2")
        self.assertEqual(second.content.decode().count("data-premises="), 64 - 50)


class QueryCountTests(CastTestCase):
    def test_map_page_and_fragment_queries_do_not_grow_with_premises(self) -> None:
        client = Client()
        client.force_login(self.coordinator)
        zone = square_zone(self.city_a, "Centrum", HALLE_LON - 0.01, HALLE_LAT - 0.01, 0.05)
        filters = {"band": "high", "zone": str(zone.pk)}
        requests = {
            "page": lambda: client.get(MAP),
            "fragment": lambda: client.get(MAP, filters, **HTMX),
            "risk list": lambda: client.get(RISK, {"min_score": "1"}),
        }
        premises = bulk_premises(self.city_a, 0, 100)
        for item in premises[:20]:
            make_signal(item, "no-dimona")
        at_100 = {name: count_queries(request) for name, request in requests.items()}
        bulk_premises(self.city_a, 100, 900)
        at_1000 = {name: count_queries(request) for name, request in requests.items()}
        self.assertEqual(at_100, at_1000)
        self.assertEqual(len(markers(client.get(MAP))), 1000)


class NavigationTests(CastTestCase):
    def test_each_role_sees_the_links_it_may_use(self) -> None:
        expectations = {
            self.coordinator: (True, True),
            self.analyst: (True, False),
            self.mayor: (True, False),
            self.clerk: (False, True),
            self.police_inspector: (False, False),
        }
        for user, (sees_map, sees_lookup) in expectations.items():
            self.client.force_login(user)
            body = self.client.get(reverse("home")).content.decode()
            self.assertEqual(reverse("gis-map") in body, sees_map, user)
            self.assertEqual(reverse("gis-risk-list") in body, sees_map, user)
            self.assertEqual(reverse("gis-lookup") in body, sees_lookup, user)


class ExportTests(MapFixture):
    def setUp(self) -> None:
        self.exporting = pytest.importorskip("gis.exporting")
        self.client.force_login(self.coordinator)

    def test_geojson_download_of_the_current_selection_is_audited(self) -> None:
        response = self.client.get(EXPORT, {"flagged": "on", "format": "geojson"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        content = json.loads(b"".join(response) if response.streaming else response.content)
        names = {feature["properties"].get("name") for feature in content["features"]}
        self.assertEqual(names, {"Carwash Zuid", "Loods"})
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual(entry.object_type, "gis.Premises")
        self.assertEqual(entry.municipality, self.city_a)
        self.assertEqual(entry.detail["count"], 2)

    def test_geopackage_download(self) -> None:
        response = self.client.get(EXPORT, {"format": "gpkg"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"SQLite format 3"))
        self.assertEqual(AuditEntry.objects.get().detail["count"], 4)

    def test_outsider_exports_none_of_city_a(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(EXPORT, {"format": "geojson"})
        self.assertNotIn(b"Carwash Zuid", response.content)
        self.assertEqual(AuditEntry.objects.get().municipality, self.city_b)

    def test_unknown_format_is_refused_with_a_message(self) -> None:
        response = self.client.get(EXPORT, {"format": "xls"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AuditEntry.objects.exists())

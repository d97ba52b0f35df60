"""What the coordinator and the analyst expect on their screens: today's and the coming
action days on the home page, a live board that says when it was updated and the day's
totals, a risk list that sorts and downloads as it is shown, and figures for a period."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from gis.models import Premises, Sector
from inspections.models import ActionDay, Evidence, Visit
from inspections.sync import record_visit_outcome
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, final_report
from tests.gis_factories import make_premises
from tests.planning_fixtures import make_action_day
from tests.test_registers import take_in_force

RISK = reverse("gis-risk-list")
PANEL = reverse("inspections-home-panel")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class HomeActionDaysTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        today = timezone.localdate()
        self.today = make_action_day(self.cast, title="Actie vandaag", date=today)
        self.coming = make_action_day(
            self.cast, title="Actie volgende week", date=today + timedelta(days=7)
        )
        self.past = make_action_day(
            self.cast, title="Actie vorige maand", date=today - timedelta(days=30)
        )
        self.released = make_action_day(
            self.cast, title="Actie vrijgegeven", date=today + timedelta(days=2)
        )
        team = self.released.teams.create(name="Team 1", lead=self.police_inspector)
        team.members.add(self.police_inspector)
        ActionDay.objects.filter(pk=self.released.pk).update(status=ActionDay.Status.RELEASED)

    def test_home_loads_the_action_days_panel(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("home")), f'hx-get="{PANEL}"')

    def test_coordinator_sees_today_and_the_coming_days_with_status_and_link(self) -> None:
        self.client.force_login(self.coordinator)
        html = self.client.get(PANEL).content.decode()
        today_at = html.index("<h3>Today</h3>")
        coming_at = html.index("<h3>Coming</h3>")
        self.assertLess(today_at, html.index("Actie vandaag"))
        self.assertLess(html.index("Actie vandaag"), coming_at)
        self.assertLess(coming_at, html.index("Actie vrijgegeven"))
        self.assertLess(html.index("Actie vrijgegeven"), html.index("Actie volgende week"))
        self.assertNotIn("Actie vorige maand", html)
        self.assertIn(f'href="{reverse("action-day-plan", args=[self.today.code])}"', html)
        self.assertIn(f'href="{reverse("action-day-board", args=[self.released.code])}"', html)
        self.assertIn("Released", html)
        self.assertIn("Draft", html)
        self.assertIn(timezone.localdate().strftime("%Y"), text_of(html))

    def test_inspector_sees_only_released_days_of_their_team_with_the_field_app(self) -> None:
        self.client.force_login(self.police_inspector)
        html = self.client.get(PANEL).content.decode()
        self.assertIn("Actie vrijgegeven", html)
        self.assertIn(f'href="{reverse("field-day")}"', html)
        for secret in ("Actie vandaag", "Actie volgende week"):
            self.assertNotIn(secret, html)
        self.assertNotIn(reverse("action-day-plan", args=[self.released.code]), html)

    def test_other_municipalities_and_the_permit_desk_see_no_day(self) -> None:
        for user in (self.outsider, self.clerk):
            self.client.force_login(user)
            html = self.client.get(PANEL).content.decode()
            for title in ("Actie vandaag", "Actie vrijgegeven", "Actie volgende week"):
                self.assertNotIn(title, html, user)


class BoardTotalsTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.built = build_report_day(self.cast)
        self.day = self.built.field.day
        ActionDay.objects.filter(pk=self.day.pk).update(status=ActionDay.Status.IN_PROGRESS)
        self.url = reverse("action-day-board", args=[self.day.code])

    def totals(self, html: str) -> dict[str, str]:
        return {
            key: text_of(value)
            for key, value in re.findall(r'data-total="(\w+)"><dt>.*?</dt><dd>(.*?)</dd>', html)
        }

    def test_board_shows_the_days_totals(self) -> None:
        visits = self.built.field.visits
        for visit, outcome in ((visits[0], "done"), (visits[1], "no_access")):
            Visit.objects.filter(pk=visit.pk).update(
                status=outcome, started_at=timezone.now(), finished_at=timezone.now()
            )
        Visit.objects.filter(pk=visits[2].pk).update(status=Visit.Status.UNDERWAY)
        self.client.force_login(self.coordinator)
        totals = self.totals(self.client.get(self.url).content.decode())
        self.assertEqual(totals["done"], "1 of 4")
        self.assertEqual(totals["underway"], "1")
        self.assertEqual(totals["planned"], "1")
        self.assertEqual(totals["no_access"], "1")
        self.assertEqual(totals["findings"], "2")
        self.assertEqual(totals["photos"], str(Evidence.objects.count()))
        self.assertEqual(totals["photos"], "2")

    def test_each_poll_says_when_the_board_was_updated(self) -> None:
        self.client.force_login(self.police_inspector)
        first = timezone.make_aware(datetime.combine(timezone.localdate(), time(14, 5, 2)))
        seen = []
        for moment in (first, first + timedelta(seconds=10)):
            with mock.patch("inspections.views.board.timezone.localtime", return_value=moment):
                html = self.client.get(self.url, headers={"HX-Request": "true"}).content.decode()
            found = re.search(r'Updated <time datetime="([^"]+)">([^<]+)</time>', html)
            assert found is not None
            seen.append(found.group(2))
        self.assertEqual(seen, ["14:05:02", "14:05:12"])

    def test_a_visit_done_in_the_field_changes_the_totals_on_the_next_poll(self) -> None:
        self.client.force_login(self.coordinator)
        before = self.totals(self.client.get(self.url, headers={"HX-Request": "true"}).text)
        visit = self.built.field.visits[1]
        for action in ("start", "done"):
            record_visit_outcome(
                user=self.police_inspector, visit_code=visit.code, action=action, at=timezone.now()
            )
        after = self.totals(self.client.get(self.url, headers={"HX-Request": "true"}).text)
        self.assertEqual((before["done"], after["done"]), ("0 of 4", "1 of 4"))


class RiskListSortAndExportTests(CastTestCase):
    wash: Premises
    cafe: Premises
    bakery: Premises
    elsewhere: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        car_wash = Sector.objects.get(code="car_wash")
        bar = Sector.objects.get(code="bar")
        today = timezone.localdate()
        cls.wash = make_premises(
            cls.city_a, 1, name="Carwash Zuid", sector=car_wash, risk_score=3.45
        )
        cls.cafe = make_premises(
            cls.city_a,
            2,
            name="Café Markt",
            sector=bar,
            risk_score=2.0,
            last_inspected_on=today - timedelta(days=400),
        )
        cls.bakery = make_premises(
            cls.city_a, 3, name="Bakkerij", risk_score=0.5, last_inspected_on=today
        )
        cls.elsewhere = make_premises(cls.city_b, 1, name="Malmedy garage", risk_score=9)

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)

    def names(self, response: Any) -> list[str]:
        html = response.content.decode()
        return [
            name
            for name in re.findall(r'<tr data-premises="[^"]+">\s*<td><a [^>]+>([^<]+)</a>', html)
        ]

    def test_the_list_sorts_by_score_name_sector_and_last_inspection(self) -> None:
        expected = {
            "": ["Carwash Zuid", "Café Markt", "Bakkerij"],
            "risk": ["Carwash Zuid", "Café Markt", "Bakkerij"],
            "-risk": ["Bakkerij", "Café Markt", "Carwash Zuid"],
            "name": ["Bakkerij", "Café Markt", "Carwash Zuid"],
            "-name": ["Carwash Zuid", "Café Markt", "Bakkerij"],
            # No sector first, then "Bar", then "Car wash".
            "sector": ["Bakkerij", "Café Markt", "Carwash Zuid"],
            # Never inspected first, then the longest ago.
            "last_inspected": ["Carwash Zuid", "Café Markt", "Bakkerij"],
            "-last_inspected": ["Bakkerij", "Café Markt", "Carwash Zuid"],
        }
        for sort, names in expected.items():
            response = self.client.get(RISK, {"sort": sort} if sort else {})
            self.assertEqual(self.names(response), names, sort)
        self.assertNotIn("Malmedy garage", self.client.get(RISK).content.decode())

    def test_a_heading_sorts_and_a_second_click_turns_the_order_round(self) -> None:
        html = self.client.get(RISK, {"sector": Sector.objects.get(code="bar").pk}).text
        link = re.search(r'<th scope="col"><a class="sort-link" href="([^"]+)"[^>]*>Premises', html)
        assert link is not None
        self.assertIn("sort=name", link.group(1))
        self.assertIn("sector=", link.group(1))
        html = self.client.get(RISK, {"sort": "name"}).text
        self.assertRegex(html, r'<th scope="col" aria-sort="ascending"><a [^>]*sort=-name')
        self.assertIn('id="risk-sort" value="name"', html)
        htmx = self.client.get(RISK, {"sort": "-name"}, headers={"HX-Request": "true"}).text
        self.assertIn('id="risk-sort" value="-name" hx-swap-oob="true"', htmx)
        self.assertNotIn("<html", htmx)

    def test_an_unknown_order_is_refused_with_a_message(self) -> None:
        response = self.client.get(RISK, {"sort": "secret_column"})
        self.assertContains(response, "The filters were not applied")
        self.assertEqual(self.names(response), [])

    def test_the_csv_holds_what_the_user_sees_in_english(self) -> None:
        response = self.client.get(RISK, {"sort": "name", "format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(
            rows[0],
            [
                "Premises",
                "Address",
                "Sector",
                "Risk score",
                "Risk band",
                "Flagged by the team",
                "Last inspected",
            ],
        )
        self.assertEqual([row[0] for row in rows[1:]], ["Bakkerij", "Café Markt", "Carwash Zuid"])
        self.assertEqual(rows[3][2:5], ["Car wash", "3.45", "High risk"])
        self.assertEqual(rows[3][6], "never")
        self.assertNotIn("Malmedy", text)
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
        self.assertEqual((entry.detail["format"], entry.detail["count"]), ("csv", 3))

    def test_the_csv_follows_the_filters_and_the_users_language(self) -> None:
        self.client.cookies["django_language"] = "nl"
        response = self.client.get(RISK, {"min_score": "1", "format": "csv"})
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[0][0], "Pand")
        self.assertEqual([row[0] for row in rows[1:]], ["Carwash Zuid", "Café Markt"])
        # A decimal comma, and a semicolon between the columns, as Dutch spreadsheets read.
        self.assertEqual(rows[1][3], "3,45")
        self.assertEqual(
            rows[2][6], (timezone.localdate() - timedelta(days=400)).strftime("%d-%m-%Y")
        )

    def test_the_csv_is_for_those_who_see_the_risk_list_only(self) -> None:
        for user in (self.clerk, self.police_inspector):
            self.client.force_login(user)
            self.assertEqual(self.client.get(RISK, {"format": "csv"}).status_code, 403)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())

    def test_a_page_links_to_the_csv_of_its_filters_and_order(self) -> None:
        html = self.client.get(RISK, {"min_score": "1", "sort": "name"}).text
        self.assertIn(f'href="{RISK}?min_score=1&amp;sort=name&amp;format=csv"', html)


class FiguresPeriodTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.closure = take_in_force(self, "be-ngw-134quinquies")
        self.client.force_login(self.analyst)
        self.held = self.built.field.day.date

    def figure(self, html: str, label: str) -> str:
        found = re.search(rf'{label}</th><td class="number">(\d+)<', html)
        assert found is not None, label
        return found.group(1)

    def test_a_period_counts_the_days_held_and_decisions_taken_in_it(self) -> None:
        decided = self.closure.decision_date
        assert decided is not None
        around = {"start": min(self.held, decided).isoformat(), "end": self.held.isoformat()}
        html = self.client.get(reverse("decision-figures"), around).text
        self.assertEqual(self.figure(html, "Action days held"), "1")
        self.assertEqual(self.figure(html, "Visits"), "4")
        self.assertIn("Closure", html)
        later = {"start": (self.held + timedelta(days=1)).isoformat()}
        html = self.client.get(reverse("decision-figures"), later).text
        self.assertEqual(self.figure(html, "Action days held"), "0")
        self.assertEqual(self.figure(html, "Visits"), "0")
        self.assertNotIn("Closure", html)
        self.assertIn(f"From {(self.held + timedelta(days=1)).strftime('%Y')}", text_of(html))

    def test_a_period_that_ends_before_it_starts_is_refused_with_the_reason(self) -> None:
        period = {
            "start": self.held.isoformat(),
            "end": (self.held - timedelta(days=1)).isoformat(),
        }
        response = self.client.get(reverse("decision-figures"), period)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The period ends before it starts")
        self.assertContains(response, "The period was not applied")
        self.assertEqual(self.figure(response.text, "Action days held"), "1")

    def test_a_date_that_is_not_a_date_is_refused_with_the_reason(self) -> None:
        response = self.client.get(reverse("decision-figures"), {"start": "31-02-2026"})
        self.assertContains(response, "From: Enter a valid date.")
        self.assertContains(response, "The period was not applied")

    def test_the_anonymised_export_counts_the_same_period(self) -> None:
        later = {"start": (self.held + timedelta(days=1)).isoformat()}
        html = self.client.get(reverse("decision-figures"), later).text
        self.assertIn(f"{reverse('decision-figures-csv')}?start={later['start']}", html)
        response = self.client.get(reverse("decision-figures-csv"), later)
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual([row[3] for row in rows[1:] if row[3] == "visit"], [])
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
        self.assertEqual(entry.detail["start"], later["start"])
        bad = self.client.get(reverse("decision-figures-csv"), {"end": "nope"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("Nothing was exported", bad.content.decode())

    def test_an_old_link_with_a_year_still_reads_as_that_year(self) -> None:
        html = self.client.get(reverse("decision-figures"), {"year": self.held.year - 1}).text
        self.assertEqual(self.figure(html, "Action days held"), "0")
        html = self.client.get(reverse("decision-figures"), {"year": self.held.year}).text
        self.assertEqual(self.figure(html, "Action days held"), "1")

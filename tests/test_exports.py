"""The findings export (CSV and XLSX): one row per answer a reader may read, with the
filters of the export page; a police-internal answer never leaves the police; every
export is audited with its filters; bad filters export nothing."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import ActionDay, FindingAnswer
from partners.models import AuditEntry, Competency, SharingProtocol
from tests.base import CastTestCase
from tests.decision_fixtures import POLICE_NOTE, ReportDay, build_report_day

URL = reverse("findings-export")
# A question of each checklist, in English, as the rows name them.
POLICE_SHARED = "Number of persons present"
POLICE_INTERNAL = "Notes (police internal)"
SOCIAL_CITY = "Number of workers present"


def client_for(user: User | None, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def csv_rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


class FindingsExportTests(CastTestCase):
    built: ReportDay

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.built = build_report_day(cls.cast)

    def export(self, user: User | None, language: str = "en", **params: str) -> Any:
        return client_for(user, language).get(URL, {"format": "csv", **params})

    def questions(self, user: User, **params: str) -> set[str]:
        response = self.export(user, **params)
        self.assertEqual(response.status_code, 200)
        return {row["Question"] for row in csv_rows(response)}

    # Who reads what --------------------------------------------------------------------

    def test_police_internal_note_is_in_the_police_export_and_nobody_elses(self) -> None:
        readers = [self.coordinator, self.social_inspector, self.mayor, self.analyst]
        for user in [self.police_inspector, *readers, self.outsider]:
            for kind in ("csv", "xlsx"):
                response = client_for(user).get(URL, {"format": kind})
                self.assertEqual(response.status_code, 200, user)
                if kind == "csv":
                    text = " ".join(" ".join(row.values()) for row in csv_rows(response))
                else:
                    text = " ".join(
                        " ".join(str(value) for value in row.values())
                        for row in xlsx_rows(response)
                    )
                if user == self.police_inspector:
                    self.assertIn(POLICE_NOTE, text)
                else:
                    self.assertNotIn(POLICE_NOTE, text, f"{user} {kind}")

    def test_police_reads_all_its_own_answers_and_the_city_usable_ones_of_others(self) -> None:
        questions = self.questions(self.police_inspector)
        self.assertTrue({POLICE_SHARED, POLICE_INTERNAL, SOCIAL_CITY} <= questions)

    def test_social_inspector_reads_police_shared_answers_but_not_its_internal_ones(self) -> None:
        questions = self.questions(self.social_inspector)
        self.assertIn(POLICE_SHARED, questions)
        self.assertIn(SOCIAL_CITY, questions)
        self.assertNotIn(POLICE_INTERNAL, questions)

    def test_coordinator_reads_shared_and_city_answers_of_the_day(self) -> None:
        questions = self.questions(self.coordinator)
        self.assertTrue({POLICE_SHARED, SOCIAL_CITY} <= questions)
        self.assertNotIn(POLICE_INTERNAL, questions)

    def test_mayors_office_and_analyst_read_only_answers_usable_by_the_city(self) -> None:
        for user in (self.mayor, self.analyst):
            questions = self.questions(user)
            self.assertIn(SOCIAL_CITY, questions, user)
            self.assertNotIn(POLICE_SHARED, questions, user)
            self.assertNotIn(POLICE_INTERNAL, questions, user)

    def test_analysts_get_no_free_text_of_other_partners(self) -> None:
        FindingAnswer.objects.filter(question="police_notes").update(sharing="city")
        self.assertIn(POLICE_INTERNAL, self.questions(self.mayor))
        self.assertIn(POLICE_INTERNAL, self.questions(self.coordinator))
        analyst = self.questions(self.analyst)
        self.assertNotIn(POLICE_INTERNAL, analyst)
        self.assertIn(SOCIAL_CITY, analyst)

    def test_outsider_of_another_city_exports_an_empty_file(self) -> None:
        self.assertEqual(self.questions(self.outsider), set())

    def test_permit_desk_may_not_export_and_anonymous_is_sent_to_log_in(self) -> None:
        self.assertEqual(self.export(self.clerk).status_code, 403)
        self.assertEqual(client_for(None).get(URL).status_code, 302)

    def test_without_a_protocol_shared_answers_stay_with_their_partner(self) -> None:
        SharingProtocol.objects.get(title="Protocol A").parties.remove(self.police)
        # The police still reads its own; the others no longer read the police's.
        self.assertIn(POLICE_SHARED, self.questions(self.police_inspector))
        for user in (self.social_inspector, self.coordinator):
            self.assertNotIn(POLICE_SHARED, self.questions(user), user)
        # The social inspection's answers still reach the city, under its protocol.
        self.assertIn(SOCIAL_CITY, self.questions(self.mayor))

    def test_a_protocol_not_in_force_on_the_day_lets_nothing_out(self) -> None:
        day = self.built.day.date
        SharingProtocol.objects.filter(title="Protocol A").update(
            valid_from=day - timedelta(days=30), valid_to=day - timedelta(days=1)
        )
        self.assertEqual(self.questions(self.mayor), set())
        self.assertNotIn(POLICE_SHARED, self.questions(self.social_inspector))
        self.assertIn(POLICE_INTERNAL, self.questions(self.police_inspector))

    def test_a_protocol_limited_to_themes_lets_out_only_those(self) -> None:
        protocol = SharingProtocol.objects.get(title="Protocol A")
        protocol.themes.set([Competency.objects.get(code="undeclared-work")])
        # The police's identity checks are not a theme of the protocol.
        self.assertNotIn(POLICE_SHARED, self.questions(self.social_inspector))
        self.assertIn(SOCIAL_CITY, self.questions(self.police_inspector))

    def test_a_partner_no_longer_taking_part_reads_nothing_of_the_day(self) -> None:
        self.assertIn(POLICE_SHARED, self.questions(self.social_inspector))
        self.built.day.partners.remove(self.social)
        self.built.field.team_1.members.remove(self.social_inspector)
        self.assertEqual(self.questions(self.social_inspector), set())

    def test_a_day_not_yet_visible_exports_nothing(self) -> None:
        ActionDay.objects.filter(pk=self.built.day.pk).update(status=ActionDay.Status.IN_PROGRESS)
        # The mayor's office sees a day once it is closed.
        self.assertEqual(self.questions(self.mayor), set())

    # The files --------------------------------------------------------------------------

    def test_csv_has_semicolons_a_bom_english_headers_and_one_row_per_answer(self) -> None:
        response = self.export(self.coordinator)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(".csv", response["Content-Disposition"])
        rows = csv_rows(response)
        self.assertEqual(
            list(rows[0]),
            [
                "Action day",
                "Date",
                "Premises",
                "Address",
                "Sector",
                "Team",
                "Visit outcome",
                "Partner",
                "Checklist",
                "Question",
                "Answer",
                "Sharing",
                "Legal reference",
                "Recorded at",
            ],
        )
        readable = FindingAnswer.objects.exclude(sharing="internal").count()
        self.assertEqual(len(rows), readable)
        dimona = next(r for r in rows if r["Question"] == "Workers without a Dimona declaration?")
        self.assertEqual(dimona["Answer"], "Yes")
        self.assertEqual(dimona["Premises"], "Carwash 1")
        self.assertEqual(dimona["Partner"], "Social Inspection service")
        self.assertEqual(dimona["Sharing"], "Usable by the city for an administrative decision")
        self.assertEqual(dimona["Legal reference"], "Sociaal Strafwetboek art. 181")
        self.assertEqual(dimona["Date"], self.built.day.date.isoformat())
        photos = next(r for r in rows if r["Question"] == "Photos of documents")
        self.assertEqual(photos["Answer"], "2 photo(s)")
        for row in rows:
            for value in row.values():
                self.assertNotIn(str(self.built.visit.code), value)

    def test_xlsx_keeps_dates_as_dates_and_counts_as_numbers(self) -> None:
        response = client_for(self.mayor).get(URL, {"format": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(".xlsx", response["Content-Disposition"])
        rows = xlsx_rows(response)
        workers = next(r for r in rows if r["Question"] == SOCIAL_CITY)
        self.assertEqual(workers["Answer"], 5)
        self.assertIsInstance(workers["Date"], datetime)
        self.assertEqual(workers["Date"].date(), self.built.day.date)
        self.assertIsInstance(workers["Recorded at"], datetime)
        self.assertEqual(workers["Checklist"], "Employment, Dimona and contracts")

    def test_question_labels_and_answers_follow_the_readers_language(self) -> None:
        rows = csv_rows(self.export(self.mayor, language="fr"))
        dimona = next(r for r in rows if "Dimona" in r.get("Question", ""))
        questions = {row[list(row)[9]] for row in rows}
        self.assertIn("Nombre de travailleurs présents", questions)
        self.assertIn("Oui", {row[list(row)[10]] for row in rows})
        self.assertTrue(dimona)

    def test_an_answer_that_looks_like_a_formula_stays_text(self) -> None:
        answer = FindingAnswer.objects.get(question="police_notes")
        answer.value = '=HYPERLINK("http://evil.test","x")'
        answer.save()
        rows = csv_rows(self.export(self.police_inspector))
        note = next(r for r in rows if r["Question"] == POLICE_INTERNAL)
        self.assertTrue(note["Answer"].startswith("'="))
        response: Any = client_for(self.police_inspector).get(URL, {"format": "xlsx"})
        body = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        cells = [c for row in sheet.iter_rows() for c in row if c.value == answer.value]
        self.assertEqual([cell.data_type for cell in cells], ["s"])

    # Filters ----------------------------------------------------------------------------

    def test_filters_by_partner_sector_day_and_period(self) -> None:
        day = self.built.day
        social = {"partner": str(self.social.code)}
        partners = {row["Partner"] for row in csv_rows(self.export(self.coordinator, **social))}
        self.assertEqual(partners, {"Social Inspection service"})
        self.assertEqual(csv_rows(self.export(self.coordinator, sector="night_shop")), [])
        self.assertTrue(csv_rows(self.export(self.coordinator, sector="car_wash")))
        self.assertTrue(csv_rows(self.export(self.coordinator, action_day=str(day.code))))
        later = (day.date + timedelta(days=1)).isoformat()
        self.assertEqual(csv_rows(self.export(self.coordinator, date_from=later)), [])
        self.assertTrue(
            csv_rows(
                self.export(
                    self.coordinator, date_from=day.date.isoformat(), date_to=day.date.isoformat()
                )
            )
        )

    def test_bad_filters_export_nothing_and_say_why(self) -> None:
        today = date.today()
        cases = [
            {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()},
            {"date_from": "31/31/2026"},
            {"action_day": str(uuid.uuid4())},
            {"partner": "not-a-code"},
            {"format": "pdf"},
            {
                "action_day": str(self.built.day.code),
                "date_from": (self.built.day.date + timedelta(days=1)).isoformat(),
            },
        ]
        messages = [
            "The end of the period must not be before its start.",
            "Enter a valid date.",
            "Select a valid choice.",
            "Select a valid choice.",
            "Select a valid choice.",
            "This action day is outside the period",
        ]
        for params, message in zip(cases, messages, strict=True):
            before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
            response = self.export(self.coordinator, **params)
            self.assertEqual(response.status_code, 400, params)
            self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
            self.assertContains(response, "Nothing was exported", status_code=400)
            self.assertContains(response, message, status_code=400)
            after = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
            self.assertEqual(before, after, params)

    def test_another_citys_day_is_not_a_choice_for_the_outsider(self) -> None:
        response = self.export(self.outsider, action_day=str(self.built.day.code))
        self.assertContains(response, "Select a valid choice", status_code=400)
        self.assertNotContains(response, "Flexactie carwashes", status_code=400)

    def test_the_page_offers_the_filters_and_both_formats(self) -> None:
        response = client_for(self.analyst).get(URL)
        self.assertContains(response, "Export findings")
        self.assertContains(response, 'value="xlsx"')
        self.assertContains(response, 'value="csv"')
        self.assertContains(response, "Flexactie carwashes")
        self.assertContains(response, reverse("findings-export"))
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())

    # Audit ------------------------------------------------------------------------------

    def test_every_export_is_audited_with_its_filters_and_row_count(self) -> None:
        day = self.built.day
        response = client_for(self.mayor).get(
            URL, {"format": "xlsx", "action_day": str(day.code), "sector": "car_wash"}
        )
        self.assertEqual(response.status_code, 200)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual(entry.user, self.mayor)
        self.assertEqual(entry.object_type, "inspections.FindingsExport")
        self.assertEqual(entry.object_code, str(day.code))
        self.assertEqual(entry.municipality, self.city_a)
        self.assertEqual(entry.detail["sector"], "car_wash")
        self.assertEqual(entry.detail["format"], "xlsx")
        self.assertEqual(entry.detail["action_day"], str(day.code))
        self.assertEqual(entry.detail["rows"], len(xlsx_rows(response)))
        self.export(self.police_inspector, partner=str(self.police.code))
        last = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
        self.assertEqual(last.user, self.police_inspector)
        self.assertEqual(last.detail["partner"], self.police.slug)
        self.assertEqual(last.detail["format"], "csv")

"""One format per language for dates, times, numbers and coordinates (config/formats):
Dutch 30-11-2026 / 14:05 / 0,5 / NB and OL, French 30/11/2026 / 14:05 / 0,5 / N and E,
English ISO; used by every template, PDF and message."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django import forms
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, translation
from pypdf import PdfReader

from config.formats import coordinates
from decisions import actions, rendering
from gis.models import Premises
from inspections.forms.planning import PremisesFilterForm
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, final_report, type_version
from tests.planning_fixtures import make_action_day, make_premises
from tests.test_decisions import THB

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
MOMENT = datetime(2026, 11, 5, 14, 5)

EXPECTED = {
    "nl": ("05-11-2026", "14:05", "05-11-2026 14:05", "0,5"),
    "fr": ("05/11/2026", "14:05", "05/11/2026 14:05", "0,5"),
    "en": ("2026-11-05", "14:05", "2026-11-05 14:05", "0.5"),
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_each_language_has_one_date_one_time_and_one_datetime_format(language: str) -> None:
    day, clock, moment, number = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(MOMENT.date()) == day
        assert formats.date_format(MOMENT.date(), "SHORT_DATE_FORMAT") == day
        assert formats.time_format(MOMENT.time()) == clock
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == moment
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == moment
        assert formats.localize(0.5) == number


def test_coordinates_use_one_compass_convention_per_language() -> None:
    assert coordinates(50.73456, 4.23456, "nl") == "50,73456° NB, 4,23456° OL"
    assert coordinates(50.73456, 4.23456, "fr") == "50,73456° N, 4,23456° E"
    assert coordinates(50.73456, 4.23456, "en") == "50.73456° N, 4.23456° E"
    assert coordinates(-33.9, -70.6, "fr") == "33,90000° S, 70,60000° O"


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_date_and_time_inputs_carry_iso_values_whatever_the_language(language: str) -> None:
    """An HTML date input shows nothing unless its value is ISO."""
    with translation.override(language):
        day = forms.DateInput(attrs={"type": "date"}).render("on", date(2026, 11, 5))
        clock = forms.TimeInput(attrs={"type": "time"}).render("at", time(14, 5))
        field = forms.DateField()
        assert field.clean("2026-11-05") == date(2026, 11, 5)
    assert 'value="2026-11-05"' in day
    assert 'value="14:05"' in clock


def test_people_may_type_dates_as_their_language_writes_them() -> None:
    with translation.override("nl"):
        assert forms.DateField().clean("05-11-2026") == date(2026, 11, 5)
    with translation.override("fr"):
        assert forms.DateField().clean("05/11/2026") == date(2026, 11, 5)


# Formats a person reads: every |date and |time in a template names the language's
# format (or the weekday), so no page or PDF can print a fifth date format.
ALLOWED_DATE_ARGUMENTS = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "l",
}
# Machine values inside attributes: <input type="date" value=...>, <time datetime=...>.
ATTRIBUTE_ARGUMENTS = {"Y-m-d", "c"}
# The live board's clock of its last update shows seconds, so each poll visibly renews it.
LIVE_CLOCKS = {("inspections/board.html", "H:i:s")}


def test_templates_print_dates_and_times_only_in_the_language_formats() -> None:
    wrong = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"\|(date|time):[\"']([^\"']*)[\"']", text):
            argument = match.group(2)
            if argument in ALLOWED_DATE_ARGUMENTS:
                continue
            before = text[max(0, match.start() - 200) : match.start()]
            in_attribute = re.search(r"""(value|datetime)="[^"]*$""", before)
            if argument in ATTRIBUTE_ARGUMENTS and in_attribute:
                continue
            if (str(path.relative_to(TEMPLATES)), argument) in LIVE_CLOCKS:
                continue
            wrong.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not wrong, wrong


def test_python_code_formats_dates_through_the_language_formats() -> None:
    day_first = re.compile(r"%d[/.-]%m[/.-]%[Yy]|:%d/%m/%Y\}")
    wrong = [
        f"{path.relative_to(ROOT)}"
        for app in ("partners", "gis", "inspections", "decisions")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and day_first.search(path.read_text())
    ]
    assert not wrong, wrong


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@override_settings(LANGUAGE_CODE="en")
class OfficialDocumentFormatTests(CastTestCase):
    def report_text(self) -> tuple[str, str]:
        built = build_report_day(self.cast, photos=1)
        report = final_report(self.cast, built)
        day = date.fromisoformat(report.content["action_day"]["date"])
        return pdf_text(rendering.render_report(report)), day.strftime("%d{}%m{}%Y")

    def test_a_dutch_report_writes_dutch_dates_and_noorderbreedte_oosterlengte(self) -> None:
        text, day = self.report_text()
        assert day.format("-", "-") in text
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", text)
        positions = re.findall(r"\d+,\d{5}° (\w+), \d+,\d{5}° (\w+)", text)
        assert positions and set(positions) == {("NB", "OL")}, positions
        assert not re.search(r"\d° E\b", text)

    def test_a_french_report_writes_french_dates_and_n_e(self) -> None:
        self.city_a.language = "fr"
        self.city_a.save()
        text, day = self.report_text()
        assert day.format("/", "/") in text
        assert not re.search(r"\b\d{1,2}-\d{1,2}-\d{4}\b", text)
        positions = re.findall(r"\d+,\d{5}° (\w+), \d+,\d{5}° (\w+)", text)
        assert positions and set(positions) == {("N", "E")}, positions
        assert "OL" not in text

    def test_the_decision_considerations_date_the_inspection_in_the_city_format(self) -> None:
        built = build_report_day(self.cast, photos=0)
        report = final_report(self.cast, built)
        decision = actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        inspected = date.fromisoformat(report.content["action_day"]["date"])
        assert inspected.strftime("%d-%m-%Y") in decision.motivation.splitlines()[0]


class PlannerFilterNumberTests(CastTestCase):
    """The planner's minimum risk accepts and shows the decimal comma in Dutch and
    French ("0,5"), and a point too."""

    def setUp(self) -> None:
        self.day = make_action_day(self.cast)
        self.low = make_premises(self.city_a, 1, name="Laag risico")
        self.middle = make_premises(self.city_a, 2, name="Middel risico")
        Premises.objects.filter(pk=self.low.pk).update(risk_score=0.4)
        Premises.objects.filter(pk=self.middle.pk).update(risk_score=0.6)
        self.client.force_login(self.coordinator)
        self.url = reverse("action-day-plan", args=[self.day.code])

    def page(self, language: str, **query: str) -> str:
        self.client.cookies["django_language"] = language
        response = self.client.get(self.url, query)
        assert response.status_code == 200
        return response.content.decode()

    def test_a_decimal_comma_filters_and_is_shown_back(self) -> None:
        for language in ("nl", "fr"):
            page = self.page(language, min_risk="0,5")
            assert re.search(r'name="min_risk"[^>]*value="0,5"', page), language
            assert "Middel risico" in page and "Laag risico" not in page

    def test_a_decimal_point_is_read_too(self) -> None:
        page = self.page("nl", min_risk="0.5")
        assert "Middel risico" in page and "Laag risico" not in page

    def test_the_default_minimum_is_shown_in_the_language(self) -> None:
        assert re.search(r'name="min_risk"[^>]*value="1,5"', self.page("nl"))
        assert re.search(r'name="min_risk"[^>]*value="1.5"', self.page("en"))

    def test_bad_numbers_are_refused_with_a_message(self) -> None:
        with translation.override("en"):
            form = PremisesFilterForm({"min_risk": "half"}, user=self.coordinator)
            assert not form.is_valid()
            assert form.errors["min_risk"] == ["Enter a number."]


class PagesFormatTests(CastTestCase):
    def test_the_action_day_list_writes_the_date_in_the_reader_format(self) -> None:
        day = make_action_day(self.cast)
        self.client.force_login(self.coordinator)
        expected = {
            "nl": day.date.strftime("%d-%m-%Y"),
            "fr": day.date.strftime("%d/%m/%Y"),
            "en": day.date.isoformat(),
        }
        for language, written in expected.items():
            self.client.cookies["django_language"] = language
            page = self.client.get(reverse("action-day-list")).content.decode()
            assert written in page, language

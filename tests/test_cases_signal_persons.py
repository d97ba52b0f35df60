"""A person signal names someone the register may already hold: the same name and birth
date in the same city's register is that person, so triage links the signal to them
(and says so) instead of adding them a second time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.actions.files import open_case
from cases.actions.signals import file_signal, link_signal_to_case, open_case_from_signal
from cases.actions.subjects import DuplicateSubject, add_subject
from cases.models import CaseSubject, DeskSignal, Phenomenon, Subject
from tests.base import CastTestCase
from tests.cast import build_cast
from tests.test_browser_planning import log_in

BORN = date(1971, 3, 14)


def person_signal(cast: Any, name: str, birth_date: date | None) -> Any:
    return file_signal(
        municipality=cast.city_a,
        user=cast.police_inspector,
        about=DeskSignal.About.PERSON,
        subject_name=name,
        birth_date=birth_date,
        observed_on=date(2026, 1, 10),
        what_was_seen="Drives the masseuses home at 4 a.m.",
    )


def persons(city: Any) -> Any:
    return Subject.objects.persons().filter(municipality=city)


class PersonSignalTests(CastTestCase):
    def setUp(self) -> None:
        self.manager = add_subject(
            municipality=self.city_a,
            user=self.coordinator,
            kind="person",
            name="Lin Wei",
            birth_date=BORN,
            nationality="CN",
        )

    def open_from(self, signal: DeskSignal) -> Any:
        return open_case_from_signal(
            signal=signal,
            user=self.coordinator,
            title="Massage parlours",
            phenomenon=Phenomenon.HUMAN_TRAFFICKING,
        )

    def test_a_case_opened_from_a_signal_on_a_known_person_takes_that_person(self) -> None:
        signal = person_signal(self.cast, "  lin   WEI ", BORN)
        case = self.open_from(signal)
        assert persons(self.city_a).count() == 1
        signal.refresh_from_db()
        assert signal.subject == self.manager
        assert CaseSubject.objects.filter(case=case, subject=self.manager).exists()

    def test_two_signals_on_the_same_unknown_person_make_one_subject(self) -> None:
        case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Night shop",
            phenomenon=Phenomenon.DRUGS,
        )
        for _ in range(2):
            signal = person_signal(self.cast, "Jan Peeters", date(1980, 5, 1))
            link_signal_to_case(signal=signal, case=case, user=self.coordinator)
        assert persons(self.city_a).filter(name="Jan Peeters").count() == 1

    def test_another_birth_date_is_another_person(self) -> None:
        signal = person_signal(self.cast, "Lin Wei", BORN + timedelta(days=1))
        self.open_from(signal)
        assert persons(self.city_a).filter(name__iexact="lin wei").count() == 2

    def test_a_name_without_birth_date_is_not_taken_for_someone_of_that_name(self) -> None:
        signal = person_signal(self.cast, "Lin Wei", None)
        self.open_from(signal)
        signal.refresh_from_db()
        assert signal.subject != self.manager
        assert signal.subject is not None and signal.subject.birth_date is None

    def test_the_same_person_in_another_citys_register_is_not_matched(self) -> None:
        add_subject(
            municipality=self.city_b,
            user=self.outsider,
            kind="person",
            name="Lin Wei",
            birth_date=BORN,
        )
        signal = person_signal(self.cast, "Lin Wei", BORN)
        self.open_from(signal)
        signal.refresh_from_db()
        assert signal.subject == self.manager

    def test_the_register_refuses_the_same_person_twice_naming_the_one_it_holds(self) -> None:
        with self.assertRaises(DuplicateSubject) as refused:
            add_subject(
                municipality=self.city_a,
                user=self.coordinator,
                kind="person",
                name="LIN WEI",
                birth_date=BORN,
            )
        assert refused.exception.existing == self.manager
        assert "Lin Wei" in refused.exception.messages[0]
        assert persons(self.city_a).count() == 1

    def test_a_birth_date_in_the_future_is_refused_and_nothing_is_filed(self) -> None:
        with self.assertRaises(ValidationError):
            person_signal(self.cast, "Lin Wei", timezone.localdate() + timedelta(days=1))
        assert not DeskSignal.objects.exists()

    def test_a_company_signal_keeps_no_birth_date(self) -> None:
        self.client.force_login(self.clerk)
        self.client.post(
            reverse("cases:signal-file"),
            {
                "municipality": self.city_a.pk,
                "about": "company",
                "subject_name": "Lotus Wellness BV",
                "birth_date": "1971-03-14",
                "observed_on": "2026-01-10",
                "what_was_seen": "Two parlours, one manager.",
            },
        )
        assert DeskSignal.objects.get().birth_date is None


class PersonSignalPageTests(CastTestCase):
    def setUp(self) -> None:
        self.manager = add_subject(
            municipality=self.city_a,
            user=self.coordinator,
            kind="person",
            name="Lin Wei",
            birth_date=BORN,
        )
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"

    def test_the_reporter_gives_the_birth_date_with_the_name(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.post(
            reverse("cases:signal-file"),
            {
                "municipality": self.city_a.pk,
                "about": "person",
                "subject_name": "Lin Wei",
                "birth_date": "1971-03-14",
                "observed_on": "2026-01-10",
                "what_was_seen": "Drives the masseuses home.",
            },
        )
        assert response.status_code == 302
        assert DeskSignal.objects.get().birth_date == BORN

    def test_a_birth_date_in_the_future_is_refused_on_the_form(self) -> None:
        self.client.force_login(self.police_inspector)
        tomorrow = timezone.localdate() + timedelta(days=1)
        response = self.client.post(
            reverse("cases:signal-file"),
            {
                "municipality": self.city_a.pk,
                "about": "person",
                "subject_name": "Lin Wei",
                "birth_date": tomorrow.isoformat(),
                "observed_on": "2026-01-10",
                "what_was_seen": "Drives the masseuses home.",
            },
        )
        self.assertContains(response, "A birth date cannot be in the future.", status_code=400)
        assert not DeskSignal.objects.exists()

    def test_triage_says_the_person_is_already_in_the_register(self) -> None:
        signal = person_signal(self.cast, "Lin Wei", BORN)
        page = self.client.get(reverse("cases:triage-signal", args=[signal.code]))
        self.assertContains(page, "Already in the register: Lin Wei, born on 1971-03-14.")
        response = self.client.post(
            reverse("cases:triage-open-case", args=[signal.code]),
            {"title": "Massage parlours", "phenomenon": Phenomenon.HUMAN_TRAFFICKING},
            follow=True,
        )
        self.assertContains(
            response,
            "A case was opened from the signal. Lin Wei, born on 1971-03-14, was already in "
            "the register: the signal is linked to that person instead of adding them again.",
        )
        assert persons(self.city_a).count() == 1

    def test_triage_of_a_new_person_says_nothing_of_the_register(self) -> None:
        signal = person_signal(self.cast, "Jan Peeters", date(1980, 5, 1))
        page = self.client.get(reverse("cases:triage-signal", args=[signal.code]))
        self.assertNotContains(page, "Already in the register")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_the_coordinator_reads_that_the_signal_joins_the_person_in_the_register(
    live_server: Any, page: Any
) -> None:
    cast = build_cast()
    add_subject(
        municipality=cast.city_a, user=cast.coordinator, kind="person", name="Lin Wei",
        birth_date=BORN,
    )  # fmt: skip
    log_in(page, live_server, "police")
    page.locator("header nav").get_by_role("link", name="Cases", exact=True).click()
    page.locator("main").get_by_role("link", name="Report a signal").click()
    page.get_by_label("A person").check()
    page.get_by_label("Name of the company or person").fill("Lin Wei")
    page.get_by_label("Birth date").fill(BORN.isoformat())
    page.get_by_label("What you saw").fill("Drives the masseuses home at 4 a.m.")
    page.get_by_role("button", name="File the signal").click()
    expect(page.locator("table.my-signals tbody tr")).to_have_count(1)

    page.context.clear_cookies()
    log_in(page, live_server, "coordinator")
    page.locator("header nav").get_by_role("link", name="Cases", exact=True).click()
    page.locator("main").get_by_role("link", name="Signal triage").click()
    page.locator("table.triage-queue tbody tr", has_text="Lin Wei").get_by_role("link").last.click()
    expect(page.locator(".known-person")).to_contain_text("Already in the register: Lin Wei")
    page.get_by_label("Title of the case").fill("Massage parlours")
    page.get_by_label("Phenomenon").select_option(label="Human trafficking")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator(".messages")).to_contain_text(
        "was already in the register: the signal is linked to that person"
    )
    assert Subject.objects.persons().count() == 1

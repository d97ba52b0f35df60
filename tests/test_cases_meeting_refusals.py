"""A refused change on a case meeting's pages, sent without htmx (no JavaScript), draws
the page again with the reason in the reader's language and what was typed, answered
400 with nothing saved; with htmx the reason alone comes back, as for every other form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from playwright.sync_api import expect

from cases.actions import meetings as actions
from cases.actions.files import open_case
from cases.models import CaseAction, Instrument, Meeting, Phenomenon
from partners.http import REFUSAL_MARK
from partners.models import AuditEntry, SharingProtocol
from tests.cast import build_cast
from tests.test_browser_planning import log_in
from tests.test_cases_meetings import MeetingTestCase


def in_language(language: str, message: str, **params: Any) -> str:
    with translation.override(language):
        return translation.gettext(message) % params


NOT_A_PARTY = (
    "%(partner)s is not a party to %(protocol)s: it cannot take part in a meeting under "
    "this protocol. Invite it to an art. 458ter consultation instead, or add it to the "
    "protocol first."
)


class MeetingRefusalTests(MeetingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.meeting = self.schedule()
        self.url = reverse("cases:meeting", kwargs={"code": self.meeting.code})
        self.client.force_login(self.coordinator)

    def invite_the_tax_officer(self, **headers: Any) -> Any:
        return self.client.post(
            reverse("cases:meeting-participant-add", kwargs={"code": self.meeting.code}),
            {"person": self.tax_officer.person.pk},
            **headers,
        )

    def test_a_refused_invitation_draws_the_meeting_again_in_english(self) -> None:
        response = self.invite_the_tax_officer()
        message = NOT_A_PARTY % {"partner": self.tax, "protocol": self.protocol}
        self.assertContains(response, message, status_code=400)
        self.assertContains(response, "<h1>Local operational meeting</h1>", status_code=400)
        assert self.meeting.participants.count() == 1

    def test_the_reason_reads_in_the_readers_language(self) -> None:
        for language in ("nl", "fr"):
            self.client.cookies["django_language"] = language
            response = self.invite_the_tax_officer()
            expected = in_language(language, NOT_A_PARTY, partner=self.tax, protocol=self.protocol)
            assert expected != NOT_A_PARTY % {"partner": self.tax, "protocol": self.protocol}
            self.assertContains(response, escape(expected), status_code=400)
        assert self.meeting.participants.count() == 1

    def test_with_htmx_the_reason_comes_alone(self) -> None:
        response = self.invite_the_tax_officer(HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert REFUSAL_MARK in response.text and "<h1>" not in response.text

    def test_a_refused_decision_keeps_what_was_typed(self) -> None:
        actions.add_participant(
            meeting=self.meeting, person=self.social_inspector.person, user=self.coordinator
        )
        item = actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        actions.hold_meeting(meeting=self.meeting, user=self.coordinator)
        self.client.cookies["django_language"] = "nl"
        prefix = f"a{item.pk}"
        response = self.client.post(
            reverse(
                "cases:meeting-decision",
                kwargs={"code": self.meeting.code, "case": self.case.code},
            ),
            {
                f"d{item.pk}-approach": "integrated",
                f"d{item.pk}-decision": "Joint check of the parlours",
                f"{prefix}-TOTAL_FORMS": "3",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-0-instrument": str(self.social_inspection.pk),
                f"{prefix}-0-deadline": "",
                f"{prefix}-0-description": "Employment of the masseuses",
            },
        )
        self.assertContains(response, "Geef de actie een termijn.", status_code=400)
        self.assertContains(response, "Joint check of the parlours", status_code=400)
        self.assertContains(response, "Employment of the masseuses", status_code=400)
        assert not CaseAction.objects.exists()
        item.refresh_from_db()
        assert item.decided_at is None

    def test_the_page_drawn_again_is_audited_as_a_read(self) -> None:
        before = self.meeting_reads()
        self.invite_the_tax_officer()
        assert self.meeting_reads() == before + 1

    def meeting_reads(self) -> int:
        return AuditEntry.objects.filter(
            action=AuditEntry.Action.READ, object_code=str(self.meeting.code)
        ).count()

    def test_a_meeting_refused_at_scheduling_keeps_its_title(self) -> None:
        response = self.client.post(
            reverse("cases:meeting-create"),
            {
                "municipality": self.city_a.pk,
                "title": "Consultation on the Wilby case",
                "held_on": timezone.localdate().isoformat(),
                "frame": Meeting.Frame.ART_458TER,
                "purpose": "",
            },
        )
        assert response.status_code == 400
        self.assertContains(response, "Consultation on the Wilby case", status_code=400)
        assert Meeting.objects.count() == 1

    def test_an_instrument_twice_is_refused_on_the_instruments_page(self) -> None:
        data = {
            "municipality": self.city_a.code,
            "partner": self.social.pk,
            "kind": Instrument.Kind.SOCIAL,
            "title": "Social inspection",
        }
        url = reverse("cases:instrument-create")
        self.client.post(url, data)
        self.client.cookies["django_language"] = "fr"
        response = self.client.post(url, data)
        assert response.status_code == 400
        self.assertContains(response, 'lang="fr"', status_code=400)
        assert "<form" in response.text and "Social inspection" in response.text

    def test_a_refused_completion_draws_the_case_page_again(self) -> None:
        actions.add_participant(
            meeting=self.meeting, person=self.social_inspector.person, user=self.coordinator
        )
        item = actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        actions.hold_meeting(meeting=self.meeting, user=self.coordinator)
        actions.record_decision(
            item=item,
            user=self.coordinator,
            approach="integrated",
            decision="Joint check",
            actions=[
                (
                    self.social_inspection,
                    self.social,
                    timezone.localdate() + timedelta(days=30),
                    "",
                )
            ],
        )
        action = CaseAction.objects.get()
        self.client.force_login(self.social_inspector)
        url = reverse("cases:case-action-complete", kwargs={"code": action.code})
        response = self.client.post(url, {"result": ""})
        assert response.status_code == 400
        self.assertContains(response, self.case.title, status_code=400)
        action.refresh_from_db()
        assert action.status == CaseAction.Status.OPEN


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_without_javascript_a_refused_decision_shows_why_and_keeps_the_text(
    live_server: Any, browser: Any
) -> None:
    cast = build_cast()
    Instrument.objects.create(
        partner=cast.social,
        code="social-inspection",
        kind=Instrument.Kind.SOCIAL,
        title_nl="Sociale inspectie",
        title_fr="Inspection sociale",
        title_en="Social inspection",
    )
    case = open_case(
        municipality=cast.city_a,
        user=cast.coordinator,
        title="Massage parlours",
        phenomenon=Phenomenon.HUMAN_TRAFFICKING,
    )
    meeting = actions.schedule_meeting(
        municipality=cast.city_a,
        user=cast.coordinator,
        title="Local operational meeting",
        held_on=timezone.localdate(),
        frame=Meeting.Frame.PROTOCOL,
        protocol=SharingProtocol.objects.get(title="Protocol A"),
    )
    actions.add_participant(
        meeting=meeting, person=cast.social_inspector.person, user=cast.coordinator
    )
    actions.put_on_agenda(meeting=meeting, case=case, user=cast.coordinator)
    actions.hold_meeting(meeting=meeting, user=cast.coordinator)

    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("cases:meeting", kwargs={"code": meeting.code}))
    decision = page.locator(".decision-form")
    decision.get_by_label("Approach").select_option(label="Integrated approach")
    decision.get_by_label("Decision").fill("Joint check of the parlours")
    row = decision.locator(".action-row").first
    row.get_by_label("Instrument").select_option(index=1)
    decision.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("Give the action a deadline.")
    expect(page.locator(".decision-form").get_by_label("Decision")).to_have_value(
        "Joint check of the parlours"
    )
    assert not CaseAction.objects.exists()
    context.close()

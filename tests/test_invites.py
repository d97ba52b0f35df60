"""Calendar invites: one event per participant, stable UID, Brussels time, downloads."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar

from inspections import invites
from inspections.models import ActionDay
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.day_fixtures import build_day

BRUSSELS = ZoneInfo("Europe/Brussels")


def events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


class InviteTests(CastTestCase):
    def setUp(self) -> None:
        self.day = build_day(self)
        self.action_day = self.day.action_day
        self.url = reverse("action-day-invite", args=[self.action_day.code])

    def invite_of(self, user: object) -> bytes:
        who = invites.participant(self.action_day, user)
        assert who is not None
        return invites.invite(self.action_day, who)

    def test_participants_are_the_coordinator_and_every_team_member_once(self) -> None:
        self.day.teams["Team 2"].members.add(self.police_inspector)
        people = [who.user for who in invites.participants(self.action_day)]
        assert sorted(user.username for user in people) == [
            "coordinator",
            "fire",
            "police",
            "social",
        ]

    def test_one_event_from_briefing_to_end_of_day_in_brussels_time(self) -> None:
        calendar = Calendar.from_ical(self.invite_of(self.police_inspector))
        [event] = calendar.walk("VEVENT")
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start == datetime.combine(self.action_day.date, time(8, 30), tzinfo=BRUSSELS)
        assert end == datetime.combine(self.action_day.date, time(16, 0), tzinfo=BRUSSELS)
        assert str(event["dtstart"].params["TZID"]) == "Europe/Brussels"
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
        assert str(event["location"]) == "Politiekantoor Halle"

    def test_description_names_the_team_and_its_first_slot_but_no_premises(self) -> None:
        [event] = events(self.invite_of(self.social_inspector))
        description = str(event["description"])
        assert "Team 2" in description and "10:40" in description
        assert "Team 1" not in description
        for visit in self.day.visits.values():
            assert visit.premises.name not in description

    def test_uid_is_stable_per_day_and_person_and_sequence_follows_the_plan(self) -> None:
        [first] = events(self.invite_of(self.police_inspector))
        ActionDay.objects.filter(pk=self.action_day.pk).update(version=5)
        self.action_day.refresh_from_db()
        [again] = events(self.invite_of(self.police_inspector))
        [other] = events(self.invite_of(self.social_inspector))
        assert str(first["uid"]) == str(again["uid"]) != str(other["uid"])
        assert int(again["sequence"]) == 5 > int(first["sequence"])

    def test_without_briefing_time_the_event_starts_with_the_day(self) -> None:
        self.action_day.briefing_time = None
        [event] = events(self.invite_of(self.police_inspector))
        assert event.decoded("dtstart").time() == time(9, 0)

    def test_member_downloads_their_own_invite_audited(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar"
        [event] = events(response.content)
        assert "mailto:police@example.test" in str(event["attendee"])
        assert AuditEntry.objects.filter(
            user=self.police_inspector, action=AuditEntry.Action.EXPORT
        ).exists()

    def test_coordinator_downloads_a_zip_of_every_invite(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("action-day-invites", args=[self.action_day.code]))
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert len(archive.namelist()) == 4
        uids = set()
        for name in archive.namelist():
            [event] = events(archive.read(name))
            uids.add(str(event["uid"]))
        assert len(uids) == 4

    def test_members_cannot_get_the_zip(self) -> None:
        self.client.force_login(self.police_inspector)
        url = reverse("action-day-invites", args=[self.action_day.code])
        assert self.client.get(url).status_code == 404

    def test_before_release_only_the_coordinator_gets_an_invite(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.PLANNED)
        self.client.force_login(self.police_inspector)
        assert self.client.get(self.url).status_code == 404
        self.client.force_login(self.coordinator)
        assert self.client.get(self.url).status_code == 200

    def test_outsider_clerk_and_non_participants_get_404(self) -> None:
        for user in (self.outsider, self.clerk, self.mayor, self.analyst):
            self.client.force_login(user)
            assert self.client.get(self.url).status_code == 404, user

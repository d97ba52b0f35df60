"""Briefing packs: one PDF per team holding only that team's part of the plan, one for
the coordinator holding all, generated in the worker, downloaded by the right people."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_q.conf import Conf
from playwright.sync_api import expect
from pypdf import PdfReader

from config.storage import briefings_storage, evidence_storage, read_file, write_file
from inspections import actions, briefing
from inspections.models import ActionDay, VisitTask
from partners.models import AuditEntry, Competency
from tests.base import CastTestCase
from tests.cast import build_cast
from tests.day_fixtures import build_day

OTHER_TEAMS = (
    "Restaurant Balisto",
    "Office Clumsy",
    "Grote Markt",
    "Leide 44",
    "Night shop Trilby",
    "Stationsstraat 9",
    "+32 470 22 22 22",
)


def pack_bytes(action_day: ActionDay, key: str) -> bytes:
    return read_file(briefings_storage(), briefing.pack_name(action_day, key))


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


class BriefingCase(CastTestCase):
    def setUp(self) -> None:
        self.day = build_day(self)
        self.action_day = self.day.action_day
        self.team_1, self.team_2 = self.day.teams["Team 1"], self.day.teams["Team 2"]

    def generate(self) -> dict[str, Any]:
        return briefing.generate_packs(self.action_day.pk)

    def pack_url(self, key: str) -> str:
        return reverse("action-day-briefing-pack", args=[self.action_day.code, key])


class PackContentTests(BriefingCase):
    def test_team_pack_holds_its_visits_in_route_order_with_times_and_contacts(self) -> None:
        pages, text = pdf_text(briefing.render_pack(self.action_day, self.team_1))
        assert 1 <= pages <= 4
        for expected in (
            "Car Wash Donut",
            "Bergensesteenweg 120, 1500 Halle",
            "Massage Wilby",
            "10:00–10:15",
            "11:00–11:15",
            "Politiekantoor Halle",
            "08:30",
            "+32 470 11 11 11",
            "+32 2 356 00 00",
            "Wet op het politieambt art. 26",
            "Zwartwerk, Dimona en arbeidsovereenkomsten",
            "Team 1",
        ):
            assert expected in text, expected
        assert text.index("Car Wash Donut") < text.index("Massage Wilby")

    def test_team_pack_holds_nothing_of_other_teams(self) -> None:
        _, text = pdf_text(briefing.render_pack(self.action_day, self.team_1))
        for secret in (*OTHER_TEAMS, "Team 2", "Team 3", "Fire"):
            assert secret not in text, secret

    def test_coordinator_pack_holds_every_team(self) -> None:
        pages, text = pdf_text(briefing.render_pack(self.action_day))
        for visit in self.day.visits.values():
            assert visit.premises.name in text
        for name in ("Team 1", "Team 2", "Team 3", "Human trafficking indicators"):
            assert name in text
        # The overview, then each team from a new page.
        assert 4 <= pages <= 10

    def test_a_team_of_another_day_is_refused(self) -> None:
        other = ActionDay.objects.create(
            municipality=self.city_a,
            title="Other",
            date=self.action_day.date,
            starts_at=self.action_day.starts_at,
            ends_at=self.action_day.ends_at,
            coordinator=self.coordinator,
        )
        with pytest.raises(briefing.BriefingRefused):
            briefing.render_pack(other, self.team_1)

    def test_map_draws_numbered_stops_route_briefing_point_and_zone(self) -> None:
        section = briefing.team_section(self.action_day, self.team_1, "#0b5cad")
        svg = str(section.map_svg)
        assert svg.startswith("<svg") and svg.count("<circle") == 2
        assert ">1</text>" in svg and ">2</text>" in svg and ">B</text>" in svg
        assert svg.count("<polyline") == 1 and svg.count("<polygon") == 1

    def test_pack_renders_in_the_municipality_language(self) -> None:
        self.city_a.language = "fr"
        self.city_a.save()
        self.action_day.refresh_from_db()
        _, text = pdf_text(briefing.render_pack(self.action_day, self.team_1))
        assert (
            "mardi" in text
            or "lundi" in text
            or "mercredi" in text
            or "jeudi" in text
            or "vendredi" in text
            or "samedi" in text
            or "dimanche" in text
        )
        assert "Travail non déclaré" in text or "Dimona" in text


class FetcherTests(BriefingCase):
    def test_static_files_are_read_from_disk(self) -> None:
        response = briefing.LocalFetcher().fetch("file:///static/integra/print.css")
        assert b"@page" in response.read()

    def test_network_and_other_files_are_refused(self) -> None:
        fetcher = briefing.LocalFetcher()
        for url in (
            "http://tiles.example.be/1/2/3.png",
            "https://example.com/x.css",
            "file:///etc/passwd",
            "file:///static/../../etc/passwd",
            "ftp://example.com/x",
            "file://evil.example/static/integra/print.css",
        ):
            with pytest.raises(ValueError):
                fetcher.fetch(url)

    def test_stored_files_are_read_from_their_storage_and_traversal_refused(self) -> None:
        write_file(evidence_storage(), "ab/logo", b"<svg/>")
        fetcher = briefing.LocalFetcher()
        assert fetcher.fetch("file:///media/evidence/ab/logo").read() == b"<svg/>"
        for url in (
            "file:///media/../../../etc/passwd",
            "file:///media/evidence/../../../etc/passwd",
            "file:///media/evidence//etc/passwd",
            "file:///media/default/ab/logo",
            "file:///media/evidence/ab/none",
        ):
            with pytest.raises(ValueError):
                fetcher.fetch(url)

    def test_an_external_image_in_the_html_is_never_fetched(self) -> None:
        html = '<p>x</p><img src="http://127.0.0.1:9/never.png">'
        with mock.patch("urllib.request.OpenerDirector.open") as network:
            content = briefing.html_to_pdf(html)
        network.assert_not_called()
        assert content.startswith(b"%PDF")


class GenerationTests(BriefingCase):
    def test_worker_stores_every_pack_and_its_status(self) -> None:
        status = self.generate()
        assert status["state"] == "done" and status["done"] == status["total"] == 4
        assert set(status["files"]) == {"coordinator", "team-1", "team-2", "team-3"}
        assert pack_bytes(self.action_day, "team-1").startswith(b"%PDF")
        assert briefing.read_status(self.action_day)["version"] == 1
        _, text = pdf_text(pack_bytes(self.action_day, "team-2"))
        assert "Restaurant Balisto" in text and "Car Wash Donut" not in text

    def test_generating_again_removes_packs_of_deleted_teams(self) -> None:
        self.generate()
        self.day.teams["Team 3"].delete()
        status = self.generate()
        assert "team-3" not in status["files"]
        assert not briefings_storage().exists(briefing.pack_name(self.action_day, "team-3"))

    def test_coordinator_starts_generation_in_the_worker_and_the_page_polls(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-briefing-generate", args=[self.action_day.code])
        with (
            mock.patch("inspections.briefing.async_task") as queue,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        queue.assert_called_once()
        assert queue.call_args.args == ("inspections.briefing.generate_packs", self.action_day.pk)
        assert 'hx-trigger="every 2s"' in response.content.decode()
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.EXPORT, object_code=str(self.action_day.code)
        ).exists()

    def test_generation_runs_through_django_q(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-briefing-generate", args=[self.action_day.code])
        with mock.patch.object(Conf, "SYNC", True), self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)
        assert briefing.read_status(self.action_day)["state"] == "done"
        page = self.client.get(
            reverse("action-day-briefing", args=[self.action_day.code]),
            headers={"HX-Request": "true"},
        )
        body = page.content.decode()
        assert "every 2s" not in body and self.pack_url("team-1") in body

    def test_outdated_packs_are_flagged_after_the_plan_changes(self) -> None:
        self.generate()
        ActionDay.objects.filter(pk=self.action_day.pk).update(version=2)
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("action-day-briefing", args=[self.action_day.code]))
        assert "The plan has changed since these packs were generated" in page.content.decode()

    def test_participant_cannot_start_generation(self) -> None:
        self.client.force_login(self.police_inspector)
        url = reverse("action-day-briefing-generate", args=[self.action_day.code])
        assert self.client.post(url).status_code == 404


class DownloadTests(BriefingCase):
    def setUp(self) -> None:
        super().setUp()
        self.generate()

    def test_coordinator_downloads_every_pack_and_each_download_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        for key in ("coordinator", "team-1", "team-2", "team-3"):
            response = self.client.get(self.pack_url(key), HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, key
            assert response["Content-Type"] == "application/pdf"
            # A PDF is compressed already: it goes out as it is.
            assert not response.has_header("Content-Encoding")
            assert response.getvalue().startswith(b"%PDF")
        exports = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=self.coordinator)
        assert {entry.detail.get("briefing") for entry in exports} >= {"coordinator", "team-1"}

    def test_member_downloads_only_their_own_team_pack(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.get(self.pack_url("team-1"))
        assert response.status_code == 200
        _, text = pdf_text(response.getvalue())
        assert "Car Wash Donut" in text and "Restaurant Balisto" not in text
        for key in ("team-2", "team-3", "coordinator"):
            assert self.client.get(self.pack_url(key)).status_code == 404

    def test_member_of_team_2_cannot_get_team_1_pack(self) -> None:
        self.client.force_login(self.social_inspector)
        assert self.client.get(self.pack_url("team-1")).status_code == 404
        assert self.client.get(self.pack_url("team-2")).status_code == 200

    def test_before_release_members_get_nothing(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.PLANNED)
        self.client.force_login(self.police_inspector)
        assert self.client.get(self.pack_url("team-1")).status_code == 404
        page = reverse("action-day-briefing", args=[self.action_day.code])
        assert self.client.get(page).status_code == 404

    def test_outsider_clerk_mayor_and_analyst_get_404(self) -> None:
        for user in (self.outsider, self.clerk, self.mayor, self.analyst):
            self.client.force_login(user)
            assert self.client.get(self.pack_url("team-1")).status_code == 404, user
            assert self.client.get(self.pack_url("coordinator")).status_code == 404, user
            page = reverse("action-day-briefing", args=[self.action_day.code])
            assert self.client.get(page).status_code == 404, user

    def test_member_page_lists_only_their_pack(self) -> None:
        self.client.force_login(self.police_inspector)
        page = self.client.get(reverse("action-day-briefing", args=[self.action_day.code]))
        body = page.content.decode()
        assert page.status_code == 200
        assert self.pack_url("team-1") in body and self.pack_url("team-2") not in body
        generate = reverse("action-day-briefing-generate", args=[self.action_day.code])
        assert "Team 2" not in body and generate not in body

    def test_a_pack_not_generated_yet_is_404(self) -> None:
        briefings_storage().delete(briefing.pack_name(self.action_day, "team-1"))
        self.client.force_login(self.police_inspector)
        assert self.client.get(self.pack_url("team-1")).status_code == 404


class CommandTests(BriefingCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-command-"))
        self.addCleanup(shutil.rmtree, self.folder, True)

    def test_command_writes_the_same_pack_as_the_worker(self) -> None:
        self.generate()
        output = self.folder / "cli.pdf"
        call_command(
            "briefing_pack",
            str(self.action_day.code),
            "--team",
            "Team 1",
            "-o",
            str(output),
            stdout=io.StringIO(),
        )
        stored = pack_bytes(self.action_day, "team-1")

        def lines(content: bytes) -> list[str]:
            """The pack's text, but for when each was made (the two may be a minute
            apart: the plan version's line ends with the time it was generated)."""
            _, text = pdf_text(content)
            made = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")
            return [made.sub("…", line) for line in text.splitlines() if "Generated" not in line]

        assert lines(output.read_bytes()) == lines(stored)
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.EXPORT, detail__via="briefing_pack command"
        ).exists()

    def test_command_without_team_writes_the_coordinator_pack(self) -> None:
        output = self.folder / "all.pdf"
        call_command(
            "briefing_pack", str(self.action_day.code), "-o", str(output), stdout=io.StringIO()
        )
        _, text = pdf_text(output.read_bytes())
        assert "Night shop Trilby" in text and "Car Wash Donut" in text

    def test_command_refuses_unknown_day_or_team(self) -> None:
        self.output = self.folder / "refused.pdf"
        with pytest.raises(CommandError):
            call_command("briefing_pack", "not-a-code", "-o", str(self.output))
        with pytest.raises(CommandError):
            call_command(
                "briefing_pack",
                str(self.action_day.code),
                "--team",
                "Team 9",
                "-o",
                str(self.output),
            )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_pack_page_looks_right(page: Any, screenshot: Any) -> None:
    """The HTML the PDF is made from, as a page, to look at."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    cast = build_cast()
    day = build_day(cast)
    with translation.override("nl"):
        html = render_to_string(
            "inspections/briefing_pack.html",
            briefing.pack_context(day.action_day, day.teams["Team 1"]),
        )
    css = (Path(settings.BASE_DIR) / "static/integra/print.css").read_text()
    link = '<link rel="stylesheet" href="/static/integra/print.css">'
    assert link in html
    page.set_viewport_size({"width": 794, "height": 1123})
    page.set_content(html.replace(link, f"<style>{css}</style>"))
    page.emulate_media(media="print")
    expect(page.get_by_text("Car Wash Donut")).to_be_visible()
    screenshot("briefing-pack-team")


class PlanVersionTests(BriefingCase):
    """A pack states the plan version it shows; once the day is released, every change
    to the plan makes the packs again, and a pack made for an older plan says so."""

    def setUp(self) -> None:
        super().setUp()
        self.client.cookies["django_language"] = "en"
        self.undeclared = Competency.objects.get(code="undeclared-work")

    def drop_undeclared_work_of_team_1(self) -> None:
        for name in ("Car Wash Donut", "Massage Wilby"):
            self.action_day.refresh_from_db()
            actions.adjust_visit(
                visit=self.day.visits[name],
                user=self.coordinator,
                version=self.action_day.version,
                competency=self.undeclared,
                partner=None,
                entry_partner=None,
            )

    def change_status(self, status: str) -> None:
        self.action_day.refresh_from_db()
        actions.change_status(
            action_day=self.action_day,
            user=self.coordinator,
            version=self.action_day.version,
            status=status,
        )

    def download(self, user: Any, key: str) -> str:
        self.client.force_login(user)
        response = self.client.get(self.pack_url(key))
        assert response.status_code == 200, key
        return pdf_text(response.getvalue())[1]

    def briefing_page(self, user: Any) -> str:
        self.client.force_login(user)
        page = self.client.get(reverse("action-day-briefing", args=[self.action_day.code]))
        return page.content.decode()

    def test_a_pack_made_in_draft_is_made_again_on_release(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.DRAFT)
        # Teams 2 and 3 have nobody for the police checks: the release gate would refuse.
        VisitTask.objects.filter(
            visit__team=self.team_2, competency__code="police-public-order"
        ).delete()
        VisitTask.objects.filter(visit__team=self.day.teams["Team 3"]).delete()
        self.generate()
        assert "Zwartwerk" in self.download(self.coordinator, "team-1")
        self.drop_undeclared_work_of_team_1()
        self.change_status(ActionDay.Status.PLANNED)
        with mock.patch.object(Conf, "SYNC", True), self.captureOnCommitCallbacks(execute=True):
            self.change_status(ActionDay.Status.RELEASED)
        self.action_day.refresh_from_db()
        text = self.download(self.police_inspector, "team-1")
        assert "Car Wash Donut" in text and "Zwartwerk" not in text
        assert "Openbare orde" in text
        assert stated_version(self.action_day.version, "nl") in text
        assert "made for plan version" not in self.briefing_page(self.police_inspector)

    def test_a_change_after_release_marks_the_packs_outdated_and_makes_them_again(
        self,
    ) -> None:
        self.generate()
        assert stated_version(1, "nl") in self.download(self.police_inspector, "team-1")
        with (
            mock.patch("inspections.briefing.async_task") as queue,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.drop_undeclared_work_of_team_1()
        assert queue.call_args.args == ("inspections.briefing.generate_packs", self.action_day.pk)
        # Until the worker has run, the old pack is still served, marked as outdated.
        page = self.briefing_page(self.police_inspector)
        assert "made for plan version 1; the plan is now at version 3" in page
        assert self.pack_url("team-1") in page and 'hx-trigger="every 2s"' in page
        assert "Zwartwerk" in self.download(self.police_inspector, "team-1")

        self.generate()
        page = self.briefing_page(self.police_inspector)
        assert "made for plan version" not in page and "plan version 3" in page
        text = self.download(self.police_inspector, "team-1")
        assert "Zwartwerk" not in text and stated_version(3, "nl") in text

    def test_the_download_name_carries_the_plan_version(self) -> None:
        self.generate()
        self.client.force_login(self.police_inspector)
        response = self.client.get(self.pack_url("team-1"))
        assert "-team-1-v1.pdf" in response["Content-Disposition"]

    def test_changes_before_release_queue_nothing(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.PLANNED)
        with (
            mock.patch("inspections.briefing.async_task") as queue,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.drop_undeclared_work_of_team_1()
            self.change_status(ActionDay.Status.DRAFT)
        queue.assert_not_called()
        assert briefing.read_status(self.action_day)["state"] == "none"


def stated_version(version: int, language: str) -> str:
    """How a pack in ``language`` states the plan version it shows."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext("Plan version %(version)s") % {"version": version}

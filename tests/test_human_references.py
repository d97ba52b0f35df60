"""References a person can read: joint reports cited by a human number per municipality
and year (like the decisions' identification), documents named in their language with
that number, premises named by name, address or parcel key, and no internal id (UUID,
layer id, primary key) on a page or in a document."""

from __future__ import annotations

import importlib
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from decisions import actions, documents, rendering, reports
from decisions.models import Document, JointReport, JointReportCounter
from gis.models import Premises
from inspections import briefing
from inspections.models import Visit
from partners import audit, numbering
from partners.models import AuditEntry, Role
from tests.base import CastTestCase
from tests.cast import Cast, build_cast, make_user
from tests.day_fixtures import build_day
from tests.decision_fixtures import (
    SOCIAL_ANSWERS,
    build_report_day,
    close,
    final_report,
    seed_decision_catalogue,
    submit,
    type_version,
)
from tests.field_fixtures import build_field_day, seed_field_checklists
from tests.gis_factories import make_premises
from tests.test_decisions import THB, ready_closure
from tests.test_decisions_concurrency import run_together

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def year() -> int:
    return timezone.localdate().year


def reports_day(cast: Cast, visits: int) -> list[Visit]:
    """The visits, each with a finding usable by the city, of a closed day."""
    seed_field_checklists()
    seed_decision_catalogue()
    field = build_field_day(cast, visits=visits)
    for visit in field.visits:
        submit(cast.social_inspector, visit, "social-employment", SOCIAL_ANSWERS)
    close(field.day)
    return field.visits


def generated(document: Document) -> Document:
    assert documents.generate(document.pk) == Document.State.DONE
    document.refresh_from_db()
    return document


@override_settings(LANGUAGE_CODE="en")
class ReportNumberTests(CastTestCase):
    def test_reports_are_numbered_per_municipality_and_year_in_order(self) -> None:
        numbers = [
            reports.compile_report(visit=visit, user=self.mayor).number
            for visit in reports_day(self.cast, visits=3)
        ]
        assert numbers == [f"23027-{year()}-{n:04d}" for n in (1, 2, 3)]
        assert JointReportCounter.objects.get(municipality=self.city_a, year=year()).last == 3
        # Another municipality counts on its own; decisions have their own counter.
        assert numbering.next_in_year(JointReportCounter, self.city_b, year()) == (
            f"63049-{year()}-0001"
        )
        assert actions.next_identification(self.city_a, year()) == f"23027-{year()}-0001"

    def test_an_amendment_keeps_the_number_with_the_next_version(self) -> None:
        built = build_report_day(self.cast, photos=0)
        first = final_report(self.cast, built)
        amended = reports.compile_report(visit=built.visit, user=self.mayor, reason="Typo")
        assert (first.number, first.version) == (f"23027-{year()}-0001", 1)
        assert (amended.number, amended.version) == (first.number, 2)
        assert amended.reference == f"23027-{year()}-0001 v2"
        assert JointReportCounter.objects.get(municipality=self.city_a).last == 1

    def test_recompiling_a_draft_keeps_its_number(self) -> None:
        built = build_report_day(self.cast, photos=0)
        draft = reports.compile_report(visit=built.visit, user=self.mayor)
        again = reports.compile_report(visit=built.visit, user=self.mayor)
        assert again.pk == draft.pk and again.number == draft.number

    def test_the_report_pdf_and_page_cite_the_number_never_the_uuid(self) -> None:
        built = build_report_day(self.cast, photos=1)
        report = final_report(self.cast, built)
        text = pdf_text(rendering.render_report(report))
        assert report.number in text
        assert str(report.code) not in text and not UUID.search(text)
        self.client.force_login(self.mayor)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("report-detail", args=[report.code])).content.decode()
        assert f"Joint report {report.number}" in page
        listing = self.client.get(reverse("report-list")).content.decode()
        assert f"{report.number} v1" in listing

    def test_the_decision_its_invitation_and_minutes_cite_the_report_number(self) -> None:
        built = build_report_day(self.cast, photos=0)
        report = final_report(self.cast, built)
        decision = actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        assert report.number in decision.motivation.splitlines()[0]
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        texts = {
            document.kind: pdf_text(documents.content_of(generated(document)))
            for document in decision.generated_documents.all()
        }
        assert set(texts) == {
            Document.Kind.INVITATION,
            Document.Kind.MINUTES,
            Document.Kind.DECISION,
        }
        for kind, text in texts.items():
            assert report.number in text, kind
            assert not UUID.search(text), kind
        assert decision.identification in texts[Document.Kind.DECISION]
        self.client.force_login(self.mayor)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("decision-detail", args=[decision.code])).content
        assert f"joint report {report.number} v1" in page.decode()

    def test_the_audit_log_names_the_report_by_its_number(self) -> None:
        built = build_report_day(self.cast, photos=0)
        report = reports.compile_report(visit=built.visit, user=self.mayor)
        self.client.force_login(self.mayor)
        self.client.get(reverse("report-detail", args=[report.code]))
        read = AuditEntry.objects.filter(
            action=AuditEntry.Action.READ, object_type="decisions.JointReport"
        ).get()
        assert read.object_repr.startswith(f"{report.number} v1 · Carwash 1")
        created = AuditEntry.objects.get(
            action=AuditEntry.Action.CREATE, object_type="decisions.JointReport"
        )
        assert created.detail["number"] == report.number
        dpo = make_user("dpo", self.city, [Role.ADMIN], self.city_a)
        self.client.force_login(dpo)
        log = self.client.get(reverse("audit-log")).content.decode()
        assert f"{report.number} v1" in log and str(report.code) not in log


class NumberingExistingReportsTests(CastTestCase):
    def test_reports_made_before_numbering_are_numbered_in_order_amendments_share(self) -> None:
        visits = reports_day(self.cast, visits=2)
        first = reports.compile_report(visit=visits[0], user=self.mayor)
        JointReport.objects.filter(pk=first.pk).update(status=JointReport.Status.FINAL)
        amended = reports.compile_report(visit=visits[0], user=self.mayor, reason="Typo")
        second = reports.compile_report(visit=visits[1], user=self.mayor)
        JointReport.objects.update(number="")
        JointReportCounter.objects.all().delete()
        migration = importlib.import_module(
            "decisions.migrations.0005_number_existing_joint_reports"
        )
        migration.number_reports(django_apps, None)
        numbers = dict(JointReport.objects.values_list("pk", "number"))
        assert numbers[first.pk] == numbers[amended.pk] == f"23027-{year()}-0001"
        assert numbers[second.pk] == f"23027-{year()}-0002"
        # The next report continues the count.
        assert numbering.next_in_year(JointReportCounter, self.city_a, year()).endswith("-0003")


@override_settings(LANGUAGE_CODE="en")
class DownloadNameTests(CastTestCase):
    def download(self, document: Document) -> str:
        self.client.force_login(self.mayor)
        response = self.client.get(reverse("document-download", args=[document.code]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert str(document.code) not in disposition
        found = re.search(r'filename="([^"]+)"', disposition)
        assert found, disposition
        return found.group(1)

    def report_pdf(self) -> tuple[JointReport, Document]:
        built = build_report_day(self.cast, photos=0)
        report = final_report(self.cast, built)
        document = report.documents.get(kind=Document.Kind.JOINT_REPORT)
        return report, generated(document)

    def test_a_dutch_joint_report_downloads_as_gezamenlijk_pv_with_its_number(self) -> None:
        report, document = self.report_pdf()
        assert self.download(document) == f"gezamenlijk-pv-{report.number}-v1.pdf"
        assert report.number in document.title

    def test_a_french_joint_report_downloads_as_pv_commun(self) -> None:
        self.city_a.language = "fr"
        self.city_a.save()
        report, document = self.report_pdf()
        assert self.download(document) == f"pv-commun-{report.number}-v1.pdf"

    def test_decision_documents_are_named_by_the_number_they_are_cited_by(self) -> None:
        report, _document = self.report_pdf()
        decision = actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        names = {
            document.kind: self.download(generated(document))
            for document in decision.generated_documents.all()
        }
        assert names == {
            Document.Kind.INVITATION: f"uitnodiging-hoorzitting-{report.number}-v1.pdf",
            Document.Kind.MINUTES: f"verslag-hoorzitting-{report.number}-v1.pdf",
            Document.Kind.DECISION: f"besluit-{decision.identification}-v1.pdf",
        }

    def test_french_decision_documents_are_named_in_french(self) -> None:
        self.city_a.language = "fr"
        self.city_a.save()
        report, _document = self.report_pdf()
        decision = actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        document = decision.generated_documents.get(kind=Document.Kind.DECISION)
        assert self.download(generated(document)) == (f"arrete-{decision.identification}-v1.pdf")


class BriefingPackNameTests(CastTestCase):
    def test_a_pack_is_named_by_day_title_date_team_and_plan_version(self) -> None:
        day = build_day(self).action_day
        briefing.generate_packs(day.pk)
        self.client.force_login(self.coordinator)
        names = {}
        for key in ("team-1", briefing.COORDINATOR_KEY):
            response = self.client.get(reverse("action-day-briefing-pack", args=[day.code, key]))
            names[key] = response["Content-Disposition"]
        title = re.sub(r"[^a-z0-9]+", "-", day.title.lower()).strip("-")
        stem = f"briefing-{title}-{day.date.isoformat()}"
        assert f'filename="{stem}-team-1-v1.pdf"' in names["team-1"]
        assert f'filename="{stem}-coordinator-v1.pdf"' in names[briefing.COORDINATOR_KEY]
        assert str(day.code) not in names["team-1"]


@override_settings(LANGUAGE_CODE="en")
class PremisesNameTests(CastTestCase):
    """A layer without names gives premises a GIS id like the BeSt address id; people
    recognise them by address, then parcel key, never by that id."""

    address_only: Premises
    parcel_only: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.address_only = make_premises(
            cls.city_a, 1, name="", address="Basiliekstraat 12, 1500 Halle"
        )
        cls.address_only.external_id = "VA/1221136/2013-10-05T15:58:31.813"
        cls.address_only.save()
        cls.parcel_only = make_premises(
            cls.city_a, 2, name="", address="", parcel_key="23027A0123/00B000"
        )
        cls.parcel_only.external_id = "9635563"
        cls.parcel_only.flagged_manually = True
        cls.parcel_only.save()

    def test_names_fall_back_to_address_then_parcel_key_then_position(self) -> None:
        with translation.override("en"):
            assert str(self.address_only) == "Basiliekstraat 12, 1500 Halle"
            assert self.parcel_only.label() == "Parcel 23027A0123/00B000"
            nowhere = Premises(name="", address="", parcel_key="", lat=50.7345, lon=4.2345)
            assert nowhere.display_name == "50.73450° N, 4.23450° E"
        with translation.override("nl"):
            assert nowhere.display_name == "50,73450° NB, 4,23450° OL"

    def test_the_risk_list_and_premises_page_never_show_the_layer_id(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("gis-risk-list")).content.decode()
        assert "Basiliekstraat 12, 1500 Halle" in page
        assert "Parcel 23027A0123/00B000" in page
        assert "VA/1221136" not in page and "9635563" not in page
        for premises in (self.address_only, self.parcel_only):
            detail = self.client.get(reverse("gis-premises-detail", args=[premises.code]))
            assert premises.external_id not in detail.content.decode()

    def test_the_permit_desk_and_its_audit_row_name_a_parcel_by_its_key(self) -> None:
        self.client.force_login(self.clerk)
        self.client.cookies["django_language"] = "en"
        page = self.client.post(reverse("gis-lookup"), {"q": "23027A0123/00B000"}).content
        assert "23027A0123/00B000" in page.decode() and "9635563" not in page.decode()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.LOOKUP)
        assert entry.object_repr == "Parcel 23027A0123/00B000"
        dpo = make_user("dpo", self.city, [Role.ADMIN], self.city_a)
        self.client.force_login(dpo)
        log = self.client.get(reverse("audit-log")).content.decode()
        assert "Parcel 23027A0123/00B000" in log and "9635563" not in log


class AuditLogObjectTests(CastTestCase):
    def test_an_entry_without_a_name_never_shows_its_uuid(self) -> None:
        code = str(uuid.uuid4())
        audit.record(
            self.coordinator,
            AuditEntry.Action.READ,
            object_type="inspections.ActionDay",
            object_code=code,
            municipality=self.city_a,
        )
        audit.record(
            self.coordinator,
            AuditEntry.Action.LOOKUP,
            object_type="partners.Subject",
            object_code="0123456749",
            municipality=self.city_a,
        )
        self.client.force_login(make_user("dpo", self.city, [Role.ADMIN], self.city_a))
        self.client.cookies["django_language"] = "en"
        log = self.client.get(reverse("audit-log")).content.decode()
        assert code not in log
        assert "0123456749" in log


# A value shown to a person (outside a tag and its attributes) that is an internal id.
INTERNAL_ID = re.compile(
    r"\{\{[^}]*(\.code|\.pk|\.id|_id|uuid|external_id)\b[^}]*\}\}", re.IGNORECASE
)


def shown_text(template: str) -> str:
    """The template without its comments, tags and their attributes: what is printed."""
    template = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", template, flags=re.S)
    template = re.sub(r"<script\b.*?</script>", "", template, flags=re.S)
    return re.sub(r"<[^>]*>", " ", template)


def test_no_template_prints_an_internal_id() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in INTERNAL_ID.finditer(shown_text(path.read_text()))
    ]
    assert not found, found


pytestmark_concurrency = pytest.mark.django_db(transaction=True)


@pytestmark_concurrency
def test_reports_compiled_at_once_each_get_their_own_number() -> None:
    cast = build_cast()
    visits = reports_day(cast, visits=6)

    def compile_for(visit: Any) -> Callable[[], str]:
        return lambda: reports.compile_report(visit=visit, user=cast.mayor).number

    results = run_together([compile_for(visit) for visit in visits])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [f"23027-{year()}-{n:04d}" for n in range(1, 7)]
    assert sorted(JointReport.objects.values_list("number", flat=True)) == sorted(results)
    assert JointReportCounter.objects.get(municipality=cast.city_a, year=year()).last == 6


@pytestmark_concurrency
def test_report_numbers_given_concurrently_are_unique_and_gapless() -> None:
    cast = build_cast()
    results = run_together(
        [lambda: numbering.next_in_year(JointReportCounter, cast.city_a, year())] * 12
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [f"23027-{year()}-{n:04d}" for n in range(1, 13)]

"""The access matrix: every URL of the URL configuration (the API's routes included),
requested by an anonymous visitor, each person of the test cast, the data protection
officer and a coordinator of another municipality, compared with the expected status in
:data:`EXPECTED`. A URL without an entry there fails: each new route has to say who
may use it.

Objects come from one fixture: an action day in draft (operationally secret), one
released, one closed with findings, a joint report and a decision. The police's
internal note at the closed day's visit carries a unique marker; it must never appear
in any answer — page, fragment, API, PDF, calendar or zip — to anyone but the police.

Set ``ACCESS_MATRIX_RECORD=path`` to write the observed matrix instead of comparing (to
review and paste when routes are added).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from cases.actions.files import add_entry, add_member, add_subject_to_case, open_case
from cases.actions.signals import file_signal
from cases.actions.subjects import add_subject, link
from cases.models import DeskSignal, Entry, Phenomenon
from decisions import actions as decision_actions
from gis.models import ImportRun
from inspections.models import ActionDay, Submission, Team, Visit, VisitTask
from partners.models import Competency, Role, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_user
from tests.decision_fixtures import build_report_day, final_report, type_version
from tests.field_fixtures import version_of
from tests.gis_factories import make_premises, square_zone
from tests.planning_fixtures import make_action_day

MARKER = "zz-internal-" + uuid.uuid4().hex
USERS = [
    "anonymous",
    "outsider",
    "clerk",
    "analyst",
    "mayor",
    "social",
    "police",
    "dpo",
    "coordinator",
]
# Routes of Django's admin other than its index: staff only, Django's own.
SKIPPED_PREFIXES = ("admin/",)
# Views that act on POST: requested with POST (an empty form) as well as GET.
POST_ROUTES = {
    "logout",
    "set_language",
    "competency-toggle",
    "protocol-create",
    "protocol-extend",
    "gis-import-upload",
    "gis-import-start",
    "gis-import-retry",
    "gis-signal-create",
    "action-day-briefing-generate",
    "action-day-board-move",
    "action-day-copy",
    "action-day-reinspect",
    "action-day-create",
    "plan-add-visits",
    "plan-remove-visit",
    "plan-partners",
    "plan-case",
    "plan-team",
    "plan-team-delete",
    "plan-assign",
    "plan-routes",
    "plan-status",
    "plan-adjust-visit",
    "sector-rule-toggle",
    "checklist-import",
    "checklist-question-save",
    "checklist-question-change",
    "checklist-publish",
    "checklist-new-draft",
    "checklist-adapt",
    "report-compile",
    "report-sign",
    "report-pdf",
    "decision-start",
    "follow-up-plan",
    "decision-save",
    "decision-hearing",
    "decision-heard",
    "decision-finalise",
    "decision-serve",
    "decision-lift",
    "decision-appeal",
    "decision-regenerate",
    "api-v1:post_finding",
    "api-v1:visit_outcome",
    "cases:meeting-create",
    "cases:meeting-participant-add",
    "cases:meeting-acknowledge",
    "cases:meeting-agenda-add",
    "cases:meeting-decision",
    "cases:meeting-share",
    "cases:meeting-minutes",
    "cases:meeting-hold",
    "cases:case-action-complete",
    "cases:instrument-create",
    "action-day-from-case",
    "cases:subject-new",
    "cases:subject-link-new",
    "cases:subject-office-move",
    "cases:subject-link-end",
    "cases:signal-file",
    "cases:case-new",
    "cases:case-member-add",
    "cases:case-member-remove",
    "cases:case-subject-add",
    "cases:case-premises-add",
    "cases:case-subject-remove",
    "cases:case-entry-add",
    "cases:case-move",
    "cases:triage-verify",
    "cases:triage-premises",
    "cases:triage-case",
    "cases:triage-open-case",
    "cases:triage-merge",
    "cases:triage-dismiss",
}
DAY_VARIANTS = ("draft", "released", "closed")


def routes() -> Iterator[tuple[str, str]]:
    """(route, name) for every named URL pattern, recursively."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), namespace + (pattern.name or "")

    for route, name in walk(get_resolver().url_patterns, "", ""):
        if route.startswith(SKIPPED_PREFIXES) and name != "admin:index":
            continue
        yield route, name


def day_route(route: str) -> bool:
    return route.startswith("inspections/<uuid:code>/") or route.startswith(
        "decisions/action-days/<uuid:code>/"
    )


class Fixture:
    """The objects whose codes fill the routes' parameters."""

    def __init__(self, case: Any) -> None:
        built = build_report_day(case.cast)
        police = built.visit.findings.get(partner=case.police)
        police.answers = dict(police.answers, police_notes=MARKER)
        police.save()
        police.answer_rows.filter(question="police_notes").update(value=MARKER)
        Submission.objects.filter(finding=police).update(answers=police.answers)
        self.report = final_report(case.cast, built)
        self.decision = decision_actions.start_decision(
            report=self.report, type_version=type_version("be-ngw-134ter"), user=case.mayor
        )
        self.document = self.report.current_pdf()
        self.closed = built.day
        self.closed_visit = built.visit
        self.police_submission = Submission.objects.filter(finding=police).get()
        social = built.visit.findings.get(partner=case.social)
        self.social_submission = Submission.objects.filter(finding=social).get()
        self.photo = built.photos[0]
        self.draft = make_action_day(case.cast, title="Secret draft day")
        self.draft_visit = self.visit_on(self.draft, 700, case)
        self.released = make_action_day(case.cast, title="Released day")
        self.released.partners.set([case.police, case.social])
        self.released_visit = self.visit_on(self.released, 701, case)
        ActionDay.objects.filter(pk=self.released.pk).update(status=ActionDay.Status.RELEASED)
        self.zone = square_zone(case.city_a, "Centrum", 4.22, 50.72, 0.02)
        self.import_run = ImportRun.objects.create(
            municipality=case.city_a, user=case.coordinator, filename="layer.geojson"
        )
        self.version = version_of("police-identities")
        self.police_partner = case.police
        self.meeting, self.meeting_case, self.case_action = case_meeting(case)
        # A company and its manager in city A's subject register, linked.
        self.company = add_subject(
            municipality=case.city_a, user=case.coordinator, kind="company", name="Matrix BV"
        )
        manager = add_subject(
            municipality=case.city_a, user=case.coordinator, kind="person", name="Matrix Manager"
        )
        self.subject_link = link(
            source=manager, target=self.company, role="manager", user=case.coordinator
        )
        self.desk_signal = file_signal(
            municipality=case.city_a,
            user=case.clerk,
            about=DeskSignal.About.ADDRESS,
            address="Teststraat 9, 1500 Halle",
            observed_on=date(2026, 1, 5),
            what_was_seen="Signal for the access matrix.",
        )
        self.case_file = case_file(case)

    def visit_on(self, day: ActionDay, number: int, case: Any) -> Visit:
        team = Team.objects.create(action_day=day, name="Team A", lead=case.police_inspector)
        team.members.set([case.police_inspector, case.social_inspector])
        visit = Visit.objects.create(
            action_day=day, premises=make_premises(case.city_a, number), team=team, route_order=1
        )
        VisitTask.objects.create(
            visit=visit,
            competency=Competency.objects.get(code="identity-residence"),
            partner=case.police,
        )
        return visit

    def days(self) -> dict[str, ActionDay]:
        return {"draft": self.draft, "released": self.released, "closed": self.closed}

    def values(self, name: str, variant: str) -> dict[str, str]:
        """The parameters for one route name (and action-day variant)."""
        day = self.days().get(variant)
        by_name: dict[str, dict[str, Any]] = {
            "partner-detail": {"code": self.police_partner.code},
            "protocol-extend": {"code": SharingProtocol.objects.get(title="Protocol A").code},
            "field-visit": {"code": self.released_visit.code},
            "field-checklist": {"code": self.released_visit.code, "version": self.version.code},
            "field-checklist-data": {
                "code": self.released_visit.code,
                "version": self.version.code,
            },
            "field-checklist-form": {"version": self.version.code},
            "report-compile": {"code": self.closed_visit.code},
            "document-download": {"code": self.document.code if self.document else uuid.uuid4()},
            "follow-up-plan": {"code": uuid.uuid4()},
            "action-day-briefing-pack": {"code": day.code if day else "", "key": "coordinator"},
            "api-v1:checklist": {"code": self.version.code},
            "api-v1:get_finding": {"client_id": self.police_submission.client_id},
            "api-v1:put_evidence": {
                "client_id": self.social_submission.client_id,
                "sha256": self.photo,
            },
            "api-v1:visit_outcome": {"code": self.released_visit.code},
        }
        if name in by_name:
            return {key: str(value) for key, value in by_name[name].items()}
        if name.startswith(("gis-import",)):
            return {"code": str(self.import_run.code)}
        if name.startswith("gis-premises") or name == "gis-signal-create":
            return {"code": str(self.closed_visit.premises.code)}
        if name.startswith("checklist-"):
            return {"code": str(self.version.code)}
        if name.startswith("report-") or name == "decision-start":
            return {"code": str(self.report.code)}
        if name.startswith("decision-"):
            return {"code": str(self.decision.code)}
        if name.startswith("cases:meeting"):
            return {"code": str(self.meeting.code), "case": str(self.meeting_case.code)}
        if name == "cases:case-action-complete":
            return {"code": str(self.case_action.code)}
        if name == "action-day-from-case":
            return {"code": str(self.meeting_case.code)}
        if name.startswith("cases:triage-"):
            return {"code": str(self.desk_signal.code)}
        if name in CASE_FILE_ROUTES:
            return {"code": str(self.case_file.code)}
        if name.startswith("cases:subject-"):
            return {"code": str(self.company.code), "link_code": str(self.subject_link.code)}
        assert day is not None, name
        return {"code": str(day.code)}


CASE_FILE_ROUTES = {
    "cases:case",
    "cases:case-member-add",
    "cases:case-member-remove",
    "cases:case-subject-add",
    "cases:case-premises-add",
    "cases:case-subject-remove",
    "cases:case-entry-add",
    "cases:case-move",
}


def case_file(case: Any) -> Any:
    """A case opened by the administrator ("dpo") with the police and the social
    inspector in its team: the city's coordinator, the analyst, the mayor and the clerk
    are outside it. The police's internal entry carries the marker: only the police may
    ever read it."""
    from cases.actions.subjects import add_subject

    opened = open_case(
        municipality=case.city_a,
        user=case.dpo,
        title="Matrix case",
        phenomenon=Phenomenon.HUMAN_TRAFFICKING,
    )
    for user in (case.police_inspector, case.social_inspector):
        add_member(case=opened, person=user.person, user=case.dpo)
    subject = add_subject(
        municipality=case.city_a, user=case.dpo, kind="company", name="Matrix Case BV"
    )
    add_subject_to_case(case=opened, subject=subject, user=case.dpo)
    add_entry(
        case=opened,
        user=case.police_inspector,
        fact=f"Informant: {MARKER}",
        source=f"File {MARKER}",
        kind=Entry.Kind.CLOSED,
        known_on=date(2026, 1, 6),
        sharing=Entry.Sharing.INTERNAL,
        subject=subject,
    )
    add_entry(
        case=opened,
        user=case.social_inspector,
        fact="Two workers without declaration",
        source="Inspection report",
        kind=Entry.Kind.CLOSED,
        known_on=date(2026, 1, 7),
        sharing=Entry.Sharing.CASE_TEAM,
    )
    return opened


def case_meeting(case: Any) -> tuple[Any, Any, Any]:
    """A case of city A with the coordinator and the police in its team, on the agenda of
    a meeting the coordinator chairs under Protocol A with the police taking part, which
    gave the police an action. The administrator ("dpo") coordinates the city but is not
    in the case team."""
    from datetime import date

    from cases.actions import meetings as meeting_actions
    from cases.actions.files import add_member, add_subject_to_case, open_case
    from cases.models import Approach, Instrument, Phenomenon, Subject

    opened = open_case(
        municipality=case.city_a,
        user=case.coordinator,
        title="Meeting matrix case",
        phenomenon=Phenomenon.DRUGS,
    )
    add_member(case=opened, person=case.police_inspector.person, user=case.coordinator)
    premises = make_premises(case.city_a, 703)
    subject = Subject.objects.create(
        municipality=case.city_a, kind=Subject.Kind.PREMISES, name=premises.name, premises=premises
    )
    add_subject_to_case(case=opened, subject=subject, user=case.coordinator)
    meeting = meeting_actions.schedule_meeting(
        municipality=case.city_a,
        user=case.coordinator,
        title="Matrix meeting",
        held_on=date.today(),
        frame="protocol",
        protocol=SharingProtocol.objects.get(title="Protocol A"),
    )
    meeting_actions.add_participant(
        meeting=meeting, person=case.police_inspector.person, user=case.coordinator
    )
    item = meeting_actions.put_on_agenda(meeting=meeting, case=opened, user=case.coordinator)
    instrument = Instrument.objects.create(
        partner=case.police,
        code="judicial-referral",
        kind=Instrument.Kind.JUDICIAL,
        title_nl="Proces-verbaal",
        title_fr="Procès-verbal",
        title_en="Official report",
    )
    (action,) = meeting_actions.record_decision(
        item=item,
        user=case.coordinator,
        approach=Approach.INTEGRATED,
        actions=[(instrument, case.police, date.today(), "")],
    )
    return meeting, opened, action


def fill(route: str, values: dict[str, str]) -> str:
    path = route
    for key, value in values.items():
        for converter in ("uuid", "slug", "str", "int", "path", ""):
            token = f"<{converter}:{key}>" if converter else f"<{key}>"
            path = path.replace(token, value)
    assert "<" not in path, path
    return "/" + path


def body_text(response: Any) -> str:
    """What a response shows: HTML/JSON as text, PDFs' text, zips' members."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf") or content.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


class AccessMatrixTests(CastTestCase):
    dpo: User
    fixture: Fixture
    media: Path

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dpo = make_user("dpo", cls.city, [Role.ADMIN], cls.city_a)
        # Photos stored while building go to a folder of the class, copied into each
        # test's MEDIA_ROOT.
        cls.media = Path(tempfile.mkdtemp(prefix="access-matrix-"))
        with override_settings(MEDIA_ROOT=cls.media):
            cls.fixture = Fixture(cls)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.media, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        # The joint report's PDF, rendered now: its file lives in this test's MEDIA_ROOT.
        from decisions import documents

        shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        document = documents.report_document(report=self.fixture.report, user=self.mayor)
        documents.generate(document.pk)
        self.fixture.document = document

    def user(self, label: str) -> User | None:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "clerk": self.clerk,
            "analyst": self.analyst,
            "mayor": self.mayor,
            "social": self.social_inspector,
            "police": self.police_inspector,
            "dpo": self.dpo,
            "coordinator": self.coordinator,
        }[label]

    def entries(self) -> Iterator[tuple[str, str, str, str]]:
        """(key, method, route, name) per route, method and action-day variant."""
        for route, name in routes():
            variants = DAY_VARIANTS if day_route(route) else ("",)
            methods = ("GET", "POST") if name in POST_ROUTES else ("GET",)
            if name == "api-v1:put_evidence":
                methods = ("GET", "PUT")
            for variant in variants:
                for method in methods:
                    label = f"{name}[{variant}]" if variant else name
                    yield f"{method} {label}", method, route, name

    def observe(self, method: str, route: str, name: str, key: str) -> str:
        variant = key.split("[", 1)[1].rstrip("]") if "[" in key else ""
        path = fill(route, self.fixture.values(name, variant) if "<" in route else {})
        statuses = []
        for label in USERS:
            client = Client()
            client.cookies["django_language"] = "en"
            user = self.user(label)
            if user is not None:
                client.force_login(user)
            if method == "GET":
                response = client.get(path)
            elif method == "PUT":
                response = client.put(path, b"", content_type="image/jpeg")
            elif name.startswith("api-v1:"):
                response = client.post(path, "{}", content_type="application/json")
            else:
                response = client.post(path, {})
            statuses.append(str(response.status_code))
            if label != "police":
                self.assertNotIn(MARKER, body_text(response), f"{key} as {label}")
        return " ".join(statuses)

    def test_every_url_answers_each_user_as_expected(self) -> None:
        record = os.environ.get("ACCESS_MATRIX_RECORD")
        observed: dict[str, str] = {}
        for key, method, route, name in self.entries():
            if not record and key not in EXPECTED:
                self.fail(f"{key} ({route}) has no entry in the access matrix (EXPECTED)")
            sid = transaction_savepoint()
            try:
                observed[key] = self.observe(method, route, name, key)
            finally:
                transaction_rollback(sid)
        if record:
            with open(record, "w") as out:
                out.write("EXPECTED = {\n")
                out.write(f"    # {' '.join(USERS)}\n")
                for key, value in observed.items():
                    out.write(f"    {json.dumps(key)}: {json.dumps(value)},\n")
                out.write("}\n")
            return
        differences = {
            key: f"expected {EXPECTED[key]}, got {value}"
            for key, value in observed.items()
            if EXPECTED[key] != value
        }
        self.assertEqual(
            differences, {}, "\n" + "\n".join(f"{k}: {v}" for k, v in differences.items())
        )
        stale = sorted(set(EXPECTED) - set(observed))
        self.assertEqual(stale, [], "entries for routes that no longer exist")

    def test_an_internal_case_entry_is_read_by_its_partner_only(self) -> None:
        """The marker check holds because the police do read their entry on the case
        page, while the rest of the team sees only that it exists."""
        path = fill("cases/<uuid:code>/", {"code": str(self.fixture.case_file.code)})
        for label, shown in (("police", True), ("social", False), ("dpo", False)):
            client = Client()
            client.cookies["django_language"] = "en"
            client.force_login(self.user(label))  # type: ignore[arg-type]
            body = body_text(client.get(path))
            self.assertEqual(MARKER in body, shown, label)
            if not shown:
                self.assertIn("An internal entry of Police", body, label)

    def test_secret_day_is_not_found_for_anyone_but_its_coordinators(self) -> None:
        for key, value in EXPECTED.items():
            if "[draft]" not in key or not key.startswith("GET"):
                continue
            statuses = dict(zip(USERS, value.split(), strict=True))
            for label in ("outsider", "clerk", "analyst", "mayor", "social", "police"):
                self.assertIn(statuses[label], {"404", "403", "405"}, f"{key} as {label}")


def transaction_savepoint() -> str:
    from django.db import transaction

    return transaction.savepoint()


def transaction_rollback(sid: str) -> None:
    from django.db import transaction

    transaction.savepoint_rollback(sid)


# Status per user, in the order of USERS. 302 for anonymous is the login redirect; 404
# hides whether a secret object exists; 405 is a method the route does not take.
EXPECTED: dict[str, str] = {
    # anonymous outsider clerk analyst mayor social police dpo coordinator
    "GET healthz": "200 200 200 200 200 200 200 200 200",
    "GET readyz": "200 200 200 200 200 200 200 200 200",
    # Off unless METRICS_ENABLED; then only the scraper (tests/test_metrics.py).
    "GET metrics": "404 404 404 404 404 404 404 404 404",
    "GET login": "200 200 200 200 200 200 200 200 200",
    "GET logout": "405 405 405 405 405 405 405 405 405",
    "POST logout": "302 302 302 302 302 302 302 302 302",
    "GET set_language": "302 302 302 302 302 302 302 302 302",
    "POST set_language": "302 302 302 302 302 302 302 302 302",
    "GET admin:index": "302 302 302 302 302 302 302 302 302",
    "GET home": "302 200 200 200 200 200 200 200 200",
    "GET partner-list": "302 200 200 200 200 200 200 200 200",
    "GET people-list": "302 200 200 200 200 200 200 200 200",
    "GET competency-matrix": "302 200 403 403 403 403 403 200 200",
    "GET competency-toggle": "302 405 405 405 405 405 405 405 405",
    "POST competency-toggle": "302 302 403 403 403 403 403 302 302",
    "GET protocol-list": "302 200 200 200 200 200 200 200 200",
    "GET protocol-create": "302 200 403 403 403 403 403 200 200",
    "POST protocol-create": "302 200 403 403 403 403 403 200 200",
    "GET protocol-extend": "302 404 403 403 403 403 403 200 200",
    "POST protocol-extend": "302 404 403 403 403 403 403 200 200",
    "GET partner-detail": "302 404 200 200 200 200 200 200 200",
    "GET audit-log": "302 403 403 403 403 403 403 200 403",
    "GET subject-access": "302 403 403 403 403 403 403 200 403",
    "GET gis-imports": "302 200 403 403 403 403 403 200 200",
    "GET gis-import-upload": "302 405 405 405 405 405 405 405 405",
    "POST gis-import-upload": "302 400 403 403 403 403 403 400 400",
    "GET gis-import-detail": "302 404 403 403 403 403 403 200 200",
    "GET gis-import-start": "302 405 405 405 405 405 405 405 405",
    "POST gis-import-start": "302 404 403 403 403 403 403 302 302",
    "GET gis-import-retry": "302 405 405 405 405 405 405 405 405",
    "POST gis-import-retry": "302 404 403 403 403 403 403 302 302",
    "GET gis-import-progress": "302 404 403 403 403 403 403 200 200",
    "GET gis-map": "302 200 403 200 200 403 403 200 200",
    "GET gis-map-export": "302 400 403 400 400 403 403 400 400",
    "GET gis-risk-list": "302 200 403 200 200 403 403 200 200",
    "GET gis-reference-layers": "302 400 400 400 400 400 400 400 400",
    "GET gis-lookup": "302 200 200 403 403 403 403 200 200",
    "GET gis-premises-detail": "302 404 403 200 200 403 403 200 200",
    "GET gis-premises-popup": "302 404 403 200 200 403 403 200 200",
    "GET gis-signal-create": "302 405 405 405 405 405 405 405 405",
    "POST gis-signal-create": "302 404 403 400 403 403 403 400 400",
    "GET action-day-briefing[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-briefing[released]": "302 404 404 404 404 200 200 200 200",
    "GET action-day-briefing[closed]": "302 404 404 404 404 200 200 200 200",
    "GET action-day-briefing-generate[draft]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-briefing-generate[draft]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-briefing-generate[released]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-briefing-generate[released]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-briefing-generate[closed]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-briefing-generate[closed]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-briefing-pack[draft]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-briefing-pack[released]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-briefing-pack[closed]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-invite[draft]": "302 404 404 404 404 404 404 404 200",
    "GET action-day-invite[released]": "302 404 404 404 404 200 200 404 200",
    "GET action-day-invite[closed]": "302 404 404 404 404 200 200 404 200",
    "GET action-day-invites[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-invites[released]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-invites[closed]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-board[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-board[released]": "302 404 404 404 404 200 200 200 200",
    "GET action-day-board[closed]": "302 404 404 404 404 200 200 200 200",
    "GET action-day-board-move[draft]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-board-move[draft]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-board-move[released]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-board-move[released]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-board-move[closed]": "302 405 405 405 405 405 405 405 405",
    "POST action-day-board-move[closed]": "302 404 404 404 404 404 404 302 302",
    "GET action-day-copy[draft]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-copy[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-copy[released]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-copy[released]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-copy[closed]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-copy[closed]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-reinspect[draft]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-reinspect[draft]": "302 404 404 404 404 404 404 400 400",
    "GET action-day-reinspect[released]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-reinspect[released]": "302 404 404 404 404 404 404 400 400",
    "GET action-day-reinspect[closed]": "302 404 404 404 404 404 404 200 200",
    "POST action-day-reinspect[closed]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-list": "302 200 200 200 200 200 200 200 200",
    "GET action-day-create": "302 200 403 403 403 403 403 200 200",
    "POST action-day-create": "302 200 403 403 403 403 403 200 200",
    "GET action-day-plan[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-plan[released]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-plan[closed]": "302 404 404 404 404 404 404 200 200",
    "GET plan-add-visits[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-add-visits[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-add-visits[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-add-visits[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-add-visits[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-add-visits[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-remove-visit[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-remove-visit[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-remove-visit[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-remove-visit[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-remove-visit[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-remove-visit[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-partners[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-partners[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-partners[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-partners[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-partners[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-partners[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-case[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-case[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-case[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-case[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-case[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-case[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team-delete[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team-delete[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team-delete[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team-delete[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-team-delete[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-team-delete[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-assign[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-assign[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-assign[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-assign[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-assign[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-assign[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-routes[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-routes[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-routes[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-routes[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-routes[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-routes[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-status[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-status[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-status[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-status[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-status[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-status[closed]": "302 404 404 404 404 404 404 302 302",
    "GET plan-adjust-visit[draft]": "302 405 405 405 405 405 405 405 405",
    "POST plan-adjust-visit[draft]": "302 404 404 404 404 404 404 302 302",
    "GET plan-adjust-visit[released]": "302 405 405 405 405 405 405 405 405",
    "POST plan-adjust-visit[released]": "302 404 404 404 404 404 404 302 302",
    "GET plan-adjust-visit[closed]": "302 405 405 405 405 405 405 405 405",
    "POST plan-adjust-visit[closed]": "302 404 404 404 404 404 404 302 302",
    "GET sector-rules": "302 200 403 403 403 403 403 200 200",
    "GET sector-rule-toggle": "302 405 405 405 405 405 405 405 405",
    "POST sector-rule-toggle": "302 400 403 403 403 403 403 400 400",
    "GET checklist-list": "302 200 403 403 403 403 403 200 200",
    "GET checklist-import": "302 405 405 405 405 405 405 405 405",
    "POST checklist-import": "302 302 403 403 403 403 403 302 302",
    "GET checklist-version": "302 200 403 403 403 403 403 200 200",
    "GET checklist-question-save": "302 405 405 405 405 405 405 405 405",
    "POST checklist-question-save": "302 403 403 403 403 403 403 403 403",
    "GET checklist-question-change": "302 405 405 405 405 405 405 405 405",
    "POST checklist-question-change": "302 403 403 403 403 403 403 403 403",
    "GET checklist-publish": "302 405 405 405 405 405 405 405 405",
    "POST checklist-publish": "302 403 403 403 403 403 403 403 403",
    "GET checklist-new-draft": "302 405 405 405 405 405 405 405 405",
    # A shared checklist is nobody's to change in the app: a coordinator adapts it for
    # their city (the outsider for city B) and changes that copy.
    "POST checklist-new-draft": "302 403 403 403 403 403 403 403 403",
    "GET checklist-adapt": "302 405 405 405 405 405 405 405 405",
    "POST checklist-adapt": "302 302 403 403 403 403 403 302 302",
    "GET checklist-export": "302 200 403 403 403 403 403 200 200",
    "GET field-day": "302 200 200 200 200 200 200 200 200",
    "GET field-sw": "200 200 200 200 200 200 200 200 200",
    "GET field-manifest": "200 200 200 200 200 200 200 200 200",
    "GET field-visit": "302 404 404 404 404 200 200 404 404",
    "GET field-checklist": "302 404 404 404 404 404 200 404 404",
    "GET field-checklist-form": "302 404 404 404 404 404 200 404 404",
    "GET field-checklist-data": "302 404 404 404 404 404 200 404 404",
    "GET report-list": "302 200 200 200 200 200 200 200 200",
    "GET report-compile": "302 405 405 405 405 405 405 405 405",
    "POST report-compile": "302 404 404 404 302 404 404 302 302",
    "GET findings-export": "302 200 403 200 200 200 200 200 200",
    "GET action-day-map[draft]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-map[released]": "302 404 404 404 404 404 404 200 200",
    "GET action-day-map[closed]": "302 404 404 404 404 404 404 200 200",
    "GET report-photos": "302 404 404 404 200 200 200 200 200",
    "GET report-detail": "302 404 404 404 200 200 200 200 200",
    "GET report-sign": "302 405 405 405 405 405 405 405 405",
    "POST report-sign": "302 404 404 404 400 400 400 400 400",
    "GET report-pdf": "302 405 405 405 405 405 405 405 405",
    "POST report-pdf": "302 404 404 404 302 302 302 302 302",
    "GET decision-start": "302 403 403 403 200 403 403 200 403",
    "POST decision-start": "302 403 403 403 200 403 403 200 403",
    "GET document-download": "302 404 404 404 200 200 200 200 200",
    "GET closed-days": "302 200 404 200 200 404 404 200 200",
    "GET action-day-report[draft]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-report[released]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-report[closed]": "302 404 404 200 200 404 404 200 200",
    "GET action-day-report-pdf[draft]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-report-pdf[released]": "302 404 404 404 404 404 404 404 404",
    "GET action-day-report-pdf[closed]": "302 404 404 200 200 404 404 200 200",
    "GET decision-register": "302 200 403 403 200 403 403 200 200",
    "GET permit-register": "302 200 403 403 200 403 403 200 200",
    "GET decision-figures": "302 200 403 200 200 403 403 200 200",
    "GET decision-figures-csv": "302 200 403 200 200 403 403 200 200",
    "GET follow-up-plan": "302 405 405 405 405 405 405 405 405",
    "POST follow-up-plan": "302 404 404 404 404 404 404 404 404",
    "GET decisions-home-panel": "302 200 200 200 200 200 200 200 200",
    "GET inspections-home-panel": "302 200 200 200 200 200 200 200 200",
    "GET decision-detail": "302 404 404 404 200 404 404 200 200",
    "GET decision-save": "302 405 405 405 405 405 405 405 405",
    "POST decision-save": "302 403 403 403 400 403 403 400 403",
    "GET decision-hearing": "302 405 405 405 405 405 405 405 405",
    "POST decision-hearing": "302 403 403 403 400 403 403 400 403",
    "GET decision-heard": "302 405 405 405 405 405 405 405 405",
    "POST decision-heard": "302 403 403 403 400 403 403 400 403",
    "GET decision-finalise": "302 405 405 405 405 405 405 405 405",
    "POST decision-finalise": "302 403 403 403 302 403 403 302 403",
    "GET decision-serve": "302 405 405 405 405 405 405 405 405",
    "POST decision-serve": "302 403 403 403 400 403 403 400 403",
    "GET decision-lift": "302 405 405 405 405 405 405 405 405",
    "POST decision-lift": "302 403 403 403 400 403 403 400 403",
    "GET decision-appeal": "302 405 405 405 405 405 405 405 405",
    "POST decision-appeal": "302 403 403 403 400 403 403 400 403",
    "GET decision-regenerate": "302 405 405 405 405 405 405 405 405",
    "POST decision-regenerate": "302 403 403 403 302 403 403 302 403",
    "GET api-v1:openapi-json": "200 200 200 200 200 200 200 200 200",
    "GET api-v1:openapi-view": "200 200 200 200 200 200 200 200 200",
    "GET api-v1:ping": "401 200 200 200 200 200 200 200 200",
    "GET api-v1:my_assignments": "401 200 200 200 200 200 200 200 200",
    "GET api-v1:checklist": "401 200 200 200 200 200 200 200 200",
    "GET api-v1:post_finding": "405 405 405 405 405 405 405 405 405",
    "POST api-v1:post_finding": "401 400 400 400 400 400 400 400 400",
    "GET api-v1:get_finding": "401 404 404 404 404 404 200 404 404",
    "GET api-v1:put_evidence": "405 405 405 405 405 405 405 405 405",
    "PUT api-v1:put_evidence": "401 404 404 404 404 400 404 404 404",
    "GET api-v1:visit_outcome": "405 405 405 405 405 405 405 405 405",
    "POST api-v1:visit_outcome": "401 400 400 400 400 400 400 400 400",
    "GET api-v1:api-root": "404 404 404 404 404 404 404 404 404",
    # A refused change (the empty form sent here) draws the page again: 400, not a redirect.
    # Case meetings: the city's coordinators (the administrator too) and the meeting's
    # participants (the police) see a meeting; only coordinators run it. The meeting's
    # case team is the coordinator and the police: the administrator is outside it.
    "GET cases:meeting-list": "302 200 200 200 200 200 200 200 200",
    "GET cases:meeting-create": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-create": "302 400 403 403 403 403 403 400 400",
    "GET cases:meeting": "302 404 404 404 404 404 200 200 200",
    "GET cases:meeting-participant-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-participant-add": "302 404 404 404 404 404 403 400 400",
    "GET cases:meeting-acknowledge": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-acknowledge": "302 404 404 404 404 404 302 403 302",
    "GET cases:meeting-agenda-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-agenda-add": "302 404 404 404 404 404 403 400 400",
    "GET cases:meeting-decision": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-decision": "302 404 404 404 404 404 403 404 400",
    "GET cases:meeting-share": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-share": "302 404 404 404 404 404 400 400 400",
    "GET cases:meeting-minutes": "302 405 405 405 405 405 405 405 405",
    # The minutes may speak of any case on the agenda: written only by a coordinator in
    # the team of every one of them (the administrator is not).
    "POST cases:meeting-minutes": "302 404 404 404 404 404 403 403 400",
    "GET cases:meeting-hold": "302 405 405 405 405 405 405 405 405",
    "POST cases:meeting-hold": "302 404 404 404 404 404 403 302 400",
    "GET cases:case-action-complete": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-action-complete": "302 404 404 404 404 404 400 404 400",
    "GET cases:instrument-list": "302 200 200 200 200 200 200 200 200",
    "GET cases:instrument-create": "302 405 405 405 405 405 405 405 405",
    "POST cases:instrument-create": "302 400 403 403 403 403 403 400 400",
    # Plan an action day from a case: a coordinator in the case team.
    "GET action-day-from-case": "302 405 405 405 405 405 405 405 405",
    "POST action-day-from-case": "302 404 404 404 404 404 403 404 302",
    # Every person of a municipality files signals and follows their own; the city's
    # coordinators and administrators triage them (the outsider triages city B's: the
    # queue answers, city A's signal is not found).
    "GET cases:signal-file": "302 200 200 200 200 200 200 200 200",
    "POST cases:signal-file": "302 400 400 400 400 400 400 400 400",
    "GET cases:my-signals": "302 200 200 200 200 200 200 200 200",
    "GET cases:signal-premises-search": "302 200 200 200 200 200 200 200 200",
    "GET cases:triage-queue": "302 200 403 403 403 403 403 200 200",
    "GET cases:triage-signal": "302 404 403 403 403 403 403 200 200",
    "GET cases:triage-verify": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-verify": "302 404 403 403 403 403 403 302 302",
    "GET cases:triage-premises": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-premises": "302 404 403 403 403 403 403 302 302",
    "GET cases:triage-case": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-case": "302 404 403 403 403 403 403 302 302",
    "GET cases:triage-open-case": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-open-case": "302 404 403 403 403 403 403 302 302",
    "GET cases:triage-merge": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-merge": "302 404 403 403 403 403 403 302 302",
    "GET cases:triage-dismiss": "302 405 405 405 405 405 405 405 405",
    "POST cases:triage-dismiss": "302 404 403 403 403 403 403 302 302",
    # The case file: its team only (here the administrator, the police and the social
    # inspector); everyone else, the city's coordinator included, gets 404 for every
    # case URL. Team members who are no coordinator may not shape the team or move it.
    # The case work's overview: every person; it shows only what their role may use.
    "GET cases:hub": "302 200 200 200 200 200 200 200 200",
    "GET cases:case-list": "302 200 200 200 200 200 200 200 200",
    "GET cases:case-new": "302 200 403 403 403 403 403 200 200",
    "POST cases:case-new": "302 400 403 403 403 403 403 400 400",
    "GET cases:case": "302 404 404 404 404 200 200 200 404",
    "GET cases:case-member-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-member-add": "302 404 404 404 404 403 403 400 404",
    "GET cases:case-member-remove": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-member-remove": "302 404 404 404 404 403 403 400 404",
    "GET cases:case-subject-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-subject-add": "302 404 404 404 404 400 400 400 404",
    "GET cases:case-premises-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-premises-add": "302 404 404 404 404 400 400 400 404",
    "GET cases:case-subject-remove": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-subject-remove": "302 404 404 404 404 400 400 400 404",
    "GET cases:case-entry-add": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-entry-add": "302 404 404 404 404 400 400 400 404",
    "GET cases:case-move": "302 405 405 405 405 405 405 405 405",
    "POST cases:case-move": "302 404 404 404 404 403 403 400 404",
    # The subject register: coordinators, analysts, administrators of the subject's city.
    "GET cases:subject-register": "302 200 403 200 403 403 403 200 200",
    "GET cases:subject-pick": "302 200 200 200 200 200 200 200 200",
    "GET cases:subject-new": "302 200 403 200 403 403 403 200 200",
    "POST cases:subject-new": "302 400 403 400 403 403 403 400 400",
    "GET cases:subject-detail": "302 404 404 200 404 404 404 200 200",
    "GET cases:subject-link-new": "302 405 405 405 405 405 405 405 405",
    "POST cases:subject-link-new": "302 404 404 400 404 404 404 400 400",
    "GET cases:subject-office-move": "302 405 405 405 405 405 405 405 405",
    "POST cases:subject-office-move": "302 404 404 400 404 404 404 400 400",
    "GET cases:subject-link-end": "302 405 405 405 405 405 405 405 405",
    "POST cases:subject-link-end": "302 404 404 400 404 404 404 400 400",
    "GET cases:network-connect": "302 200 200 200 200 200 200 200 200",
}

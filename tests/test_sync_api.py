"""The field sync API: assignments, idempotent and versioned findings, photos, refusals."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from gis.models import Signal
from inspections.models import (
    ActionDay,
    Evidence,
    Finding,
    FindingAnswer,
    Submission,
    Visit,
)
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, jpeg_bytes, png_bytes, version_of
from tests.storage import stored_names

POLICE_ANSWERS = {
    "persons_present": 5,
    "identities_checked": 5,
    "irregular_stay": "yes",
    "irregular_stay_count": 2,
}
SOCIAL_ANSWERS = {"workers_present": 5, "without_dimona": "yes", "without_dimona_count": 3}


class SyncApiTestCase(CastTestCase):
    def setUp(self) -> None:
        # The API answers in the inspector's language; these tests read it in English.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.field = build_field_day(self.cast)
        self.visit = self.field.visits[0]
        self.police_version = version_of("police-identities")
        self.social_version = version_of("social-employment")

    def payload(self, **changes: Any) -> dict[str, Any]:
        data = {
            "client_id": str(uuid.uuid4()),
            "visit": str(self.visit.code),
            "template_version": str(self.police_version.code),
            "answers": POLICE_ANSWERS,
            "base_version": None,
            "recorded_at": timezone.now().isoformat(),
        }
        return data | changes

    def post(self, data: Any, user: Any = None, client: Client | None = None) -> Any:
        client = client or self.client
        client.force_login(user or self.police_inspector)
        body = data if isinstance(data, str) else json.dumps(data)
        return client.post("/api/v1/findings", body, content_type="application/json")

    def put_photo(self, client_id: str, data: bytes, sha: str | None = None) -> Any:
        sha = sha or hashlib.sha256(data).hexdigest()
        return self.client.put(
            f"/api/v1/findings/{client_id}/evidence/{sha}", data, content_type="image/jpeg"
        )


class AssignmentsTests(SyncApiTestCase):
    def test_assignments_list_team_visits_with_the_partners_checklists(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.get("/api/v1/me/assignments")
        self.assertEqual(response.status_code, 200)
        [day] = response.json()
        self.assertEqual(day["code"], str(self.field.day.code))
        self.assertEqual([v["route_order"] for v in day["visits"]], [1, 2, 3])
        templates = [c["template"] for c in day["visits"][0]["checklists"]]
        self.assertEqual(templates, ["police-identities", "trafficking-indicators"])
        self.assertNotIn(str(self.field.other_visit.code), json.dumps(day))

    def test_social_inspector_gets_social_checklists(self) -> None:
        self.client.force_login(self.social_inspector)
        [day] = self.client.get("/api/v1/me/assignments").json()
        templates = {c["template"] for c in day["visits"][0]["checklists"]}
        self.assertEqual(templates, {"social-employment", "trafficking-indicators"})

    def test_unreleased_day_is_not_assigned(self) -> None:
        ActionDay.objects.filter(pk=self.field.day.pk).update(status=ActionDay.Status.PLANNED)
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get("/api/v1/me/assignments").json(), [])

    def test_anonymous_gets_problem_401(self) -> None:
        response = self.client.get("/api/v1/me/assignments")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_openapi_schema_is_published(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("/api/v1/findings", schema["paths"])
        self.assertIn("/api/v1/findings/{client_id}/evidence/{sha256}", schema["paths"])

    def test_device_token_authenticates(self) -> None:
        from inspections.models import DeviceToken

        _token, raw = DeviceToken.issue(self.police_inspector, "tablet 1")
        client = Client()
        response = client.get("/api/v1/ping", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(response.json(), {"ok": True, "user": "police"})
        data = self.payload()
        response = client.post(
            "/api/v1/findings",
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        self.assertEqual(response.status_code, 201)
        bad = client.get("/api/v1/ping", HTTP_AUTHORIZATION="Bearer nope")
        self.assertEqual(bad.status_code, 401)

    def test_session_writes_need_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = self.post(self.payload(), client=client)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Submission.objects.exists())
        client.get("/field/")
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/api/v1/findings",
            json.dumps(self.payload()),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        self.assertEqual(response.status_code, 201)


class FindingTests(SyncApiTestCase):
    def test_new_finding_is_stored_with_sharing_and_audited(self) -> None:
        data = self.payload()
        response = self.post(data)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["version"], 1)
        self.assertTrue(body["complete"])
        finding = Finding.objects.get()
        self.assertEqual(finding.partner, self.police)
        self.assertEqual(finding.template_version, self.police_version)
        rows = {row.question: row for row in finding.answer_rows.all()}
        self.assertEqual(rows["irregular_stay"].sharing, "shared")
        self.assertEqual(getattr(rows["irregular_stay"].indicator, "code", None), "illegal-stay")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, object_code=str(finding.code)
            ).exists()
        )

    def test_replay_returns_the_stored_finding_and_stores_nothing(self) -> None:
        data = self.payload()
        first = self.post(data)
        second = self.post(data | {"answers": {"persons_present": 9, "identities_checked": 1}})
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["answers"], first.json()["answers"])
        self.assertEqual(Submission.objects.count(), 1)
        self.assertEqual(Finding.objects.get().version, 1)

    def test_edit_with_current_base_version_makes_version_two(self) -> None:
        self.post(self.payload())
        edit = self.payload(answers=POLICE_ANSWERS | {"persons_present": 6}, base_version=1)
        response = self.post(edit)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["version"], 2)
        self.assertEqual(Finding.objects.get().answers["persons_present"], 6)

    def test_stale_base_version_is_a_conflict_never_an_overwrite(self) -> None:
        self.post(self.payload())
        self.post(self.payload(answers=POLICE_ANSWERS | {"persons_present": 6}, base_version=1))
        stale = self.post(
            self.payload(answers=POLICE_ANSWERS | {"persons_present": 7}, base_version=1)
        )
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale["Content-Type"], "application/problem+json")
        self.assertEqual(stale.json()["current_version"], 2)
        self.assertEqual(Finding.objects.get().answers["persons_present"], 6)
        self.assertEqual(Submission.objects.count(), 2)

    def test_second_new_finding_for_the_same_checklist_is_a_conflict(self) -> None:
        self.post(self.payload())
        response = self.post(self.payload())
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["current_version"], 1)

    def test_two_partners_at_the_same_visit_both_keep_their_findings(self) -> None:
        police = self.post(self.payload())
        social = self.post(
            self.payload(template_version=str(self.social_version.code), answers=SOCIAL_ANSWERS),
            user=self.social_inspector,
        )
        self.assertEqual((police.status_code, social.status_code), (201, 201))
        # Both fill the trafficking checklist at the same visit: two findings.
        trafficking = version_of("trafficking-indicators")
        answers = {"papers_held": "no", "interpreter_present": "no", "debt": "no"}
        for user in (self.police_inspector, self.social_inspector):
            response = self.post(
                self.payload(template_version=str(trafficking.code), answers=answers), user=user
            )
            self.assertEqual(response.status_code, 201)
        self.assertEqual(Finding.objects.filter(visit=self.visit).count(), 4)
        self.assertEqual(
            Finding.objects.get(partner=self.police, template__slug="police-identities").answers,
            POLICE_ANSWERS,
        )

    def test_hidden_answers_are_dropped_and_required_only_when_shown(self) -> None:
        answers = {
            "persons_present": 1,
            "identities_checked": 1,
            "irregular_stay": "no",
            "irregular_stay_count": 4,
        }
        response = self.post(self.payload(answers=answers))
        self.assertEqual(response.status_code, 201)
        self.assertNotIn("irregular_stay_count", response.json()["answers"])

    def test_yes_to_an_indicator_raises_a_signal_and_refreshes_risk(self) -> None:
        self.post(self.payload())
        signal = Signal.objects.get(premises=self.visit.premises)
        self.assertEqual(signal.source, Signal.Source.EARLIER_INSPECTION)
        self.assertEqual(signal.confidentiality, "shared")
        self.assertEqual([i.code for i in signal.indicators.all()], ["illegal-stay"])
        self.assertEqual(signal.recorded_by_partner, self.police)
        self.visit.premises.refresh_from_db()
        self.assertGreater(self.visit.premises.risk_score, 0)
        # A later "no" withdraws it.
        answers = POLICE_ANSWERS | {"irregular_stay": "no"}
        self.post(self.payload(answers=answers, base_version=1))
        self.assertFalse(Signal.objects.filter(premises=self.visit.premises).exists())
        self.visit.premises.refresh_from_db()
        self.assertEqual(self.visit.premises.risk_score, 0)

    def test_get_finding_is_audited_and_lists_missing_photos(self) -> None:
        trafficking_free = version_of("social-employment")
        sha = hashlib.sha256(jpeg_bytes()).hexdigest()
        data = self.payload(
            template_version=str(trafficking_free.code),
            answers=SOCIAL_ANSWERS | {"documents": [sha]},
        )
        self.post(data, user=self.social_inspector)
        before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
        response = self.client.get(f"/api/v1/findings/{data['client_id']}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["missing_photos"], [sha])
        self.assertFalse(response.json()["complete"])
        self.assertFalse(Finding.objects.get().is_complete)
        self.assertEqual(
            AuditEntry.objects.filter(action=AuditEntry.Action.READ).count(), before + 1
        )
        self.assertEqual(self.put_photo(data["client_id"], jpeg_bytes()).status_code, 201)
        body = self.client.get(f"/api/v1/findings/{data['client_id']}").json()
        self.assertEqual((body["missing_photos"], body["complete"]), ([], True))
        self.assertTrue(Finding.objects.get().is_complete)


class PhotoTests(SyncApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.photo = jpeg_bytes()
        self.sha = hashlib.sha256(self.photo).hexdigest()
        self.png = png_bytes()
        self.data = self.payload(
            template_version=str(self.social_version.code),
            answers=SOCIAL_ANSWERS
            | {"documents": [self.sha, hashlib.sha256(self.png).hexdigest()]},
        )
        self.assertEqual(self.post(self.data, user=self.social_inspector).status_code, 201)

    def test_photo_is_stored_once_content_addressed(self) -> None:
        first = self.put_photo(self.data["client_id"], self.photo)
        again = self.put_photo(self.data["client_id"], self.photo)
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(Evidence.objects.count(), 1)
        evidence = Evidence.objects.get()
        self.assertEqual(
            (evidence.content_type, evidence.width, evidence.height), ("image/jpeg", 64, 48)
        )
        with evidence.file.open("rb") as handle:
            self.assertEqual(handle.read(), self.photo)
        # Stored whole under its hash, with no half-written file left beside it.
        names = stored_names(evidence.file.storage, self.sha[:2])
        self.assertIn(f"{self.sha[:2]}/{self.sha}", names)
        self.assertEqual([name for name in names if "/.incoming-" in name], [])
        self.assertEqual(first.json()["missing_photos"], [hashlib.sha256(self.png).hexdigest()])
        self.assertEqual(self.put_photo(self.data["client_id"], self.png).status_code, 201)
        self.assertTrue(Finding.objects.get().is_complete)

    def save_documents(self, photo: bytes, visit: Any) -> Any:
        """The social inspector's save at ``visit`` whose documents are ``photo``."""
        self.data = self.payload(
            template_version=str(self.social_version.code),
            answers=SOCIAL_ANSWERS | {"documents": [hashlib.sha256(photo).hexdigest()]},
            visit=str(visit.code),
        )
        return self.post(self.data, user=self.social_inspector)

    def test_hash_mismatch_is_refused(self) -> None:
        response = self.put_photo(self.data["client_id"], jpeg_bytes("green"), sha=self.sha)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["title"], "Hash mismatch")
        self.assertFalse(Evidence.objects.exists())

    def test_a_file_that_is_not_an_image_is_refused(self) -> None:
        data = b"%PDF-1.4 not a photo"
        self.save_documents(data, self.field.visits[1])
        response = self.put_photo(self.data["client_id"], data)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["title"], "Not a photo")
        self.assertFalse(Evidence.objects.exists())

    def test_a_photo_cut_short_is_refused(self) -> None:
        """A JPEG whose end was lost on the device (its name is the hash of what is
        left) still opens and tells its size: only decoding it whole shows that its
        picture is incomplete."""
        whole = large_jpeg()
        cut = whole[: len(whole) * 2 // 3]
        self.save_documents(cut, self.field.visits[1])
        response = self.put_photo(self.data["client_id"], cut)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["title"], "Not a photo")
        self.assertFalse(Evidence.objects.exists())
        # The whole photo is taken, at its full size.
        self.assertEqual(self.save_documents(whole, self.field.visits[2]).status_code, 201)
        self.assertEqual(self.put_photo(self.data["client_id"], whole).status_code, 201)
        evidence = Evidence.objects.get()
        self.assertEqual((evidence.width, evidence.height), (1600, 1200))

    @override_settings(EVIDENCE_MAX_BYTES=500)
    def test_a_photo_over_the_size_limit_is_refused(self) -> None:
        response = self.put_photo(self.data["client_id"], self.photo)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(Evidence.objects.exists())

    def test_a_photo_the_answers_do_not_mention_is_refused(self) -> None:
        other = jpeg_bytes("yellow")
        response = self.put_photo(self.data["client_id"], other)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Evidence.objects.exists())

    def test_another_users_client_id_is_not_found(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.put_photo(self.data["client_id"], self.photo)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.get(f"/api/v1/findings/{self.data['client_id']}").status_code, 404
        )
        self.assertFalse(Evidence.objects.exists())


class BadInputTests(SyncApiTestCase):
    def assert_nothing_stored(self) -> None:
        self.assertFalse(Submission.objects.exists())
        self.assertFalse(Finding.objects.exists())
        self.assertFalse(FindingAnswer.objects.exists())

    def test_malformed_json(self) -> None:
        response = self.post('{"client_id": ')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assert_nothing_stored()

    def test_missing_fields_and_bad_uuid(self) -> None:
        response = self.post({"client_id": "not-a-uuid", "answers": {}})
        self.assertEqual(response.status_code, 400)
        self.assertIn("client_id", response.json()["errors"])
        self.assertIn("visit", response.json()["errors"])
        self.assert_nothing_stored()

    def test_unknown_template_version(self) -> None:
        response = self.post(self.payload(template_version=str(uuid.uuid4())))
        self.assertEqual(response.status_code, 400)
        self.assertIn("template_version", response.json()["errors"])
        self.assert_nothing_stored()

    def test_answers_of_the_wrong_type_give_reasons_per_question(self) -> None:
        answers = {
            "persons_present": "five",
            "identities_checked": -1,
            "irregular_stay": "maybe",
            "nope": 1,
        }
        response = self.post(self.payload(answers=answers))
        self.assertEqual(response.status_code, 400)
        errors = response.json()["errors"]
        self.assertEqual(
            set(errors), {"persons_present", "identities_checked", "irregular_stay", "nope"}
        )
        # The outbox names each refused answer by its question in the reader's language;
        # a key the checklist does not have stays as sent.
        labels = response.json()["labels"]
        self.assertEqual(set(labels), {"persons_present", "identities_checked", "irregular_stay"})
        self.assertNotIn("persons_present", labels["persons_present"])
        self.assertTrue(all(labels.values()))
        self.assert_nothing_stored()

    def test_required_answers_missing(self) -> None:
        response = self.post(self.payload(answers={}))
        self.assertEqual(response.status_code, 400)
        self.assertIn("persons_present", response.json()["errors"])
        self.assert_nothing_stored()

    def test_another_users_client_id_is_refused(self) -> None:
        data = self.payload()
        self.post(data)
        social = data | {
            "template_version": str(self.social_version.code),
            "answers": SOCIAL_ANSWERS,
        }
        response = self.post(social, user=self.social_inspector)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["title"], "client_id already used")
        self.assertEqual(Submission.objects.count(), 1)
        self.assertEqual(Finding.objects.count(), 1)

    def test_visit_of_another_team(self) -> None:
        response = self.post(self.payload(visit=str(self.field.other_visit.code)))
        self.assertEqual(response.status_code, 403)
        self.assert_nothing_stored()

    def test_unknown_visit(self) -> None:
        response = self.post(self.payload(visit=str(uuid.uuid4())))
        self.assertEqual(response.status_code, 403)
        self.assert_nothing_stored()


class PermissionTests(SyncApiTestCase):
    def assert_refused(self, user: Any, **changes: Any) -> None:
        response = self.post(self.payload(**changes), user=user)
        self.assertEqual(response.status_code, 403, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertFalse(Submission.objects.exists())

    def test_outsider_is_refused(self) -> None:
        self.assert_refused(self.outsider)

    def test_clerk_is_refused(self) -> None:
        self.assert_refused(self.clerk)

    def test_coordinator_and_mayor_are_refused(self) -> None:
        self.assert_refused(self.coordinator)
        self.assert_refused(self.mayor)

    def test_inspector_cannot_fill_another_partners_checklist(self) -> None:
        self.assert_refused(self.social_inspector)

    def test_day_not_released(self) -> None:
        ActionDay.objects.filter(pk=self.field.day.pk).update(status=ActionDay.Status.PLANNED)
        self.assert_refused(self.police_inspector)

    def test_closed_day_refuses_a_save_recorded_on_another_date(self) -> None:
        ActionDay.objects.filter(pk=self.field.day.pk).update(status=ActionDay.Status.CLOSED)
        tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
        response = self.post(self.payload(recorded_at=tomorrow))
        self.assertEqual(response.status_code, 410, response.content)
        self.assertFalse(Submission.objects.exists())

    def test_in_progress_day_is_writable(self) -> None:
        ActionDay.objects.filter(pk=self.field.day.pk).update(status=ActionDay.Status.IN_PROGRESS)
        self.assertEqual(self.post(self.payload()).status_code, 201)

    def test_other_partners_internal_answers_are_never_served(self) -> None:
        from inspections.sync import readable_answers

        self.post(self.payload(answers=POLICE_ANSWERS | {"police_notes": "informant"}))
        finding = Finding.objects.get()
        self.assertIn("police_notes", readable_answers(finding, self.police_inspector))
        self.assertNotIn("police_notes", readable_answers(finding, self.social_inspector))
        readable = FindingAnswer.objects.readable_by_partner(self.social).values_list(
            "question", flat=True
        )
        self.assertNotIn("police_notes", list(readable))


class VisitOutcomeTests(SyncApiTestCase):
    def outcome(self, action: str, visit: Visit | None = None) -> Any:
        self.client.force_login(self.police_inspector)
        visit = visit or self.visit
        return self.client.post(
            f"/api/v1/visits/{visit.code}/outcome",
            json.dumps({"action": action, "at": timezone.now().isoformat()}),
            content_type="application/json",
        )

    def test_start_and_finish_are_idempotent(self) -> None:
        self.assertEqual(self.outcome("start").json()["status"], "underway")
        self.assertEqual(self.outcome("start").status_code, 200)
        done = self.outcome("no_access")
        self.assertEqual(done.json()["status"], "no_access")
        self.assertEqual(self.outcome("no_access").status_code, 200)
        self.assertEqual(self.outcome("start").json()["status"], "no_access")
        self.assertEqual(self.outcome("done").status_code, 409)
        self.visit.refresh_from_db()
        self.assertIsNotNone(self.visit.started_at)
        self.assertIsNotNone(self.visit.finished_at)

    def test_other_teams_visit_is_refused(self) -> None:
        self.assertEqual(self.outcome("start", self.field.other_visit).status_code, 403)


def large_jpeg() -> bytes:
    """A camera-sized JPEG with detail in every block (noise compresses poorly)."""
    noise = Image.effect_noise((1600, 1200), 64).convert("RGB")
    stream = io.BytesIO()
    noise.save(stream, format="JPEG", quality=85)
    return stream.getvalue()

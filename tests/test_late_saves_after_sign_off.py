"""A tablet's late save for a visit whose joint report its organisation has signed is
refused with the reason (the signed text would no longer be the report); a partner that
has not signed still delivers what it recorded on the day."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from decisions import reports
from inspections.models import Submission
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day
from tests.field_fixtures import version_of


class LateSaveAfterSignOffTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast, photos=0)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        reports.sign_off(
            report=report,
            partner_id=self.police.pk,
            user=self.police_inspector,
            mention_further_information=False,
        )

    def late_save(self, user: Any, slug: str, answers: dict[str, Any]) -> Any:
        self.client.force_login(user)
        data = {
            "client_id": str(uuid.uuid4()),
            "visit": str(self.built.visit.code),
            "template_version": str(version_of(slug).code),
            "answers": answers,
            "base_version": None,
            "recorded_at": timezone.now().isoformat(),
        }
        return self.client.post(
            "/api/v1/findings", json.dumps(data), content_type="application/json"
        )

    def test_partner_that_signed_gets_the_reason_and_nothing_changes(self) -> None:
        before = Submission.objects.count()
        response = self.late_save(
            self.police_inspector,
            "trafficking-indicators",
            {"papers_held": "no", "interpreter_present": "no", "debt": "no", "victims_count": 0},
        )
        self.assertEqual(response.status_code, 410, response.content)
        self.assertIn("signed the joint report", response.json()["detail"])
        self.assertEqual(Submission.objects.count(), before)


class SignAfterMergeTests(CastTestCase):
    def test_inspector_whose_answers_a_colleague_merged_still_signs(self) -> None:
        from decisions.access import may_sign
        from inspections import sync
        from partners.models import Role
        from tests.cast import make_user

        built = build_report_day(self.cast, photos=0)
        colleague = make_user("social2", self.social, [Role.INSPECTOR], self.city_a)
        assert built.visit.team is not None
        built.visit.team.members.add(colleague)
        first = Submission.objects.get(user=self.social_inspector)

        def save_on_top(user: Any) -> None:
            finding = first.finding
            finding.refresh_from_db()
            sync.submit(
                user=user,
                client_id=uuid.uuid4(),
                visit_code=built.visit.code,
                version_code=first.template_version.code,
                answers=first.answers,
                base_version=finding.version,
                recorded_at=timezone.now(),
            )

        # The colleague saves a version, then the team lead merges on top of it.
        save_on_top(colleague)
        save_on_top(self.social_inspector)
        report = reports.compile_report(visit=built.visit, user=self.mayor)
        self.assertTrue(may_sign(colleague, report, self.social.pk))
        self.assertFalse(may_sign(self.police_inspector, report, self.social.pk))

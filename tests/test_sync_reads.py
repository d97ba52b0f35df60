"""The sync's written-out reads of a submission (by its client_id on every save, and the
user's own with its finding on every photo) give back what the ORM gives: the same
rows, the same values, and nobody else's submission."""

from __future__ import annotations

import uuid
from typing import Any

from inspections.models import Finding, Submission
from inspections.sync import Problem, _stored, get_submission_for_user
from tests.test_sync_api import SyncApiTestCase


def values(instance: Any) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


class SubmissionReadTests(SyncApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.data = self.payload()
        self.assertEqual(self.post(self.data).status_code, 201)
        self.client_id = uuid.UUID(self.data["client_id"])
        self.orm = Submission.objects.select_related(
            "finding__visit__action_day__municipality",
            "finding__template_version",
            "template_version",
        ).get(client_id=self.client_id)

    def test_the_client_id_look_up_reads_the_submission_and_finding_as_the_orm_does(self) -> None:
        found = _stored(self.client_id)
        assert found is not None
        self.assertEqual(values(found), values(self.orm))
        finding = Finding.objects.select_related(
            "visit__action_day__municipality", "visit__premises", "template", "template_version",
            "recorded_by",
        ).get(pk=self.orm.finding_id)  # fmt: skip
        for path in ("", "visit", "visit.action_day", "visit.action_day.municipality",
                     "visit.premises", "template", "template_version", "recorded_by"):  # fmt: skip
            ours, theirs = found.finding, finding
            for name in filter(None, path.split(".")):
                ours, theirs = getattr(ours, name), getattr(theirs, name)
            self.assertEqual(values(ours), values(theirs), path)
        self.assertIsNone(_stored(uuid.uuid4()))

    def test_a_finding_whose_saver_is_gone_is_read_with_nobody(self) -> None:
        Finding.objects.filter(pk=self.orm.finding_id).update(recorded_by=None)
        found = _stored(self.client_id)
        assert found is not None
        self.assertIsNone(found.finding.recorded_by)
        self.assertEqual(self.post(self.data).json()["recorded_by"], "")

    def test_the_users_submission_comes_with_its_finding_visit_day_and_versions(self) -> None:
        found = get_submission_for_user(self.police_inspector, self.client_id)
        orm = self.orm
        self.assertEqual(values(found), values(orm))
        self.assertEqual(values(found.finding), values(orm.finding))
        self.assertEqual(values(found.finding.visit), values(orm.finding.visit))
        self.assertEqual(
            values(found.finding.visit.action_day), values(orm.finding.visit.action_day)
        )
        self.assertEqual(
            values(found.finding.visit.action_day.municipality),
            values(orm.finding.visit.action_day.municipality),
        )
        self.assertEqual(values(found.template_version), values(orm.template_version))
        self.assertEqual(
            values(found.finding.template_version), values(orm.finding.template_version)
        )

    def test_nobody_elses_submission_is_found(self) -> None:
        for user in (self.social_inspector, self.coordinator, self.outsider):
            with self.assertRaises(Problem) as refused:
                get_submission_for_user(user, self.client_id)
            self.assertEqual(refused.exception.status, 404)
        with self.assertRaises(Problem):
            get_submission_for_user(self.police_inspector, uuid.uuid4())

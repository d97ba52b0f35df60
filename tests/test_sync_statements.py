"""What a field save costs the database does not grow with what it holds: a checklist of
twelve answers, each raising a signal, with three photos, is stored, changed, replayed
and completed in as many statements as one of two answers with one photo; and that
number, beyond the no-op endpoint's, is pinned so it cannot creep back."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from gis.models import Indicator, Signal
from inspections.checklists.definition import question
from inspections.models import (
    ChecklistTemplate,
    ChecklistVersion,
    DeviceToken,
    FindingAnswer,
    Visit,
)
from inspections.sync import person_name
from partners.models import Competency
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, jpeg_bytes

SHORT, LONG = 2, 12

# What each call costs beyond the no-op endpoint (``/api/v1/ping``) signed in alike: the
# sign-in's own statements are counted once, in the no-op. Lower these when a change
# saves a statement; never raise them without a reason written here. A transaction
# counts two statements (a savepoint in a test, BEGIN and COMMIT outside).
#
# A new finding: the submission's client_id, the visit with its day, city and premises,
# the checklist version with its access check (one query), the indicators its answered
# questions name (read at each save: another process may have changed the catalogue);
# then, in one transaction,
# the photos already stored, the finding, the submission, the signals and their
# indicators, the answers, the premises' risk (read the premises, their signals and
# indicators, write the scores), the audit row; then who holds the missing photos.
# The person behind the sign-in is read once, counted here as the session's no-op does
# not read it (over a device token it comes with the token).
NEW_FINDING = 18
# An edit also locks and raises the finding, reads its answers, withdraws the signals.
EDIT = 22
# A replay: the submission with its finding (one query, the one a new save asks to
# learn that it is new), the audit row of the read, the missing photos.
REPLAY = 4
# The last photo: the submission, the photo, its record, the finding's completeness.
LAST_PHOTO = 8
# Over a device token, a new finding of answers that raise nothing and no photo: four
# reads beyond the no-op's token, with its user and person (the client_id, the visit,
# the checklist with its access check, the indicators its questions name), and four
# writes in one transaction (the finding, the submission, the answers, the audit row).
PLAIN_NEW_FINDING_BY_TOKEN = 10
# Over a device token, a replay of it: the submission with its finding, visit, day,
# checklist and saver in one query, and the audit row of the read.
PLAIN_REPLAY_BY_TOKEN = 2


SHORT_PHOTOS = [jpeg_bytes("red")]
LONG_PHOTOS = [jpeg_bytes(color) for color in ("green", "blue", "white")]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def statements(call: Callable[[], Any]) -> tuple[int, Any]:
    """How many SQL statements ``call`` runs, and what it returns."""
    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        result = call()
    return count, result


class SyncStatementTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast, visits=4)
        self.client.force_login(self.police_inspector)
        template = ChecklistTemplate.objects.create(
            slug="police-long",
            competency=Competency.objects.get(code="identity-residence"),
            title_nl="Lange lijst",
            title_fr="Longue liste",
            title_en="Long list",
            owner_partner=self.police,
        )
        self.short = self.publish(template, 1, SHORT)
        self.long = self.publish(template, 2, LONG)

    def publish(self, template: ChecklistTemplate, number: int, size: int) -> ChecklistVersion:
        """A version of ``size`` indicator questions and a photo question."""
        codes = list(Indicator.objects.order_by("code").values_list("code", flat=True))
        questions = [
            question(f"q{index}", "yes_no", {"en": f"Question {index}"}, indicator=code)
            for index, code in zip(range(size), codes * size, strict=False)
        ]
        questions.append(question("pictures", "photo", {"en": "Photos"}))
        version = ChecklistVersion.objects.create(
            template=template, number=number, definition={"questions": questions}
        )
        version.publish()
        return version

    def save(
        self,
        visit: Visit,
        version: ChecklistVersion,
        answer: str,
        pictures: list[bytes],
        headers: dict[str, Any] | None = None,
        **changes: Any,
    ) -> tuple[int, Any]:
        size = len(version.questions) - 1
        payload = {
            "client_id": str(uuid.uuid4()),
            "visit": str(visit.code),
            "template_version": str(version.code),
            "answers": {f"q{index}": answer for index in range(size)}
            | {"pictures": [sha(data) for data in pictures]},
            "base_version": None,
            "recorded_at": timezone.now().isoformat(),
        } | changes
        return statements(
            lambda: self.client.post(
                "/api/v1/findings",
                json.dumps(payload),
                content_type="application/json",
                **(headers or {}),
            )
        )

    def ping(self, **headers: Any) -> int:
        count, response = statements(lambda: self.client.get("/api/v1/ping", **headers))
        self.assertEqual(response.status_code, 200)
        return count

    def put(self, response: Any, data: bytes) -> tuple[int, Any]:
        path = f"/api/v1/findings/{response.json()['client_id']}/evidence/{sha(data)}"
        return statements(lambda: self.client.put(path, data, content_type="image/jpeg"))

    def saved_both(self, answer: str, **changes: Any) -> tuple[tuple[int, Any], tuple[int, Any]]:
        short = self.save(self.field.visits[0], self.short, answer, SHORT_PHOTOS, **changes)
        long = self.save(self.field.visits[1], self.long, answer, LONG_PHOTOS, **changes)
        return short, long

    def warm_up(self) -> None:
        # Whatever a process reads once is not counted: a version's definition is read
        # at its first save.
        self.save(self.field.visits[2], self.short, "no", [])
        self.save(self.field.visits[3], self.long, "no", [])

    def test_a_new_finding_costs_the_same_whatever_its_number_of_answers(self) -> None:
        self.warm_up()
        (short, first), (long, second) = self.saved_both("yes")
        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(long, short)
        self.assertEqual(short - self.ping(), NEW_FINDING)
        self.assertEqual(Signal.objects.count(), SHORT + LONG)
        self.assertEqual(FindingAnswer.objects.filter(signal__isnull=False).count(), SHORT + LONG)
        self.assertEqual(len(second.json()["missing_photos"]), 3)

    def test_an_edit_costs_the_same_whatever_its_number_of_answers(self) -> None:
        self.warm_up()
        self.saved_both("yes")
        (short, first), (long, second) = self.saved_both("no", base_version=1)
        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(long, short)
        self.assertEqual(short - self.ping(), EDIT)
        self.assertFalse(Signal.objects.exists())
        self.assertEqual(second.json()["version"], 2)

    def test_a_replay_costs_the_same_whatever_its_number_of_answers(self) -> None:
        self.warm_up()
        ids = {"short": str(uuid.uuid4()), "long": str(uuid.uuid4())}
        for _ in range(2):
            short, first = self.save(
                self.field.visits[0], self.short, "yes", SHORT_PHOTOS, client_id=ids["short"]
            )
            long, second = self.save(
                self.field.visits[1], self.long, "yes", LONG_PHOTOS, client_id=ids["long"]
            )
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertEqual(long, short)
        self.assertEqual(short - self.ping(), REPLAY)
        self.assertEqual(Signal.objects.count(), SHORT + LONG)

    def test_the_last_photo_costs_the_same_whatever_the_number_of_photos(self) -> None:
        self.warm_up()
        (_, first), (_, second) = self.saved_both("no")
        short, completing = self.put(first, SHORT_PHOTOS[0])
        for data in LONG_PHOTOS[:-1]:
            self.put(second, data)
        long, last = self.put(second, LONG_PHOTOS[-1])
        self.assertEqual((completing.status_code, last.status_code), (201, 201))
        self.assertTrue(completing.json()["finding_complete"] and last.json()["finding_complete"])
        self.assertEqual(long, short)
        self.assertEqual(short - self.ping(), LAST_PHOTO)

    def test_a_plain_save_over_a_device_token_reads_five_times(self) -> None:
        _token, raw = DeviceToken.issue(self.police_inspector, "tablet")
        self.client.logout()
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.save(self.field.visits[2], self.short, "no", [], headers=bearer)
        count, response = self.save(self.field.visits[0], self.short, "no", [], headers=bearer)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(count - self.ping(**bearer), PLAIN_NEW_FINDING_BY_TOKEN)

    def test_a_plain_replay_over_a_device_token_reads_once(self) -> None:
        _token, raw = DeviceToken.issue(self.police_inspector, "tablet")
        self.client.logout()
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        client_id = str(uuid.uuid4())
        self.save(self.field.visits[2], self.short, "no", [], headers=bearer)
        self.save(self.field.visits[0], self.short, "no", [], headers=bearer, client_id=client_id)
        count, response = self.save(
            self.field.visits[0], self.short, "no", [], headers=bearer, client_id=client_id
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["recorded_by"], person_name(self.police_inspector))
        self.assertEqual(count - self.ping(**bearer), PLAIN_REPLAY_BY_TOKEN)

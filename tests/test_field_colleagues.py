"""Two inspectors of one partner on one finding: a stale save is answered with the
answers saved since (as far as the inspector may read them) and who saved them; a
finding names the photos it still expects and who holds them; a device skips photos
the server already has."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone

from inspections.models import Evidence, Finding, Submission
from partners.models import Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.field_fixtures import build_field_day, jpeg_bytes, version_of

ANSWERS = {"workers_present": 5, "without_dimona": "no", "contracts": "all"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ColleaguesTestCase(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.visit = self.field.visits[0]
        self.colleague = make_user("social2", self.social, [Role.INSPECTOR], self.city_a)
        self.colleague.last_name = "Peeters"
        self.colleague.save()
        self.field.team_1.members.add(self.colleague)
        self.version = version_of("social-employment")

    def post(self, user: Any, answers: dict[str, Any], base: int | None) -> Any:
        self.client.force_login(user)
        body = {
            "client_id": str(uuid.uuid4()),
            "visit": str(self.visit.code),
            "template_version": str(self.version.code),
            "answers": answers,
            "base_version": base,
            "recorded_at": timezone.now().isoformat(),
        }
        return self.client.post("/api/v1/findings", json.dumps(body), "application/json")

    def put_photo(self, user: Any, client_id: str, data: bytes) -> Any:
        self.client.force_login(user)
        url = f"/api/v1/findings/{client_id}/evidence/{sha(data)}"
        return self.client.put(url, data, content_type="image/jpeg")


class StaleSaveTests(ColleaguesTestCase):
    def test_a_stale_save_gets_the_colleagues_answers_and_name_and_changes_nothing(self) -> None:
        self.assertEqual(self.post(self.social_inspector, ANSWERS, None).status_code, 201)
        theirs = ANSWERS | {"workers_present": 7}
        self.assertEqual(self.post(self.colleague, theirs, 1).status_code, 201)
        stale = self.post(self.social_inspector, ANSWERS | {"contracts": "none"}, 1)
        self.assertEqual(stale.status_code, 409)
        body = stale.json()
        self.assertEqual(body["current_version"], 2)
        self.assertEqual(body["current_answers"], theirs)
        self.assertEqual(body["current_by"], "Social2 Peeters")
        self.assertIn("current_at", body)
        self.assertEqual(Finding.objects.get().answers, theirs)
        self.assertEqual(Submission.objects.count(), 2)

    def test_the_merged_answers_saved_on_the_current_version_are_stored(self) -> None:
        self.post(self.social_inspector, ANSWERS, None)
        self.post(self.colleague, ANSWERS | {"workers_present": 7}, 1)
        merged = ANSWERS | {"workers_present": 7, "contracts": "none"}
        response = self.post(self.social_inspector, merged, 2)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["version"], 3)
        self.assertEqual(response.json()["recorded_by"], "Social")
        self.assertEqual(Finding.objects.get().answers, merged)

    def test_a_new_finding_made_twice_offline_is_a_conflict_with_the_first_ones_answers(
        self,
    ) -> None:
        self.post(self.colleague, ANSWERS, None)
        response = self.post(self.social_inspector, ANSWERS | {"workers_present": 2}, None)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["current_answers"], ANSWERS)

    def test_another_partners_internal_answers_stay_out_of_a_conflict(self) -> None:
        police = version_of("police-identities")
        self.client.force_login(self.police_inspector)
        answers = {
            "persons_present": 5,
            "identities_checked": 5,
            "irregular_stay": "no",
            "police_notes": "informant",
        }
        for base in (None, None):
            body = {
                "client_id": str(uuid.uuid4()),
                "visit": str(self.visit.code),
                "template_version": str(police.code),
                "answers": answers,
                "base_version": base,
                "recorded_at": timezone.now().isoformat(),
            }
            response = self.client.post("/api/v1/findings", json.dumps(body), "application/json")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["current_answers"]["police_notes"], "informant")
        from inspections.sync import conflict_details

        finding = Finding.objects.get(template=police.template)
        self.assertNotIn(
            "police_notes", conflict_details(finding, self.social_inspector)["answers"]
        )


class ExpectedPhotoTests(ColleaguesTestCase):
    def test_a_finding_names_the_photos_it_still_expects_and_who_holds_them(self) -> None:
        photo = jpeg_bytes("red")
        first = self.post(self.social_inspector, ANSWERS | {"documents": [sha(photo)]}, None)
        self.assertEqual(first.json()["missing_photos"], [sha(photo)])
        [expected] = first.json()["expected_photos"]
        self.assertEqual(expected["sha256"], sha(photo))
        self.assertEqual(expected["held_by"], "Social")

    def test_a_colleague_keeps_the_photo_sends_their_own_and_nothing_is_doubled(self) -> None:
        mine, theirs = jpeg_bytes("red"), jpeg_bytes("blue")
        first = self.post(self.social_inspector, ANSWERS | {"documents": [sha(mine)]}, None)
        both = ANSWERS | {"documents": [sha(mine), sha(theirs)]}
        second = self.post(self.colleague, both, 1)
        self.assertEqual(sorted(second.json()["missing_photos"]), sorted([sha(mine), sha(theirs)]))
        self.assertEqual(
            self.put_photo(self.colleague, second.json()["client_id"], theirs).status_code, 201
        )
        self.client.force_login(self.colleague)
        state = self.client.get(f"/api/v1/findings/{second.json()['client_id']}").json()
        self.assertEqual(state["missing_photos"], [sha(mine)])
        self.assertEqual([p["held_by"] for p in state["expected_photos"]], ["Social"])
        self.assertEqual(
            self.put_photo(self.social_inspector, first.json()["client_id"], mine).status_code, 201
        )
        self.client.force_login(self.social_inspector)
        state = self.client.get(f"/api/v1/findings/{first.json()['client_id']}").json()
        self.assertEqual((state["missing_photos"], state["expected_photos"]), ([], []))
        self.assertTrue(state["complete"])
        self.assertEqual(Evidence.objects.count(), 2)

    def test_the_checklist_page_tells_the_device_which_photos_wait_elsewhere(self) -> None:
        photo = jpeg_bytes("red")
        self.post(self.social_inspector, ANSWERS | {"documents": [sha(photo)]}, None)
        self.client.force_login(self.colleague)
        url = reverse("field-checklist", args=[self.visit.code, self.version.code])
        page = self.client.get(url)
        island = page.content.decode().split('id="field-data" type="application/json">')[1]
        data = json.loads(island.split("</script>")[0])
        self.assertEqual(
            data["known"]["photos"], {sha(photo): {"stored": False, "held_by": "Social"}}
        )
        self.assertEqual(data["known"]["recorded_by"], "Social")

"""Property: whatever the network does to a device's outbox — replays, reordering, lost
requests, lost answers, retries — the server ends up holding each distinct submission
once, and every photo that was sent."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from inspections.models import Evidence, Finding, Submission
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, jpeg_bytes, version_of

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white", "grey", "navy"]


@st.composite
def submissions(draw: Any) -> list[dict[str, Any]]:
    """Up to six saves, each for its own visit × checklist, some with photos."""
    targets = draw(
        st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=6, unique=True)
    )
    made = []
    for visit, social in targets:
        photos = draw(st.integers(0, 2)) if social else 0
        made.append(
            {
                "visit": visit,
                "social": social,
                "workers": draw(st.integers(0, 40)),
                "yes": draw(st.booleans()),
                "photos": photos,
            }
        )
    return made


class SyncPropertyTests(HypothesisTestCase, CastTestCase):
    def start_day(self) -> None:
        """Per example: each example runs in its own rolled-back transaction."""
        self.field = build_field_day(self.cast)
        self.employment = version_of("social-employment")
        self.trafficking = version_of("trafficking-indicators")
        self.client = Client()
        self.client.force_login(self.social_inspector)

    def device_outbox(self, plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
        outbox = []
        for index, item in enumerate(plan):
            photos = [
                jpeg_bytes(COLOURS[(index * 2 + k) % len(COLOURS)], (16 + index, 12 + k))
                for k in range(item["photos"])
            ]
            hashes = [hashlib.sha256(photo).hexdigest() for photo in photos]
            if item["social"]:
                version = self.employment
                answers: dict[str, Any] = {
                    "workers_present": item["workers"],
                    "without_dimona": "yes" if item["yes"] else "no",
                }
                if item["yes"]:
                    answers["without_dimona_count"] = 1
                if hashes:
                    answers["documents"] = hashes
            else:
                version = self.trafficking
                flag = "yes" if item["yes"] else "no"
                answers = {"papers_held": flag, "interpreter_present": "no", "debt": "no"}
            payload = {
                "client_id": str(uuid.uuid4()),
                "visit": str(self.field.visits[item["visit"]].code),
                "template_version": str(version.code),
                "answers": answers,
                "base_version": None,
                "recorded_at": timezone.now().isoformat(),
            }
            outbox.append({"payload": payload, "photos": dict(zip(hashes, photos, strict=True))})
        return outbox

    def post(self, entry: dict[str, Any]) -> int:
        body = json.dumps(entry["payload"])
        response = self.client.post("/api/v1/findings", body, content_type="application/json")
        return response.status_code

    def put(self, entry: dict[str, Any], sha: str) -> int:
        url = f"/api/v1/findings/{entry['payload']['client_id']}/evidence/{sha}"
        response = self.client.put(url, entry["photos"][sha], content_type="image/jpeg")
        return response.status_code

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        plan=submissions(),
        events=st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from(["post", "photo", "lost"])), max_size=25
        ),
    )
    def test_replayed_reordered_dropped_and_retried_submissions_are_held_once(
        self, plan: list[dict[str, Any]], events: list[tuple[int, str]]
    ) -> None:
        self.start_day()
        outbox = self.device_outbox(plan)
        stored: set[int] = set()
        for index, kind in events:
            if index >= len(outbox):
                continue  # a request the network dropped
            entry = outbox[index]
            if kind in ("post", "lost"):
                status = self.post(entry)
                self.assertEqual(status, 200 if index in stored else 201)
                stored.add(index)
            elif entry["photos"]:
                sha = sorted(entry["photos"])[0]
                status = self.put(entry, sha)
                self.assertIn(status, (200, 201) if index in stored else (404,))
        # The device retries everything it has no answer for, then every photo.
        for entry in outbox:
            self.assertIn(self.post(entry), (200, 201))
            for sha in entry["photos"]:
                self.assertIn(self.put(entry, sha), (200, 201))
        client_ids = {entry["payload"]["client_id"] for entry in outbox}
        self.assertEqual(
            set(Submission.objects.values_list("client_id", flat=True)),
            {uuid.UUID(client_id) for client_id in client_ids},
        )
        self.assertEqual(Submission.objects.count(), len(outbox))
        self.assertEqual(Finding.objects.count(), len(outbox))
        sent = {sha for entry in outbox for sha in entry["photos"]}
        self.assertEqual(set(Evidence.objects.values_list("sha256", flat=True)), sent)
        self.assertEqual(Finding.objects.filter(is_complete=False).count(), 0)

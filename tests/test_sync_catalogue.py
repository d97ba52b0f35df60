"""A published checklist version is read once per process, as it never changes; the
indicators its questions name are not kept with it: the catalogue can change through
any process of the installation (another node, another gunicorn worker), and no signal
reaches the others. A save must link its answers to the indicators as they are now."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.utils import timezone

from gis.models import Indicator, Signal
from inspections.checklists.definition import question
from inspections.models import ChecklistTemplate, ChecklistVersion, FindingAnswer, Visit
from partners.models import Competency
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day

CODE = "cash-only-wages"


class IndicatorCatalogueTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast, visits=2)
        self.client.force_login(self.police_inspector)
        self.competency = Competency.objects.get(code="identity-residence")
        template = ChecklistTemplate.objects.create(
            slug="police-wages",
            competency=self.competency,
            title_nl="Lonen",
            title_fr="Salaires",
            title_en="Wages",
            owner_partner=self.police,
        )
        self.version = ChecklistVersion.objects.create(
            template=template,
            number=1,
            definition={
                "questions": [
                    question("cash", "yes_no", {"en": "Wages paid in cash?"}, indicator=CODE)
                ]
            },
        )
        self.version.publish()

    def save(self, visit: Visit) -> Any:
        payload = {
            "client_id": str(uuid.uuid4()),
            "visit": str(visit.code),
            "template_version": str(self.version.code),
            "answers": {"cash": "yes"},
            "base_version": None,
            "recorded_at": timezone.now().isoformat(),
        }
        response = self.client.post(
            "/api/v1/findings", json.dumps(payload), content_type="application/json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        return FindingAnswer.objects.get(finding__visit=visit, question="cash")

    def test_an_indicator_added_by_another_process_is_linked_at_the_next_save(self) -> None:
        first, second = self.field.visits
        before = self.save(first)
        self.assertIsNone(before.indicator_id)
        self.assertFalse(Signal.objects.filter(premises=first.premises).exists())
        # Another process adds the indicator the version names: bulk_create sends no
        # signal, as none would reach this process from another one.
        (added,) = Indicator.objects.bulk_create(
            [
                Indicator(
                    code=CODE,
                    category=Indicator.Category.LABOUR,
                    information_source="Social inspection",
                    actionable_by=self.competency,
                )
            ]
        )
        after = self.save(second)
        self.assertEqual(after.indicator_id, added.pk)
        raised = Signal.objects.get(premises=second.premises)
        self.assertEqual(list(raised.indicators.all()), [added])

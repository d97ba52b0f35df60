from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from partners.models import SharingProtocol
from tests.base import CastTestCase


class SharingProtocolTests(CastTestCase):
    def test_in_force_respects_the_period(self) -> None:
        protocol = SharingProtocol.objects.get(title="Protocol A")
        protocol.valid_to = date(2025, 12, 31)
        protocol.save()
        self.assertTrue(protocol.is_in_force(date(2025, 6, 1)))
        self.assertFalse(protocol.is_in_force(date(2026, 1, 1)))
        self.assertFalse(protocol.is_in_force(date(2024, 12, 31)))
        in_force = SharingProtocol.objects.in_force(date(2026, 1, 1))
        self.assertFalse(in_force.exists())

    def test_covering_finds_the_protocol_of_a_party(self) -> None:
        self.assertTrue(SharingProtocol.objects.covering(self.police, self.city_a).exists())
        self.assertFalse(SharingProtocol.objects.covering(self.police, self.city_b).exists())

    def test_period_must_be_in_order(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            SharingProtocol.objects.create(
                title="Backwards",
                municipality=self.city_a,
                valid_from=date(2026, 1, 1),
                valid_to=date(2025, 1, 1),
            )

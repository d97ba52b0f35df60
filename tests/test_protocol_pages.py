"""Sharing protocols made and extended by the municipality's coordinators on their own
pages: validated, audited, and only for the municipality they work for."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import formats, translation

from partners.models import AuditEntry, Competency, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_partner


class ProtocolPageCase(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.protocol = SharingProtocol.objects.get(title="Protocol A")
        self.fire = make_partner("fire-a", "Fire", "local", self.city_a)
        self.food = make_partner("food", "Food Agency", "federal", self.city_a, self.city_b)
        self.undeclared = Competency.objects.get(code="undeclared-work")
        self.public_order = Competency.objects.get(code="police-public-order")

    def create(self, **data: Any) -> Any:
        values = {
            "title": "Protocol Horeca 2027",
            "municipality": self.city_a.pk,
            "parties": [self.city.pk, self.fire.pk],
            "themes": [self.public_order.pk],
            "valid_from": "2027-01-01",
            "valid_to": "2027-12-31",
        }
        values.update(data)
        return self.client.post(reverse("protocol-create"), values)

    def extend_url(self, protocol: SharingProtocol | None = None) -> str:
        return reverse("protocol-extend", args=[(protocol or self.protocol).code])


class CreateProtocolTests(ProtocolPageCase):
    def test_coordinator_makes_a_protocol_and_it_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.create()
        self.assertRedirects(response, reverse("protocol-list"), fetch_redirect_response=False)
        protocol = SharingProtocol.objects.get(title="Protocol Horeca 2027")
        assert protocol.municipality == self.city_a
        assert set(protocol.parties.all()) == {self.city, self.fire}
        assert list(protocol.themes.all()) == [self.public_order]
        assert (protocol.valid_from, protocol.valid_to) == (date(2027, 1, 1), date(2027, 12, 31))
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_code=protocol.code)
        assert entry.municipality == self.city_a and entry.username == "coordinator"
        assert entry.detail["parties"] == ["city-a", "fire-a"]
        page = self.client.get(reverse("protocol-list")).content.decode()
        assert "The sharing protocol “Protocol Horeca 2027” was made." in page
        assert "Protocol Horeca 2027" in page and "Fire" in page

    def test_an_open_ended_protocol_without_themes_covers_every_theme(self) -> None:
        self.client.force_login(self.coordinator)
        self.create(themes=[], valid_to="")
        protocol = SharingProtocol.objects.get(title="Protocol Horeca 2027")
        assert protocol.valid_to is None and not protocol.themes.exists()
        page = self.client.get(reverse("protocol-list")).content.decode()
        assert "all themes" in page and "open-ended" in page

    def test_bad_input_changes_nothing_and_says_why(self) -> None:
        self.client.force_login(self.coordinator)
        cases: dict[str, dict[str, Any]] = {
            "The end of the validity must be after its start.": {"valid_to": "2026-12-31"},
            "A protocol binds the city and at least one partner: tick its parties.": {
                "parties": []
            },
            "This field is required.": {"title": ""},
            "Select a valid choice.": {"parties": [self.city.pk, self.outsider_partner()]},
        }
        for message, data in cases.items():
            response = self.create(**data)
            self.assertContains(response, message, msg_prefix=message)
        assert not SharingProtocol.objects.filter(title="Protocol Horeca 2027").exists()
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists()

    def test_a_coordinator_of_two_cities_binds_only_partners_of_the_chosen_one(self) -> None:
        self.coordinator.person.municipalities.add(self.city_b)
        self.client.force_login(self.coordinator)
        response = self.create(parties=[self.city.pk, self.outsider_partner()])
        self.assertContains(response, "City B does not work for Halle.")
        assert not SharingProtocol.objects.filter(title="Protocol Horeca 2027").exists()
        self.create(municipality=self.city_b.pk, parties=[self.outsider_partner(), self.food.pk])
        protocol = SharingProtocol.objects.get(title="Protocol Horeca 2027")
        assert protocol.municipality == self.city_b

    def outsider_partner(self) -> int:
        return self.outsider.person.partner.pk

    def test_nobody_makes_a_protocol_for_another_city(self) -> None:
        self.client.force_login(self.outsider)
        response = self.create(parties=[self.food.pk])
        self.assertContains(response, "Select a valid choice")
        assert not SharingProtocol.objects.filter(title="Protocol Horeca 2027").exists()
        # Their own city's form offers their own city only.
        form = self.client.get(reverse("protocol-create")).content.decode()
        assert "Malmedy" in form and "Halle" not in form

    def test_other_roles_cannot_make_protocols(self) -> None:
        for user in (self.police_inspector, self.social_inspector, self.mayor, self.clerk):
            self.client.force_login(user)
            assert self.client.get(reverse("protocol-create")).status_code == 403, user
            assert self.create().status_code == 403, user
            page = self.client.get(reverse("protocol-list")).content.decode()
            assert reverse("protocol-create") not in page and self.extend_url() not in page
        assert not SharingProtocol.objects.filter(title="Protocol Horeca 2027").exists()

    def test_anonymous_is_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("protocol-create"))
        assert response.status_code == 302 and "login" in response["Location"]


class ExtendProtocolTests(ProtocolPageCase):
    def setUp(self) -> None:
        super().setUp()
        self.protocol.valid_to = date(2026, 12, 31)
        self.protocol.save()
        self.protocol.themes.set([self.undeclared])

    def extend(self, **data: Any) -> Any:
        values: dict[str, Any] = {"valid_to": "2027-12-31"}
        values.update(data)
        return self.client.post(self.extend_url(), values)

    def test_coordinator_adds_parties_and_themes_and_extends_the_validity(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.extend(add_parties=[self.fire.pk], add_themes=[self.public_order.pk])
        self.assertRedirects(response, reverse("protocol-list"), fetch_redirect_response=False)
        self.protocol.refresh_from_db()
        assert (
            self.fire in self.protocol.parties.all() and self.police in self.protocol.parties.all()
        )
        assert set(self.protocol.themes.all()) == {self.undeclared, self.public_order}
        assert self.protocol.valid_to == date(2027, 12, 31)
        entry = AuditEntry.objects.get(
            action=AuditEntry.Action.CHANGE, object_code=self.protocol.code
        )
        assert entry.detail == {
            "added_parties": ["fire-a"],
            "added_themes": ["police-public-order"],
            "valid_to": ["2026-12-31", "2027-12-31"],
        }

    def test_the_form_offers_only_what_would_extend_the_protocol(self) -> None:
        self.client.force_login(self.coordinator)
        page = self.client.get(self.extend_url()).content.decode()
        assert "Protocol A" in page and "Police" in page
        assert f'name="add_parties" value="{self.fire.pk}"' in page
        assert f'name="add_parties" value="{self.police.pk}"' not in page
        assert f'name="add_themes" value="{self.undeclared.pk}"' not in page

    def test_a_validity_cannot_be_shortened_or_end_before_it_starts(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.extend(valid_to="2026-06-30")
        with translation.override("en"):
            end = formats.date_format(date(2026, 12, 31), "DATE_FORMAT")
        self.assertContains(
            response, f"A protocol is only extended: its validity cannot end before {end}."
        )
        response = self.extend(valid_to="2024-06-30")
        self.assertContains(response, "The end of the validity must be after its start.")
        self.protocol.refresh_from_db()
        assert self.protocol.valid_to == date(2026, 12, 31)
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).exists()

    def test_nothing_to_extend_is_said(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.extend(valid_to="2026-12-31")
        self.assertContains(response, "Nothing to extend")
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).exists()

    def test_an_end_can_be_lifted_to_open_ended(self) -> None:
        self.client.force_login(self.coordinator)
        self.extend(valid_to="")
        self.protocol.refresh_from_db()
        assert self.protocol.valid_to is None

    def test_a_party_of_another_city_cannot_be_added(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.extend(add_parties=[self.outsider.person.partner.pk])
        assert response.status_code == 200
        assert not self.protocol.parties.filter(slug="city-b").exists()

    def test_a_coordinator_of_another_city_gets_404(self) -> None:
        self.client.force_login(self.outsider)
        assert self.client.get(self.extend_url()).status_code == 404
        assert self.extend(add_parties=[self.food.pk]).status_code == 404
        assert not self.protocol.parties.filter(pk=self.food.pk).exists()
        assert "Protocol A" not in self.client.get(reverse("protocol-list")).content.decode()

    def test_other_roles_of_the_city_cannot_extend(self) -> None:
        for user in (self.police_inspector, self.mayor, self.clerk, self.analyst):
            self.client.force_login(user)
            assert self.client.get(self.extend_url()).status_code == 403, user
            assert self.extend(add_parties=[self.fire.pk]).status_code == 403, user
        self.protocol.refresh_from_db()
        assert self.protocol.valid_to == date(2026, 12, 31)
        assert not self.protocol.parties.filter(pk=self.fire.pk).exists()

    def test_the_list_offers_extending_to_the_coordinator(self) -> None:
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("protocol-list")).content.decode()
        assert self.extend_url() in page and reverse("protocol-create") in page

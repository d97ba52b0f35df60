"""The subject register: companies, persons, vehicles and premises, their registered
offices and links, refused with a clear message when the input is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.actions.subjects import (
    DuplicateSubject,
    add_subject,
    end_link,
    link,
    move_registered_office,
    subject_for_premises,
)
from cases.models import Link, RegisteredOffice, Subject
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.gis_factories import make_premises

# 0123.456.749: 97 - (1234567 mod 97) = 49.
VALID_NUMBER = "0123.456.749"


class AddSubjectTests(CastTestCase):
    def add(self, **fields: Any) -> Subject:
        fields.setdefault("municipality", self.city_a)
        fields.setdefault("user", self.coordinator)
        return add_subject(**fields)

    def test_company_number_is_normalised_and_office_history_starts(self) -> None:
        company = self.add(
            kind="company",
            name="  Wilby   Wellness BV ",
            enterprise_number="BE 0123 456 749",
            legal_form="BV",
            registered_office="Basilieklaan 1, 1500 Halle",
            office_from=date(2018, 3, 1),
        )
        self.assertEqual(company.name, "Wilby Wellness BV")
        self.assertEqual(company.enterprise_number, VALID_NUMBER)
        office = company.offices.get()
        self.assertEqual((office.address, office.valid_from), (company.address, date(2018, 3, 1)))
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, object_code=str(company.code)
            ).exists()
        )

    def test_enterprise_number_failing_mod_97_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaisesMessage(ValidationError, "check digits fail"):
            self.add(kind="company", name="Bad BV", enterprise_number="0123.456.748")
        self.assertFalse(Subject.objects.exists())

    def test_kvk_number_needs_eight_digits(self) -> None:
        with self.assertRaisesMessage(ValidationError, "8 digits"):
            self.add(kind="company", name="Dutch BV", kvk_number="1234567")
        company = self.add(kind="company", name="Dutch BV", kvk_number="1234 5678")
        self.assertEqual(company.kvk_number, "12345678")

    def test_duplicate_enterprise_number_points_to_the_existing_company(self) -> None:
        first = self.add(kind="company", name="Wilby BV", enterprise_number=VALID_NUMBER)
        with self.assertRaises(DuplicateSubject) as refused:
            self.add(kind="company", name="Wilby bis", enterprise_number="0123456749")
        self.assertEqual(refused.exception.existing, first)
        self.assertIn("Wilby BV", refused.exception.messages[0])
        self.assertEqual(Subject.objects.count(), 1)

    def test_same_number_in_another_city_is_another_company(self) -> None:
        self.add(kind="company", name="Wilby BV", enterprise_number=VALID_NUMBER)
        other = self.add(
            kind="company",
            name="Wilby SRL",
            enterprise_number=VALID_NUMBER,
            municipality=self.city_b,
            user=self.outsider,
        )
        self.assertEqual(other.municipality, self.city_b)

    def test_person_holds_only_what_the_purpose_needs(self) -> None:
        person = self.add(
            kind="person",
            name="Jan Peeters",
            birth_date=date(1970, 5, 4),
            nationality="be",
            address="Markt 1, 1500 Halle",
        )
        self.assertEqual(person.nationality, "BE")
        with self.assertRaisesMessage(ValidationError, "enterprise_number"):
            self.add(kind="person", name="Jan Peeters", enterprise_number=VALID_NUMBER)
        with self.assertRaisesMessage(ValidationError, "future"):
            self.add(kind="person", name="Baby", birth_date=date(2999, 1, 1))
        self.assertEqual(Subject.objects.count(), 1)

    def test_vehicle_needs_a_plate(self) -> None:
        vehicle = self.add(kind="vehicle", name="White van", plate="1-abc-234", plate_country="be")
        self.assertEqual((vehicle.plate, vehicle.plate_country), ("1ABC234", "BE"))
        with self.assertRaisesMessage(ValidationError, "number plate"):
            self.add(kind="vehicle", name="Grey van")

    def test_premises_come_from_the_premises_register_once(self) -> None:
        premises = make_premises(self.city_a, 1, name="Salon Lotus")
        with self.assertRaises(ValidationError):
            self.add(kind="premises", name="Salon Lotus")
        subject = subject_for_premises(premises=premises, user=self.clerk)
        again = subject_for_premises(premises=premises, user=self.coordinator)
        self.assertEqual(subject, again)
        self.assertEqual((subject.kind, subject.name), ("premises", "Salon Lotus"))
        self.assertEqual(subject.municipality, self.city_a)
        self.assertEqual(
            AuditEntry.objects.filter(object_code=str(subject.code)).count(), 1, "created once"
        )


class RegisteredOfficeTests(CastTestCase):
    def test_a_move_closes_the_current_office_and_keeps_the_history(self) -> None:
        company = add_subject(
            municipality=self.city_a,
            user=self.coordinator,
            kind="company",
            name="Wilby BV",
            registered_office="Basilieklaan 1, 1500 Halle",
            office_from=date(2018, 1, 1),
        )
        move_registered_office(
            company=company, address="Nijvelsesteenweg 9", on=date(2019, 6, 1), user=self.analyst
        )
        move_registered_office(
            company=company, address="Bergensesteenweg 3", on=date(2020, 2, 1), user=self.analyst
        )
        offices = list(company.offices.values_list("address", "valid_from", "valid_to"))
        self.assertEqual(
            offices,
            [
                ("Basilieklaan 1, 1500 Halle", date(2018, 1, 1), date(2019, 5, 31)),
                ("Nijvelsesteenweg 9", date(2019, 6, 1), date(2020, 1, 31)),
                ("Bergensesteenweg 3", date(2020, 2, 1), None),
            ],
        )
        company.refresh_from_db()
        self.assertEqual(company.address, "Bergensesteenweg 3")

    def test_a_move_before_the_current_office_opened_is_refused(self) -> None:
        company = add_subject(
            municipality=self.city_a,
            user=self.coordinator,
            kind="company",
            name="Wilby BV",
            registered_office="Basilieklaan 1",
            office_from=date(2020, 1, 1),
        )
        with self.assertRaisesMessage(ValidationError, "must come after"):
            move_registered_office(
                company=company, address="Elders 2", on=date(2019, 1, 1), user=self.coordinator
            )
        self.assertEqual(RegisteredOffice.objects.count(), 1)


class LinkTests(CastTestCase):
    manager: Subject
    company: Subject

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.manager = add_subject(
            municipality=cls.city_a, user=cls.coordinator, kind="person", name="Jan Peeters"
        )
        cls.company = add_subject(
            municipality=cls.city_a, user=cls.coordinator, kind="company", name="Wilby BV"
        )

    def test_link_with_role_and_period(self) -> None:
        made = link(
            source=self.manager,
            target=self.company,
            role="manager",
            valid_from=date(2018, 1, 1),
            note="Belgian Official Gazette",
            user=self.analyst,
        )
        self.assertEqual(str(made), "Jan Peeters — manager — Wilby BV")
        self.assertTrue(AuditEntry.objects.filter(object_code=str(made.code)).exists())

    def test_subject_linked_twice_for_an_overlapping_period_is_refused(self) -> None:
        link(
            source=self.manager,
            target=self.company,
            role="manager",
            valid_from=date(2018, 1, 1),
            valid_to=date(2020, 12, 31),
            user=self.analyst,
        )
        with self.assertRaisesMessage(ValidationError, "already linked as manager"):
            link(
                source=self.manager,
                target=self.company,
                role="manager",
                valid_from=date(2020, 6, 1),
                user=self.analyst,
            )
        # Another period, or another role, is another link.
        link(
            source=self.manager,
            target=self.company,
            role="manager",
            valid_from=date(2021, 1, 1),
            user=self.analyst,
        )
        link(source=self.manager, target=self.company, role="employee", user=self.analyst)
        self.assertEqual(Link.objects.count(), 3)

    def test_link_ending_before_it_starts_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "before it starts"):
            link(
                source=self.manager,
                target=self.company,
                role="manager",
                valid_from=date(2020, 1, 1),
                valid_to=date(2019, 1, 1),
                user=self.analyst,
            )
        self.assertFalse(Link.objects.exists())

    def test_link_across_two_municipalities_is_refused(self) -> None:
        elsewhere = add_subject(
            municipality=self.city_b, user=self.outsider, kind="company", name="Malmedy SRL"
        )
        with self.assertRaisesMessage(ValidationError, "different municipalities"):
            link(source=self.manager, target=elsewhere, role="manager", user=self.analyst)
        with self.assertRaisesMessage(ValidationError, "itself"):
            link(source=self.manager, target=self.manager, role="manager", user=self.analyst)
        self.assertFalse(Link.objects.exists())

    def test_end_link_keeps_it_and_refuses_an_end_before_the_start(self) -> None:
        made = link(
            source=self.manager,
            target=self.company,
            role="manager",
            valid_from=date(2018, 1, 1),
            user=self.analyst,
        )
        with self.assertRaisesMessage(ValidationError, "before it starts"):
            end_link(link=made, on=date(2017, 1, 1), user=self.analyst)
        ended = end_link(link=made, on=date(2022, 3, 31), user=self.analyst)
        self.assertEqual(ended.valid_to, date(2022, 3, 31))
        with self.assertRaisesMessage(ValidationError, "already ended"):
            end_link(link=made, on=date(2023, 1, 1), user=self.analyst)


class SubjectPageTests(CastTestCase):
    company: Subject
    manager: Subject

    def setUp(self) -> None:
        # The pages in English, whatever the city's language and the catalogues hold.
        self.client.cookies["django_language"] = "en"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.company = add_subject(
            municipality=cls.city_a,
            user=cls.coordinator,
            kind="company",
            name="Wilby BV",
            enterprise_number=VALID_NUMBER,
            registered_office="Basilieklaan 1, 1500 Halle",
            office_from=date(2018, 1, 1),
        )
        cls.manager = add_subject(
            municipality=cls.city_a, user=cls.coordinator, kind="person", name="Ward Wilby"
        )

    def test_register_searches_by_name_number_and_plate(self) -> None:
        add_subject(
            municipality=self.city_a,
            user=self.coordinator,
            kind="vehicle",
            name="White van",
            plate="1-ABC-234",
        )
        self.client.force_login(self.analyst)
        url = reverse("cases:subject-register")
        self.assertContains(self.client.get(url, {"q": "0123456749"}), "Wilby BV")
        self.assertNotContains(self.client.get(url, {"q": "0123456749"}), "Ward Wilby")
        self.assertContains(self.client.get(url, {"q": "1abc234"}), "White van")
        self.assertContains(self.client.get(url, {"q": "wilby", "kind": "person"}), "Ward Wilby")
        self.assertTrue(
            AuditEntry.objects.filter(
                user=self.analyst, action=AuditEntry.Action.READ, object_type="cases.Subject"
            ).exists()
        )

    def test_register_is_refused_to_other_roles(self) -> None:
        for user in (self.police_inspector, self.clerk, self.mayor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("cases:subject-register")).status_code, 403)
            self.assertEqual(self.client.get(reverse("cases:subject-new")).status_code, 403)

    def test_another_municipalitys_subject_is_404(self) -> None:
        self.client.force_login(self.outsider)
        for name in ("cases:subject-detail", "cases:subject-link-new", "cases:subject-office-move"):
            method = self.client.get if name == "cases:subject-detail" else self.client.post
            self.assertEqual(method(reverse(name, args=[self.company.code])).status_code, 404)
        self.client.force_login(self.police_inspector)
        url = reverse("cases:subject-detail", args=[self.company.code])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_subject_page_shows_office_history_and_is_audited(self) -> None:
        move_registered_office(
            company=self.company, address="Elders 2, 1500 Halle", on=date(2020, 1, 1), user=None
        )
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("cases:subject-detail", args=[self.company.code]))
        self.assertContains(response, "Basilieklaan 1, 1500 Halle")
        self.assertContains(response, "Elders 2, 1500 Halle")
        self.assertContains(response, "2 registered offices")
        self.assertTrue(
            AuditEntry.objects.filter(
                user=self.coordinator,
                action=AuditEntry.Action.READ,
                object_code=str(self.company.code),
            ).exists()
        )

    def test_person_page_shows_premises_through_their_companies(self) -> None:
        parlour = subject_for_premises(
            premises=make_premises(self.city_a, 7, name="Salon Lotus"), user=self.coordinator
        )
        link(source=self.manager, target=self.company, role="manager", user=self.coordinator)
        link(source=self.company, target=parlour, role="operator", user=self.coordinator)
        self.client.force_login(self.analyst)
        response = self.client.get(reverse("cases:subject-detail", args=[self.manager.code]))
        self.assertContains(response, "Premises through their companies")
        self.assertContains(response, "Salon Lotus")

    def test_form_refuses_a_mod_97_failure_and_saves_nothing(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("cases:subject-new"),
            {
                "municipality": self.city_a.pk,
                "kind": "company",
                "name": "Bad BV",
                "enterprise_number": "0123.456.748",
            },
        )
        # The identifier's own message, in the city's language, names what was typed.
        self.assertContains(response, "<li>“0123.456.748”", status_code=400)
        self.assertFalse(Subject.objects.filter(name="Bad BV").exists())

    def test_form_points_to_the_existing_company(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("cases:subject-new"),
            {
                "municipality": self.city_a.pk,
                "kind": "company",
                "name": "Wilby Again",
                "enterprise_number": "BE0123456749",
            },
        )
        self.assertContains(response, "it is Wilby BV", status_code=400)
        self.assertContains(
            response,
            reverse("cases:subject-detail", args=[self.company.code]),
            status_code=400,
        )
        self.assertFalse(Subject.objects.filter(name="Wilby Again").exists())

    def test_form_adds_a_person_and_opens_their_page(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.post(
            reverse("cases:subject-new"),
            {
                "municipality": self.city_a.pk,
                "kind": "person",
                "name": "Rita Resident",
                "birth_date": "1980-02-03",
                "nationality": "nl",
            },
        )
        person = Subject.objects.get(name="Rita Resident")
        self.assertRedirects(response, reverse("cases:subject-detail", args=[person.code]))
        self.assertEqual((person.kind, person.nationality), ("person", "NL"))

    def test_link_form_refuses_a_subject_linked_twice(self) -> None:
        self.client.force_login(self.analyst)
        url = reverse("cases:subject-link-new", args=[self.company.code])
        fields = {
            "direction": "in",
            "role": "manager",
            "other": "Ward Wilby",
            "valid_from": "2018-01-01",
        }
        self.assertEqual(self.client.post(url, fields).status_code, 302)
        response = self.client.post(url, fields | {"valid_from": "2019-05-01"})
        self.assertContains(response, "already linked as manager", status_code=400)
        self.assertEqual(Link.objects.count(), 1)
        saved = Link.objects.get()
        self.assertEqual((saved.source, saved.target), (self.manager, self.company))

    def test_link_form_refuses_an_end_before_the_start(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.post(
            reverse("cases:subject-link-new", args=[self.company.code]),
            {
                "direction": "in",
                "role": "manager",
                "other": "Ward Wilby",
                "valid_from": "2020-01-01",
                "valid_to": "2019-01-01",
            },
        )
        self.assertContains(response, "before it starts", status_code=400)
        self.assertFalse(Link.objects.exists())

    def test_end_a_link_from_the_page(self) -> None:
        made = link(source=self.manager, target=self.company, role="manager", user=None)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("cases:subject-link-end", args=[self.company.code, made.code]),
            {"on": "2024-12-31"},
        )
        self.assertEqual(response.status_code, 302)
        made.refresh_from_db()
        self.assertEqual(made.valid_to, date(2024, 12, 31))

    def test_picker_offers_only_visible_subjects(self) -> None:
        add_subject(municipality=self.city_b, user=self.outsider, kind="person", name="Ward Other")
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("cases:subject-pick"), {"other": "ward"})
        self.assertContains(response, "Ward Wilby")
        self.assertNotContains(response, "Ward Other")

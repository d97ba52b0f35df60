"""A premises of the register joins a case from the case page: found by a search, chosen
among the matches, it becomes one of the case's subjects (and so a node of its network
and a visit of the action day planned from it)."""

from __future__ import annotations

from django.urls import reverse

from cases.actions.files import add_member, open_case
from cases.models import Case, Phenomenon, Subject
from tests.base import CastTestCase
from tests.gis_factories import make_premises


class CasePremisesTests(CastTestCase):
    case: Case

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = open_case(
            municipality=cls.city_a,
            user=cls.coordinator,
            title="Massage parlours",
            phenomenon=Phenomenon.PROSTITUTION,
        )
        add_member(case=cls.case, person=cls.police_inspector.person, user=cls.coordinator)

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def url(self) -> str:
        return reverse("cases:case-premises-add", kwargs={"code": self.case.code})

    def test_a_team_member_adds_a_premises_found_in_the_register(self) -> None:
        parlour = make_premises(self.city_a, 7, name="Massage Jade")
        self.client.force_login(self.police_inspector)
        page = self.client.get(reverse("cases:case", kwargs={"code": self.case.code}))
        self.assertContains(page, "A premises from the register")
        response = self.client.post(self.url(), {"premises": str(parlour.code)})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Massage Jade is added to the case.")
        subject = Subject.objects.get(premises=parlour)
        self.assertEqual(subject.kind, Subject.Kind.PREMISES)
        self.assertEqual(list(self.case.subjects.all()), [subject])
        # Twice: refused with the reason, still once in the case.
        response = self.client.post(self.url(), {"premises": str(parlour.code)})
        self.assertContains(response, "already in this case", status_code=400)
        self.assertEqual(self.case.subjects.count(), 1)

    def test_nothing_chosen_or_another_citys_premises_is_refused_and_nothing_saved(
        self,
    ) -> None:
        elsewhere = make_premises(self.city_b, 8, name="Salon ailleurs")
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url(), {"premises_query": "Jade"})
        self.assertContains(response, "Search for the premises and choose it.", status_code=400)
        response = self.client.post(self.url(), {"premises": str(elsewhere.code)})
        self.assertContains(response, "Choose a premises among the matches.", status_code=400)
        self.assertFalse(Subject.objects.filter(kind=Subject.Kind.PREMISES).exists())

    def test_outside_the_team_the_case_is_not_found(self) -> None:
        parlour = make_premises(self.city_a, 9, name="Massage Orchidee")
        for user in (self.social_inspector, self.clerk, self.outsider):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url(), {"premises": str(parlour.code)})
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Subject.objects.filter(premises=parlour).exists())

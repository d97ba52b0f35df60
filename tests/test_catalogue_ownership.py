"""Who may change the shared catalogues: checklists, what a partner may check and the
sector rules. Nobody changes what another city or partner owns; a city adapts its own
copy of a shared checklist, which from then on is what its visits use."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.contrib.auth.models import Permission, User
from django.urls import reverse

from inspections import actions
from inspections.checklist_actions import adapt_checklist
from inspections.field_access import checklists_by_visit
from inspections.models import ActionDay, ChecklistTemplate, ChecklistVersion, Visit, VisitTask
from partners.models import AuditEntry, Competency, Partner, Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.field_fixtures import version_of
from tests.gis_factories import make_premises
from tests.planning_fixtures import make_action_day, next_week

NEW_QUESTION = {
    "prefix": "new",
    "new-name": "ladders",
    "new-type": "yes_no",
    "new-label_nl": "Ladders in orde?",
    "new-sharing": "shared",
}


def visit_in(day: ActionDay, number: int, partner: Partner, competency: str) -> Visit:
    visit = Visit.objects.create(
        action_day=day, premises=make_premises(day.municipality, number), route_order=number
    )
    VisitTask.objects.create(
        visit=visit, competency=Competency.objects.get(code=competency), partner=partner
    )
    return visit


def slugs(user: Any, visit: Visit) -> list[str]:
    """The checklists the user fills at the visit, the trafficking indicators (filled at
    every visit) left out."""
    versions = checklists_by_visit(user, [visit])[visit.pk]
    return [v.template.slug for v in versions if v.template.slug != "trafficking-indicators"]


class ChecklistOwnershipTests(CastTestCase):
    social_admin: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.social_admin = make_user("social-admin", cls.social, [Role.ADMIN], cls.city_a)

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.shared = version_of("social-employment")

    def adapt(self, user: User, version: ChecklistVersion, **data: str) -> Any:
        self.client.force_login(user)
        return self.client.post(reverse("checklist-adapt", args=[version.code]), data)

    def test_a_coordinator_cannot_change_a_shared_checklist_and_is_offered_to_adapt_it(
        self,
    ) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.post(reverse("checklist-new-draft", args=[self.shared.code]))
        self.assertContains(response, "shared by every city", status_code=403)
        self.assertContains(response, "Adapt for Halle", status_code=403)
        self.assertFalse(self.shared.template.versions.filter(status="draft").exists())
        page = self.client.get(reverse("checklist-version", args=[self.shared.code]))
        self.assertContains(page, "Adapt for Halle")
        self.assertNotContains(page, "New draft from this version")

    def test_a_shared_draft_is_not_changed_by_a_coordinator(self) -> None:
        draft = self.shared.new_draft()
        self.client.force_login(self.coordinator)
        for name in ("checklist-question-save", "checklist-publish"):
            response = self.client.post(reverse(name, args=[draft.code]), NEW_QUESTION)
            self.assertEqual(response.status_code, 403, name)
        draft.refresh_from_db()
        self.assertFalse(draft.is_published)
        self.assertIsNone(draft.question("ladders"))

    def test_adapting_makes_the_citys_own_copy_and_only_its_visits_use_it(self) -> None:
        response = self.adapt(self.coordinator, self.shared)
        copy = ChecklistTemplate.objects.get(adapted_from=self.shared.template)
        draft = copy.versions.get()
        self.assertRedirects(response, reverse("checklist-version", args=[draft.code]))
        self.assertEqual((copy.municipality, copy.owner_partner), (self.city_a, None))
        self.assertEqual(draft.definition, self.shared.definition)
        self.assertTrue(AuditEntry.objects.filter(object_code=str(draft.code)).exists())
        self.client.post(reverse("checklist-question-save", args=[draft.code]), NEW_QUESTION)
        day_a = make_action_day(self.cast)
        day_b = actions.create_action_day(
            user=self.outsider,
            municipality=self.city_b,
            title="Journée d'action",
            date=next_week(),
            starts_at=time(9),
            ends_at=time(16),
        )
        in_a = visit_in(day_a, 1, self.social, "undeclared-work")
        in_b = visit_in(day_b, 2, self.social, "undeclared-work")
        # A draft changes nothing in the field until the city publishes it.
        self.assertEqual(slugs(self.social_inspector, in_a), ["social-employment"])
        self.client.post(reverse("checklist-publish", args=[draft.code]))
        self.assertEqual(slugs(self.social_inspector, in_a), [copy.slug])
        self.assertEqual(slugs(self.social_inspector, in_b), ["social-employment"])
        self.assertEqual(self.shared.template.current_version(), self.shared)
        self.assertIsNone(self.shared.question("ladders"))

    def test_adapting_again_leads_to_the_same_copy(self) -> None:
        self.adapt(self.coordinator, self.shared)
        response = self.adapt(self.coordinator, self.shared)
        copy = ChecklistTemplate.objects.get(adapted_from=self.shared.template)
        self.assertRedirects(
            response, reverse("checklist-version", args=[copy.versions.get().code])
        )

    def test_each_city_adapts_its_own_copy(self) -> None:
        self.adapt(self.coordinator, self.shared)
        self.adapt(self.outsider, self.shared)
        copies = ChecklistTemplate.objects.filter(adapted_from=self.shared.template)
        self.assertEqual({copy.municipality for copy in copies}, {self.city_a, self.city_b})

    def test_another_citys_copy_is_not_found(self) -> None:
        draft = adapt_checklist(
            template=self.shared.template, user=self.coordinator, municipality=self.city_a
        )
        self.client.force_login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("checklist-version", args=[draft.code])).status_code, 404
        )
        for name in ("checklist-question-save", "checklist-publish", "checklist-new-draft"):
            response = self.client.post(reverse(name, args=[draft.code]), NEW_QUESTION)
            self.assertEqual(response.status_code, 404, name)
        self.assertNotContains(self.client.get(reverse("checklist-list")), draft.template.slug)
        draft.refresh_from_db()
        self.assertFalse(draft.is_published)

    def test_the_field_api_does_not_serve_another_citys_copy(self) -> None:
        draft = adapt_checklist(
            template=self.shared.template, user=self.coordinator, municipality=self.city_a
        )
        draft.publish()
        url = reverse("api-v1:checklist", args=[draft.code])
        self.client.force_login(self.social_inspector)
        self.assertEqual(self.client.get(url).json()["template"], draft.template.slug)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_city_cannot_adapt_for_another_city(self) -> None:
        response = self.adapt(self.coordinator, self.shared, owner=f"city:{self.city_b.code}")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ChecklistTemplate.objects.filter(municipality=self.city_b).exists())

    def test_a_partners_checklist_is_changed_only_by_its_administrators(self) -> None:
        template = ChecklistTemplate.objects.create(
            slug="social-own",
            competency=Competency.objects.get(code="undeclared-work"),
            title_nl="Eigen lijst",
            title_fr="Liste propre",
            title_en="Own list",
            owner_partner=self.social,
        )
        draft = ChecklistVersion.objects.create(template=template, number=1)
        self.client.force_login(self.coordinator)
        self.assertEqual(
            self.client.get(reverse("checklist-version", args=[draft.code])).status_code, 200
        )
        response = self.client.post(
            reverse("checklist-question-save", args=[draft.code]), NEW_QUESTION
        )
        self.assertContains(
            response, "Only the administrators of Social Inspection", status_code=403
        )
        self.client.force_login(self.social_admin)
        self.client.post(reverse("checklist-question-save", args=[draft.code]), NEW_QUESTION)
        self.client.post(reverse("checklist-publish", args=[draft.code]))
        draft.refresh_from_db()
        self.assertTrue(draft.is_published)
        self.assertIsNotNone(draft.question("ladders"))

    def test_a_partners_copy_comes_before_the_citys_for_its_own_inspectors(self) -> None:
        city = adapt_checklist(
            template=self.shared.template, user=self.coordinator, municipality=self.city_a
        )
        city.publish()
        self.adapt(self.social_admin, self.shared, owner=f"partner:{self.social.code}")
        own = ChecklistTemplate.objects.get(owner_partner=self.social)
        own.versions.get().publish()
        day = make_action_day(self.cast)
        social_visit = visit_in(day, 3, self.social, "undeclared-work")
        police_visit = visit_in(day, 4, self.police, "undeclared-work")
        self.assertEqual(slugs(self.social_inspector, social_visit), [own.slug])
        # Another partner's copy is never theirs: the police fill the city's.
        self.assertEqual(slugs(self.police_inspector, police_visit), [city.template.slug])

    def test_import_of_a_shared_checklists_export_becomes_a_draft_of_the_citys_copy(
        self,
    ) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.coordinator)
        data = self.client.get(reverse("checklist-export", args=[self.shared.code])).content
        response = self.client.post(
            reverse("checklist-import"),
            {
                "file": SimpleUploadedFile("social-employment.xlsx", data),
                "competency": Competency.objects.get(code="undeclared-work").pk,
            },
        )
        copy = ChecklistTemplate.objects.get(adapted_from=self.shared.template)
        draft = copy.versions.get()
        self.assertRedirects(response, reverse("checklist-version", args=[draft.code]))
        self.assertEqual(copy.municipality, self.city_a)
        self.assertFalse(self.shared.template.versions.filter(status="draft").exists())

    def test_a_platform_superuser_changes_a_shared_checklist(self) -> None:
        root = make_user("root", self.city, [Role.ADMIN], self.city_a)
        root.is_superuser = True
        root.save()
        self.client.force_login(root)
        response = self.client.post(reverse("checklist-new-draft", args=[self.shared.code]))
        draft = self.shared.template.versions.get(status="draft")
        self.assertRedirects(response, reverse("checklist-version", args=[draft.code]))

    def test_the_list_says_whose_each_checklist_is(self) -> None:
        adapt_checklist(
            template=self.shared.template, user=self.coordinator, municipality=self.city_a
        )
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("checklist-list"))
        self.assertContains(response, "Shared by every city")
        self.assertContains(response, "<td>Halle</td>", html=True)


class CompetencyOwnershipTests(CastTestCase):
    def toggle(self, user: User, partner: Partner, code: str, held: bool, **extra: Any) -> Any:
        self.client.force_login(user)
        data = {"partner": str(partner.code), "competency": code}
        if held:
            data["held"] = "on"
        return self.client.post(reverse("competency-toggle"), data, **extra)

    def test_a_coordinator_cannot_change_a_partner_that_works_for_other_cities(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.toggle(self.coordinator, self.social, "undeclared-work", False)
        self.assertContains(response, "also works for other cities", status_code=403)
        htmx = self.toggle(
            self.coordinator, self.social, "undeclared-work", False, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(htmx.status_code, 403)
        self.assertTrue(self.social.competencies.filter(code="undeclared-work").exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_the_matrix_shows_such_a_partner_read_only(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(reverse("competency-matrix")).content.decode()
        row = page[page.index("Social Inspection") :].split("</tr>")[0]
        self.assertIn("disabled", row)
        self.assertNotIn('name="partner"', row)
        police = page[page.index(">Police<") :].split("</tr>")[0]
        self.assertIn('name="partner"', police)

    def test_a_partners_own_administrator_changes_what_it_may_check(self) -> None:
        admin = make_user("social-admin", self.social, [Role.ADMIN], self.city_a)
        response = self.toggle(admin, self.social, "fire-safety", True, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.social.competencies.filter(code="fire-safety").exists())

    def test_a_coordinator_changes_a_partner_that_works_for_their_city_alone(self) -> None:
        response = self.toggle(
            self.coordinator, self.police, "fire-safety", True, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.police.competencies.filter(code="fire-safety").exists())

    def test_staff_who_are_not_superusers_cannot_change_the_competency_catalogue(self) -> None:
        staff = User.objects.create_user("staff", is_staff=True)
        staff.user_permissions.set(Permission.objects.filter(codename__endswith="competency"))
        competency = Competency.objects.get(code="fire-safety")
        self.client.force_login(staff)
        url = reverse("admin:partners_competency_change", args=[competency.pk])
        response = self.client.post(url, {"code": "fire-safety", "title_nl": "Gewijzigd"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Competency.objects.get(pk=competency.pk).title_nl, competency.title_nl)


class SectorRuleOwnershipTests(CastTestCase):
    def test_a_coordinator_changes_only_their_own_citys_rules(self) -> None:
        self.client.force_login(self.coordinator)
        data = {"sector": "car_wash", "competency": "fire-safety", "needed": "on"}
        refused = self.client.post(
            reverse("sector-rule-toggle"), data | {"municipality": self.city_b.code}
        )
        self.assertEqual(refused.status_code, 400)
        self.assertFalse(self.city_b.sector_rules.exists())
        self.client.post(reverse("sector-rule-toggle"), data | {"municipality": self.city_a.code})
        self.assertTrue(
            self.city_a.sector_rules.filter(
                sector__code="car_wash", competency__code="fire-safety"
            ).exists()
        )
        # City B still reads the shared defaults, without the rule city A added.
        defaults = {
            (r.sector_id, r.competency_id) for r in actions.default_sector_rules(self.city_b)
        }
        self.assertEqual(actions.sector_rules_in_use(self.city_b), defaults)

    def test_another_citys_rules_page_is_never_shown(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("sector-rules"), {"municipality": self.city_b.code})
        self.assertEqual(response.context["municipality"], self.city_a)
        self.assertNotIn(self.city_b, list(response.context["municipalities"]))

"""The sync's one-query check of the checklist a partner records at a visit says what the
field pages' list of that visit's checklists says, in every case the catalogue allows:
shared checklists, a city's and a partner's own copies (published or still drafts),
another city's copy, a copy of another competency, older versions, sectors."""

from __future__ import annotations

from typing import Any

from gis.models import Sector
from inspections.checklist_actions import adapt_checklist
from inspections.field_access import checklist_at_visit, checklist_refusal, checklists_by_visit
from inspections.models import ChecklistTemplate, ChecklistVersion, Visit, VisitTask
from partners.models import Competency
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, make_premises, version_of


class ChecklistAtVisitTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        social = version_of("social-employment")
        identity = version_of("police-identities")
        # A city's copy, published: it replaces the shared checklist in city A.
        self.publish(adapt_checklist(template=social.template, user=self.coordinator,
                                     municipality=self.city_a))  # fmt: skip
        # Another city's copy, published: never in city A.
        self.publish(adapt_checklist(template=identity.template, user=self.coordinator,
                                     municipality=self.city_b))  # fmt: skip
        # The police's own copy of the identity checks, in two published versions.
        own = self.publish(adapt_checklist(template=identity.template, user=self.coordinator,
                                           partner=self.police))  # fmt: skip
        self.publish(own.new_draft())
        # The social inspection's copy of the trafficking indicators, only a draft.
        trafficking = version_of("trafficking-indicators")
        adapt_checklist(template=trafficking.template, user=self.coordinator, partner=self.social)
        # A shared checklist for other sectors only, and one of a competency nobody has
        # a task for at these visits.
        night = ChecklistTemplate.objects.create(
            slug="night-only", competency=identity.template.competency,
            title_nl="Nacht", title_fr="Nuit", title_en="Night",
        )  # fmt: skip
        night.sectors.set([Sector.objects.get(code="night_shop")])
        self.publish(ChecklistVersion.objects.create(template=night, number=1,
                                                     definition=identity.definition))  # fmt: skip
        elsewhere = ChecklistTemplate.objects.create(
            slug="other-competency", competency=Competency.objects.get(code="undeclared-work"),
            title_nl="Ander", title_fr="Autre", title_en="Other", owner_partner=self.police,
        )  # fmt: skip
        self.publish(ChecklistVersion.objects.create(template=elsewhere, number=1,
                                                     definition=identity.definition))  # fmt: skip
        # A visit to a night shop of team 1, and one to premises without a sector.
        for number, sector in ((7, "night_shop"), (8, None)):
            premises = make_premises(self.cast, number, "night_shop")
            if sector is None:
                premises.sector = None
                premises.save()
            visit = Visit.objects.create(
                action_day=self.field.day, premises=premises, team=self.field.team_1
            )
            for partner, code in ((self.police, "identity-residence"),
                                  (self.social, "undeclared-work")):  # fmt: skip
                VisitTask.objects.create(
                    visit=visit, partner=partner, competency=Competency.objects.get(code=code)
                )
            self.field.visits.append(visit)

    def publish(self, version: ChecklistVersion) -> ChecklistVersion:
        version.publish()
        return version

    def test_the_check_agrees_with_the_list_of_the_visits_checklists(self) -> None:
        versions = list(ChecklistVersion.objects.select_related("template"))
        checked = allowed_seen = 0
        for user in (self.police_inspector, self.social_inspector):
            for listed in self.field.visits:
                visit = Visit.objects.select_related("action_day", "premises").get(pk=listed.pk)
                listed_ids = {v.template_id for v in checklists_by_visit(user, [visit])[visit.pk]}
                for version in versions:
                    expected = version.template_id in listed_ids and version.is_published
                    found: Any = checklist_at_visit(user, visit, version.code)
                    self.assertEqual(found is not None, version.is_published)
                    fills = bool(found is not None and found.fills)
                    self.assertEqual(fills, expected, (user, visit, version))
                    if version.is_published:
                        refused = bool(checklist_refusal(user, visit, version))
                        self.assertEqual(not refused, expected, (user, visit, version))
                    checked += 1
                    allowed_seen += expected
        self.assertGreater(allowed_seen, 10)
        self.assertGreater(checked, 100)

    def test_an_older_published_version_of_a_checklist_in_force_is_still_taken(self) -> None:
        own = ChecklistTemplate.objects.get(owner_partner=self.police, adapted_from__isnull=False)
        first = own.versions.get(number=1)
        visit = self.field.visits[0]
        found: Any = checklist_at_visit(self.police_inspector, visit, first.code)
        self.assertTrue(found.fills)
        shared = version_of("police-identities")
        found = checklist_at_visit(self.police_inspector, visit, shared.code)
        self.assertFalse(found.fills)

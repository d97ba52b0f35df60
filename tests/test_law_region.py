"""The law of the city's region, in the document's language: a municipality has a region
(Flanders, Brussels-Capital, Wallonia) or is Dutch; catalogue entries carry the country
and region they apply to; a city sees only what applies to it, and its joint report,
decision and briefing pack print its own law in its own language."""

from __future__ import annotations

import io
import re
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from decisions import actions as decision_actions
from decisions import documents, rendering
from decisions.forms import StartDecisionForm
from decisions.models import DecisionType, Document, LegalArticle
from inspections import actions, briefing
from inspections.checklists.definition import legal_reference_in
from inspections.models import FindingAnswer, SectorRule, VisitTask
from partners.models import Competency, Municipality, Region, region_of_nis_code
from tests.base import CastTestCase
from tests.day_fixtures import build_day
from tests.decision_fixtures import (
    POLICE_ANSWERS,
    SOCIAL_ANSWERS,
    close,
    seed_decision_catalogue,
    submit,
    type_version,
)
from tests.field_fixtures import build_field_day, seed_field_checklists
from tests.test_decisions import THB, ready_closure

# Words of Dutch legal texts that must never reach a French document.
DUTCH_LAW = re.compile(
    r"Strafwetboek|[Ww]etboek|Wet op|[Ww]et van|Gemeentewet|Codex|Huisvestingscode|"
    r"[Oo]mzendbrief|[Pp]olitiereglement|Vreemdelingenwet|[Dd]ecreet|[Bb]evoegdheden"
)

HOUSING_ANSWERS: dict[str, Any] = {"occupants": 9, "unfit_space": "yes"}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def becomes(city: Municipality, code: str, name: str, language: str, region: str) -> None:
    city.code, city.name, city.language, city.region = code, name, language, region
    city.save()


class RegionOfAMunicipalityTests(CastTestCase):
    def test_the_region_follows_from_the_nis_code(self) -> None:
        assert region_of_nis_code("23027") == Region.FLANDERS  # Halle
        assert region_of_nis_code("11002") == Region.FLANDERS  # Antwerpen
        assert region_of_nis_code("21004") == Region.BRUSSELS  # Bruxelles
        assert region_of_nis_code("25072") == Region.WALLONIA  # Nivelles
        assert region_of_nis_code("63049") == Region.WALLONIA  # Malmedy
        assert region_of_nis_code("GM0935") == ""

    def test_a_belgian_municipality_saved_without_a_region_gets_its_own(self) -> None:
        assert self.city_a.region == Region.FLANDERS
        assert self.city_b.region == Region.WALLONIA
        assert self.city_a.jurisdictions() == ("BE-VLG", "BE")

    def test_a_belgian_municipality_needs_a_region_a_dutch_one_has_none(self) -> None:
        unknown = Municipality(code="00001", name="Nowhere", language="fr", country="BE")
        with self.assertRaises(ValidationError) as raised:
            unknown.full_clean()
        assert "region" in raised.exception.message_dict
        dutch = Municipality(
            code="GM0935", name="Maastricht", language="nl", country="NL", region="BE-VLG"
        )
        with self.assertRaises(ValidationError):
            dutch.full_clean()
        dutch.region = ""
        dutch.full_clean()
        assert dutch.jurisdictions() == ("NL",)

    def test_the_admin_makes_a_municipality_with_the_region_of_its_code(self) -> None:
        admin = User.objects.create_superuser("root", "root@example.test", "pw")
        self.client.force_login(admin)
        self.client.cookies["django_language"] = "en"
        url = reverse("admin:partners_municipality_add")
        page = self.client.get(url)
        self.assertContains(page, 'name="region"')
        self.assertContains(page, "Brussels-Capital Region")
        fields = {"code": "21004", "name": "Bruxelles", "language": "fr", "country": "BE"}
        self.client.post(url, {**fields, "region": ""})
        assert Municipality.objects.get(code="21004").region == Region.BRUSSELS

    def test_the_admin_refuses_a_belgian_municipality_whose_region_is_unknown(self) -> None:
        admin = User.objects.create_superuser("root", "root@example.test", "pw")
        self.client.force_login(admin)
        self.client.cookies["django_language"] = "en"
        fields = {"code": "00001", "name": "Nowhere", "language": "fr", "country": "BE"}
        response = self.client.post(reverse("admin:partners_municipality_add"), fields)
        self.assertContains(response, "Choose the region")
        assert not Municipality.objects.filter(code="00001").exists()


class CatalogueOfTheRegionTests(CastTestCase):
    def test_housing_law_is_that_of_the_region_in_the_asked_language(self) -> None:
        housing = Competency.objects.get(code="housing-quality")
        assert "Vlaamse Codex Wonen" in housing.legal_basis_for(self.city_a, "nl")
        assert "Code flamand du Logement" in housing.legal_basis_for(self.city_a, "fr")
        assert "Code wallon de l'habitation durable" in housing.legal_basis_for(self.city_b, "fr")
        becomes(self.city_b, "21004", "Bruxelles", "fr", Region.BRUSSELS)
        assert "Code bruxellois du Logement" in housing.legal_basis_for(self.city_b, "fr")
        assert "Brusselse Huisvestingscode" in housing.legal_basis_for(self.city_b, "nl")
        maastricht = Municipality.objects.create(
            code="GM0935", name="Maastricht", language="nl", country="NL"
        )
        assert "Woningwet" in housing.legal_basis_for(maastricht, "nl")
        # Federal law is the same everywhere in Belgium.
        social = Competency.objects.get(code="undeclared-work")
        assert social.legal_basis_for(self.city_b, "fr") == social.legal_basis_in("fr")

    def test_an_english_page_shows_the_law_in_the_citys_language(self) -> None:
        housing = Competency.objects.get(code="housing-quality")
        police = Competency.objects.get(code="police-public-order")
        assert housing.legal_basis_for(self.city_b, "en").startswith("Code wallon")
        assert police.legal_basis_for(self.city_b, "en").startswith("Loi sur la fonction")
        assert police.legal_basis_for(self.city_a, "en").startswith("Wet op het politieambt")

    def test_the_demo_places_halle_in_flanders_and_malmedy_in_wallonia(self) -> None:
        from partners import demo

        Municipality.objects.filter(code__in=[demo.HALLE, demo.MALMEDY]).update(region="")
        demo.load()
        regions = dict(Municipality.objects.values_list("code", "region"))
        assert regions[demo.HALLE] == Region.FLANDERS
        assert regions[demo.MALMEDY] == Region.WALLONIA
        assert regions[demo.MAASTRICHT] == ""

    def test_a_city_sees_only_the_competencies_of_its_country(self) -> None:
        maastricht = Municipality.objects.create(
            code="GM0935", name="Maastricht", language="nl", country="NL"
        )
        halle = set(Competency.objects.applying_to(self.city_a).values_list("code", flat=True))
        dutch = set(Competency.objects.applying_to(maastricht).values_list("code", flat=True))
        assert "bibob-administrative" not in halle and "social-security" in halle
        assert "bibob-administrative" in dutch and "social-security" not in dutch
        assert "trafficking-indicators" in halle & dutch

    def test_the_competency_matrix_shows_the_citys_own_law(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(reverse("competency-matrix"))
        self.assertContains(response, "Vlaamse Codex Wonen")
        self.assertNotContains(response, "Code bruxellois du Logement")
        self.assertNotContains(response, "Bibob advice")
        self.assertContains(response, "Social security contributions")

    def test_sector_rules_propose_only_checks_whose_law_applies(self) -> None:
        maastricht = Municipality.objects.create(
            code="GM0935", name="Maastricht", language="nl", country="NL"
        )
        actions.ensure_sector_rules(maastricht)
        codes = set(
            SectorRule.objects.filter(municipality=maastricht).values_list(
                "competency__code", flat=True
            )
        )
        assert codes and "social-security" not in codes
        actions.ensure_sector_rules(self.city_a)
        assert SectorRule.objects.filter(
            municipality=self.city_a, competency__code="social-security"
        ).exists()

    def test_the_planner_ignores_an_old_rule_whose_law_does_not_apply(self) -> None:
        from gis.models import Sector
        from tests.day_fixtures import build_day

        day = build_day(self).action_day
        bibob = Competency.objects.get(code="bibob-administrative")
        car_wash = Sector.objects.get(code="car_wash")
        SectorRule.objects.create(municipality=self.city_a, sector=car_wash, competency=bibob)
        premises = day.visits.first().premises  # type: ignore[union-attr]
        premises.sector = car_wash
        assert bibob.pk not in actions.TaskProposer(day).competencies_for(premises)

    def test_protocol_themes_are_those_whose_law_applies(self) -> None:
        from partners.forms import ProtocolForm

        themes = ProtocolForm(user=self.coordinator).fields["themes"].queryset  # type: ignore[attr-defined]
        codes = set(themes.values_list("code", flat=True))
        assert "social-security" in codes and "bibob-administrative" not in codes

    def test_new_decision_offers_only_the_decision_types_of_the_region(self) -> None:
        seed_decision_catalogue()

        def offered(city: Municipality) -> set[str]:
            form = StartDecisionForm(municipality=city)
            queryset = form.fields["type_version"].queryset  # type: ignore[attr-defined]
            return set(queryset.values_list("decision_type__code", flat=True))

        halle, malmedy = offered(self.city_a), offered(self.city_b)
        assert {"be-vlg-unfit-dwelling", THB} <= halle
        assert "be-wal-unfit-dwelling" not in halle and "nl-opiumwet-13b" not in halle
        assert {"be-wal-unfit-dwelling", THB} <= malmedy
        assert "be-vlg-unfit-dwelling" not in malmedy
        maastricht = Municipality.objects.create(
            code="GM0935", name="Maastricht", language="nl", country="NL"
        )
        dutch = offered(maastricht)
        assert {"nl-opiumwet-13b", "nl-bibob-refusal"} <= dutch and THB not in dutch
        assert DecisionType.objects.get(code="be-bru-unfit-dwelling").region == Region.BRUSSELS
        assert LegalArticle.objects.get(code="cbl-4").region == Region.BRUSSELS

    def test_seeded_regional_decision_types_stay_marked_for_legal_review(self) -> None:
        seed_decision_catalogue()
        for code in ("be-vlg-unfit-dwelling", "be-bru-unfit-dwelling", "nl-opiumwet-13b"):
            assert type_version(code).needs_legal_review

    def test_a_question_cites_the_law_of_the_region(self) -> None:
        seed_field_checklists()
        from tests.field_fixtures import version_of

        item = next(
            i for i in version_of("housing-quality").questions if i["name"] == "unfit_space"
        )
        assert legal_reference_in(item, "fr", ("BE-BRU", "BE")) == (
            "Code bruxellois du Logement art. 4"
        )
        assert legal_reference_in(item, "nl", ("BE-VLG", "BE")) == "Vlaamse Codex Wonen art. 3.1"
        assert "Code wallon" in legal_reference_in(item, "fr", ("BE-WAL", "BE"))
        assert "Code wallon" not in legal_reference_in(item, "fr", ("BE-BRU", "BE"))

    def test_a_city_still_using_the_seeded_housing_question_gets_the_regional_one(self) -> None:
        import importlib

        from django.apps import apps

        from inspections.models import ChecklistVersion
        from tests.field_fixtures import version_of

        seed_field_checklists()
        migration = importlib.import_module("inspections.migrations.0005_regional_legal_references")
        current = version_of("housing-quality")
        old = [dict(item) for item in current.questions]
        for item in old:
            if item["name"] == "unfit_space":
                item.pop("regional_legal_references")
                item["legal_reference"] = "Vlaamse Codex Wonen art. 3.1"
        as_seeded = ChecklistVersion.objects.create(
            template=current.template,
            number=current.number + 1,
            status="published",
            definition={**current.definition, "questions": old},
        )
        migration.publish(apps, None)
        latest = version_of("housing-quality")
        assert latest.number == as_seeded.number + 1
        question = latest.question("unfit_space")
        assert question is not None
        assert legal_reference_in(question, "fr", ("BE-WAL", "BE")).startswith("Code wallon")
        # Run again, or over a question the city edited: nothing more is published.
        migration.publish(apps, None)
        assert version_of("housing-quality").number == latest.number

    def test_the_checklist_page_lists_each_regions_reference(self) -> None:
        from tests.field_fixtures import version_of

        seed_field_checklists()
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        url = reverse("checklist-version", args=[version_of("housing-quality").code])
        response = self.client.get(url)
        self.assertContains(response, "Brussels-Capital Region: Brusselse Huisvestingscode art. 4")
        self.assertContains(response, "Wallonia: Waals Wetboek")

    def test_editing_a_question_in_the_builder_keeps_its_regional_references(self) -> None:
        from inspections.forms.checklists import QuestionForm
        from inspections.models import ChecklistVersion
        from tests.field_fixtures import version_of

        seed_field_checklists()
        published = version_of("housing-quality")
        self.client.force_login(self.coordinator)
        # The shared checklist is adapted into the city's copy, which the builder edits.
        self.client.post(reverse("checklist-adapt", args=[published.code]))
        draft = ChecklistVersion.objects.get(
            template__adapted_from=published.template, status="draft"
        )
        item = draft.question("unfit_space")
        assert item is not None
        initial = QuestionForm.initial_for(item) | {"label_en": "Living in an unfit space?"}
        posted = {f"q-{k}": v for k, v in initial.items() if v not in (None, False, "")}
        url = reverse("checklist-question-save", args=[draft.code])
        self.client.post(url, {"prefix": "q", **posted})
        draft.refresh_from_db()
        edited = draft.question("unfit_space")
        assert edited is not None and edited["label"]["en"] == "Living in an unfit space?"
        assert edited["regional_legal_references"]["BE-BRU"]["fr"] == (
            "Code bruxellois du Logement art. 4"
        )


@override_settings(LANGUAGE_CODE="en")
class FrenchDocumentsOfABrusselsCommuneTests(CastTestCase):
    """A French-speaking Brussels commune's joint report, decision and briefing pack cite
    Brussels and federal law in French, and no Dutch legal text."""

    def setUp(self) -> None:
        becomes(self.city_a, "21004", "Bruxelles", "fr", Region.BRUSSELS)

    def french_report(self) -> Any:
        seed_field_checklists()
        seed_decision_catalogue()
        field = build_field_day(self.cast)
        visit = field.visits[0]
        housing = Competency.objects.get(code="housing-quality")
        self.social.competencies.add(housing)
        VisitTask.objects.create(visit=visit, competency=housing, partner=self.social)
        visit.entry_partner = self.police
        visit.entry_basis = actions.entry_basis(self.police, list(visit.tasks.all()))
        visit.save()
        submit(self.social_inspector, visit, "social-employment", SOCIAL_ANSWERS)
        submit(self.police_inspector, visit, "police-identities", POLICE_ANSWERS)
        submit(self.social_inspector, visit, "housing-quality", HOUSING_ANSWERS)
        close(field.day)
        from tests.decision_fixtures import ReportDay, final_report

        return final_report(self.cast, ReportDay(field=field, visit=visit, photos=[]))

    def test_the_joint_report_cites_brussels_law_in_french(self) -> None:
        report = self.french_report()
        text = pdf_text(rendering.render_report(report))
        assert "Code bruxellois du Logement art. 4" in text
        assert "Code pénal social art. 181" in text
        assert "Loi sur la fonction de police art. 34" in text  # the entry basis
        assert "Code wallon" not in text and "Code flamand" not in text
        assert not DUTCH_LAW.search(text), DUTCH_LAW.search(text)
        stored = FindingAnswer.objects.get(question="unfit_space").legal_reference
        assert stored == "Code bruxellois du Logement art. 4"

    def test_the_decision_cites_its_law_in_french(self) -> None:
        report = self.french_report()
        decision = decision_actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        decision = decision_actions.finalise(decision=ready_closure(decision), user=self.mayor)
        document = decision.documents.get(kind=Document.Kind.DECISION)
        assert documents.generate(document.pk) == Document.State.DONE
        document.refresh_from_db()
        text = pdf_text(documents.content_of(document))
        assert "Nouvelle loi communale art. 134quinquies" in text
        assert "Code bruxellois du Logement art. 4" in text
        assert not DUTCH_LAW.search(text), DUTCH_LAW.search(text)

    def test_the_briefing_pack_states_the_entry_basis_in_french(self) -> None:
        day = build_day(self)
        for visit in day.action_day.visits.all():
            assert visit.entry_partner is not None
            visit.entry_basis = actions.entry_basis(visit.entry_partner, list(visit.tasks.all()))
            visit.save(update_fields=["entry_basis"])
        day.action_day.refresh_from_db()
        text = pdf_text(briefing.render_pack(day.action_day))
        assert "Loi sur la fonction de police art. 14 et 26" in text
        assert not DUTCH_LAW.search(text), DUTCH_LAW.search(text)

    def test_the_planner_stores_the_entry_basis_of_the_region_in_its_language(self) -> None:
        housing = Competency.objects.get(code="housing-quality")
        field = build_field_day(self.cast)
        visit = field.visits[0]
        VisitTask.objects.filter(visit=visit).delete()
        task = VisitTask.objects.create(visit=visit, competency=housing, partner=self.social)
        with translation.override("nl"):
            basis = actions.entry_basis(self.social, [task])
        assert basis.startswith("Code bruxellois du Logement art. 4")

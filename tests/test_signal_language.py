"""A signal raised by an inspection finding keeps the checklist and question by key, and
every reader sees it in their own language: a French premises page shows "Occupation,
Dimona et contrats: Travailleurs sans déclaration Dimona ?", a Dutch one the Dutch text.
Signals stored with a Dutch text before are mapped to their keys by a data migration."""

from __future__ import annotations

import importlib
from datetime import date

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from gis.models import Indicator, Signal
from gis.signal_text import signal_texts
from inspections.models import FindingAnswer
from tests.base import CastTestCase
from tests.decision_fixtures import SOCIAL_ANSWERS, submit
from tests.field_fixtures import build_field_day, seed_field_checklists

MIGRATION = importlib.import_module("inspections.migrations.0004_signals_by_question_key")

FRENCH = "Occupation, Dimona et contrats: Travailleurs sans déclaration Dimona ?"
DUTCH = "Tewerkstelling, Dimona en contracten: Werknemers zonder Dimona-aangifte?"
ENGLISH = "Employment, Dimona and contracts: Workers without a Dimona declaration?"


class SignalsFromFindingsTests(CastTestCase):
    def setUp(self) -> None:
        seed_field_checklists()
        self.visit = build_field_day(self.cast).visits[0]
        submit(self.social_inspector, self.visit, "social-employment", SOCIAL_ANSWERS)
        signal = FindingAnswer.objects.get(question="without_dimona").signal
        assert signal is not None
        self.signal: Signal = signal

    def page(self, language: str) -> str:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = language
        url = reverse("gis-premises-detail", args=[self.visit.premises.code])
        response = self.client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_signal_stores_the_checklist_and_question_not_a_text(self) -> None:
        assert (self.signal.checklist, self.signal.question) == (
            "social-employment",
            "without_dimona",
        )
        assert self.signal.description == ""

    def test_a_french_reader_sees_the_signal_in_french(self) -> None:
        html = self.page("fr")
        assert FRENCH in html.replace("&#x27;", "'")
        assert "Werknemers zonder Dimona" not in html
        assert "Tewerkstelling" not in html

    def test_a_dutch_and_an_english_reader_see_it_in_their_language(self) -> None:
        assert DUTCH in self.page("nl")
        english = self.page("en")
        assert ENGLISH in english and "Werknemers zonder Dimona" not in english

    def test_texts_follow_the_asked_language(self) -> None:
        assert signal_texts([self.signal], "fr")[self.signal.pk] == FRENCH
        with translation.override("nl"):
            assert signal_texts([self.signal])[self.signal.pk] == DUTCH

    def test_a_persons_own_description_is_shown_as_typed(self) -> None:
        typed = Signal.objects.create(
            premises=self.visit.premises,
            source=Signal.Source.NEIGHBOUR,
            received_on=date(2026, 1, 5),
            description="Melding van buren",
        )
        assert signal_texts([typed], "fr")[typed.pk] == "Melding van buren"


class SignalsStoredInDutchBeforeTests(CastTestCase):
    """The data migration maps old rows: through the answer that raised them, else by
    the Dutch text of a seeded question; other signals keep their text."""

    def setUp(self) -> None:
        seed_field_checklists()
        self.visit = build_field_day(self.cast).visits[0]
        submit(self.social_inspector, self.visit, "social-employment", SOCIAL_ANSWERS)
        answer = FindingAnswer.objects.get(question="without_dimona")
        assert answer.signal is not None
        self.linked = answer.signal
        # As the signals were written before: a Dutch text and no key.
        Signal.objects.filter(pk=self.linked.pk).update(
            checklist="", question="", description=DUTCH
        )
        self.orphan = self.old_signal(
            "Indicatoren mensenhandel: Identiteitspapieren in handen van een ander?"
        )
        self.unknown = self.old_signal("Tewerkstelling: een vraag die niet meer bestaat?")
        self.typed = Signal.objects.create(
            premises=self.visit.premises,
            source=Signal.Source.NEIGHBOUR,
            received_on=date(2026, 1, 5),
            description="Indicatoren mensenhandel: Identiteitspapieren in handen van een ander?",
        )

    def old_signal(self, text: str) -> Signal:
        signal = Signal.objects.create(
            premises=self.visit.premises,
            source=Signal.Source.EARLIER_INSPECTION,
            received_on=date(2026, 1, 5),
            description=text,
        )
        signal.indicators.add(Indicator.objects.get(code="id-papers-held"))
        return signal

    def test_old_signals_get_their_keys_and_read_in_french(self) -> None:
        MIGRATION.map_signals(apps, None)
        for signal in (self.linked, self.orphan, self.unknown, self.typed):
            signal.refresh_from_db()
        assert (self.linked.checklist, self.linked.question) == (
            "social-employment",
            "without_dimona",
        )
        assert (self.orphan.checklist, self.orphan.question) == (
            "trafficking-indicators",
            "papers_held",
        )
        texts = signal_texts([self.linked, self.orphan, self.unknown, self.typed], "fr")
        assert texts[self.linked.pk] == FRENCH
        assert texts[self.orphan.pk] == (
            "Indicateurs de traite des êtres humains: Documents d'identité détenus par un tiers ?"
        )
        # Nothing fits: the text stays as it was, as does a person's own description.
        assert self.unknown.question == "" and texts[self.unknown.pk].startswith("Tewerkstelling")
        assert self.typed.question == "" and self.typed.description.startswith("Indicatoren")

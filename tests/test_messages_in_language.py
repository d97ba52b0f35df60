"""Messages read in the reader's language: the import summary and its refusal (written by
the worker, whose own language is the installation's default), identifier errors, the
field sync API's problems that the tablet's outbox shows, the new-day form's
municipality and the figures page's measures."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from gis import tasks
from gis.identifiers import normalise_bag_id, normalise_capakey, normalise_enterprise_number
from gis.models import ImportRun
from tests.base import CastTestCase
from tests.decision_fixtures import POLICE_ANSWERS, build_report_day, final_report
from tests.field_fixtures import build_field_day
from tests.test_gis_import import place_frame, write_layer
from tests.test_registers import take_in_force


def test_the_import_summary_reads_in_the_readers_language() -> None:
    run = ImportRun(created=3, updated=1, unchanged=2, skipped=0)
    run.status = ImportRun.Status.DONE
    with translation.override("fr"):
        assert run.summary() == "créés 3, mis à jour 1, inchangés 2, ignorés 0"
    with translation.override("nl"):
        assert run.summary() == "aangemaakt 3, bijgewerkt 1, ongewijzigd 2, overgeslagen 0"
    assert run.summary() == "created 3, updated 1, unchanged 2, skipped 0"


@pytest.mark.parametrize(
    ("normalise", "value", "french", "dutch"),
    [
        (
            normalise_bag_id,
            "0518",
            "« 0518 » n'est pas un identifiant BAG : il compte 16 chiffres.",
            "“0518” is geen BAG-id: die telt 16 cijfers.",
        ),
        (
            normalise_enterprise_number,
            "0123.456.748",
            "« 0123.456.748 » n'est pas un numéro d'entreprise valide : les chiffres de "
            "contrôle ne correspondent pas.",
            "“0123.456.748” is geen geldig ondernemingsnummer: de controlecijfers kloppen niet.",
        ),
        (
            normalise_capakey,
            "24432H",
            "« 24432H » n'est pas un identifiant parcellaire (attendu p. ex. 24432H0037/00M016).",
            "“24432H” is geen perceelidentificatie (verwacht bv. 24432H0037/00M016).",
        ),
    ],
)
def test_identifier_errors_are_in_one_language(
    normalise: Any, value: str, french: str, dutch: str
) -> None:
    for language, expected in (("fr", french), ("nl", dutch)):
        with translation.override(language), pytest.raises(ValueError) as raised:
            normalise(value)
        assert str(raised.value) == expected


class ImportLanguageTests(CastTestCase):
    tmp: Path

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    def test_the_worker_refuses_a_layer_in_the_language_of_the_person_who_started_it(
        self,
    ) -> None:
        """The coordinator reads the upload page in French; the worker (in Dutch, the
        installation's default) writes the refusal and its reasons in French."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.client.force_login(self.coordinator)
        frame = place_frame(31370, sector=["bar", "bakery", ""], kbo=["0123.456.748", "", ""])
        upload = SimpleUploadedFile("p.gpkg", write_layer(frame, self.tmp / "p.gpkg").read_bytes())
        self.client.post(
            reverse("gis-import-upload"),
            {
                "kind": "premises",
                "zone_kind": "neighbourhood",
                "municipality": self.city_a.pk,
                "file": upload,
            },
        )
        run = ImportRun.objects.get()
        form = {"layer": "p", "id_field": "id", "sector_field": "sector", "enterprise_field": "kbo"}
        self.client.post(reverse("gis-import-start", args=[run.code]), form)
        with translation.override("nl"):
            tasks.run_import(run.pk)
        run.refresh_from_db()
        assert run.status == ImportRun.Status.REFUSED
        assert "secteur inconnu (bakery)" in run.message, run.message
        assert "les chiffres de contrôle ne correspondent pas" in run.message, run.message
        for foreign in ("onbekende sector", "unknown sector", "is not", "ongeldige"):
            assert foreign not in run.message, run.message
        page = self.client.get(reverse("gis-import-detail", args=[run.code]))
        assert "secteur inconnu" in page.content.decode()


class FieldProblemLanguageTests(CastTestCase):
    """The outbox shows the server's problem as it came: in the inspector's language."""

    def setUp(self) -> None:
        self.field = build_field_day(self.cast)

    def post_unknown_version(self, language: str) -> dict[str, Any]:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.client.force_login(self.police_inspector)
        body = {
            "client_id": str(uuid.uuid4()),
            "visit": str(self.field.visits[0].code),
            "template_version": str(uuid.uuid4()),
            "answers": POLICE_ANSWERS,
            "base_version": None,
            "recorded_at": timezone.now().isoformat(),
        }
        response = self.client.post(
            "/api/v1/findings", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        return response.json()

    def test_a_refused_save_reads_in_french_and_in_dutch(self) -> None:
        french = self.post_unknown_version("fr")
        assert french["title"] == "Version de liste de contrôle inconnue"
        assert french["errors"]["template_version"] == [
            "Aucune version publiée d'une liste de contrôle ne porte ce code."
        ]
        dutch = self.post_unknown_version("nl")
        assert dutch["title"] == "Onbekende versie van de checklist"

    def test_a_save_by_someone_outside_the_team_is_refused_in_their_language(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.client.force_login(self.police_inspector)
        response = self.client.post(
            f"/api/v1/visits/{uuid.uuid4()}/outcome",
            json.dumps({"action": "start", "at": timezone.now().isoformat()}),
            content_type="application/json",
        )
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == "Cette visite n'appartient pas à votre équipe."


class PageLabelLanguageTests(CastTestCase):
    def test_the_new_day_form_names_the_municipality_in_french(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("action-day-create")).content.decode()
        assert '<label for="id_municipality">Commune' in page, page
        assert ">Municipality" not in page

    def test_the_figures_page_names_the_measure_in_french(self) -> None:
        built = build_report_day(self.cast)
        self.built, self.report = built, final_report(self.cast, built)
        take_in_force(self, "be-ngw-134quinquies")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.client.force_login(self.analyst)
        page = self.client.get(reverse("decision-figures")).content.decode()
        assert "<td>Fermeture</td>" in page
        assert "closure" not in page

"""The whole case path in a French-speaking municipality, Brussels (NIS 21004, the
Haren addresses of the register), walked in headless Chromium from an installation
that holds only its first administrator, with every person's interface in French:
the pages, the messages, the joint report and the decision (art. 134quinquies of the
Nouvelle loi communale) read in French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import e2e_steps as steps
from tests.e2e_steps import Account, Business, City, PartnerSpec, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRUXELLES = City(
    name="Bruxelles",
    nis_code="21004",
    language="fr",
    street_field="street_fr",
    town_field="municipality_fr",
    partners=(
        PartnerSpec("Ville de Bruxelles", "Ville de Bruxelles", "local", False, ()),
        PartnerSpec(
            "Police",
            "Zone de police Bruxelles-Capitale Ixelles",
            "local",
            True,
            ("identity-residence", "police-public-order", "trafficking-indicators"),
        ),
        PartnerSpec(
            "SIRS",
            "Service d'information et de recherche sociale",
            "federal",
            True,
            ("undeclared-work", "social-security", "wellbeing-at-work"),
        ),
    ),
    people={
        "admin": Account("administrateur", "Alice", "Lambert", "Ville de Bruxelles", ("admin",)),
        "coordinator": Account(
            "claire.coord", "Claire", "Dubois", "Ville de Bruxelles", ("coordinator",)
        ),
        "police": Account(
            "pierre.police", "Pierre", "Lefèvre", "Police", ("inspector", "team_lead")
        ),
        "police2": Account("paul.police", "Paul", "Mercier", "Police", ("inspector", "team_lead")),
        "social": Account("sophie.sirs", "Sophie", "Renard", "SIRS", ("inspector",)),
        "social2": Account("simon.sirs", "Simon", "Dupont", "SIRS", ("inspector",)),
        "mayor": Account(
            "marie.bourg", "Marie", "Lemaire", "Ville de Bruxelles", ("mayors_office",)
        ),
        "clerk": Account(
            "louise.guichet", "Louise", "Martin", "Ville de Bruxelles", ("permit_desk",)
        ),
    },
    businesses=(
        Business("Salon Étoile", steps.enterprise_number(6543210)),
        Business("Barbier du Canal", steps.enterprise_number(6543211)),
        Business("Coiffure Haren", steps.enterprise_number(6543212)),
    ),
    protocol_title="Protocole d'échange d'informations – approche administrative",
    day_title="Journée d'action salons de coiffure",
    signal_text="Signalement de riverains : le personnel dort dans le salon.",
    hearing_place="Hôtel de ville de Bruxelles",
    prosecutor_reference="BR.55.L1.4321/26",
    teams=("Équipe 1", "Équipe 2"),
)


def test_brussels_walks_the_path_in_french(live_server: Any, browser: Any, tmp_path: Path) -> None:
    steps.skip_unless_walked_here("fr")
    steps.install()
    steps.create_first_administrator(BRUXELLES.people["admin"])
    walk = Walk(BRUXELLES, live_server.url, browser, tmp_path, "e2e-fr")
    reads = {
        "home": home_in_french,
        "released": lambda page: expect(page.locator(".status-bar .badge")).to_have_text(
            "En cours"
        ),
        "decision": lambda page: expect(page.locator("h1")).to_contain_text("Décision"),
    }
    try:
        with steps.tasks_run_at_once():
            report, decision = steps.walk_the_path(walk, reads=reads)
    finally:
        walk.close()
    # The joint report and the decision, downloaded from the pages and read back.
    assert "Salon Étoile" in report
    assert "Procès-verbal commun" in report or "Rapport commun" in report
    # Legal references come in the municipality's language, never in Dutch or English.
    foreign = [
        "Sociaal Strafwetboek",
        "Wet op het politieambt",
        "Vreemdelingenwet",
        "Joint report",
        "An appeal",
    ]
    found = [text for text in foreign if text in report or text in decision]
    assert not found, f"not in French in the joint report or the decision: {found}"
    assert "Code pénal social art. 181" in report
    assert "134quinquies" in decision
    assert "Nouvelle loi communale" in decision
    assert "Conseil d'État" in decision
    assert "Marie Lemaire" in decision
    assert not walk.blocked, walk.report()
    # No page, message or document on the way holds a word of another language.
    assert not walk.wrong_language, walk.wrong_language_report()


def home_in_french(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Bienvenue, Claire")).to_be_visible()
    expect(page.get_by_role("link", name="Journées d'action").first).to_be_visible()

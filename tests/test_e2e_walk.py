"""The whole case path in a Dutch-speaking city, Halle (NIS 23027), walked in headless
Chromium from an installation that holds only its first administrator: the admin sets
up the city, the coordinator imports the address register, records signals, plans and
releases the day, two social inspectors and a police inspector fill their checklists
on tablets (one offline), the coordinator closes the day, both partners sign the joint
report, the mayor's office closes the shop under art. 134quinquies NGW and serves the
decision, and the permit desk then reads "flagged" for its address and operator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import e2e_steps as steps
from tests.e2e_steps import Account, Business, City, PartnerSpec, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HALLE = City(
    name="Halle",
    nis_code="23027",
    language="nl",
    street_field="street_nl",
    town_field="municipality_nl",
    partners=(
        PartnerSpec("Stad Halle", "Stad Halle", "local", False, ()),
        PartnerSpec(
            "Politie",
            "Politiezone Zennevallei",
            "local",
            True,
            ("identity-residence", "police-public-order", "trafficking-indicators"),
        ),
        PartnerSpec(
            "SIOD",
            "Sociale Inlichtingen- en Opsporingsdienst",
            "federal",
            True,
            ("undeclared-work", "social-security", "wellbeing-at-work"),
        ),
    ),
    people={
        "admin": Account("beheerder", "Bart", "Beheer", "Stad Halle", ("admin",)),
        "coordinator": Account("an.coord", "An", "Claes", "Stad Halle", ("coordinator",)),
        "police": Account("piet.politie", "Piet", "Peeters", "Politie", ("inspector", "team_lead")),
        "police2": Account("pol.tweede", "Paula", "Pauwels", "Politie", ("inspector", "team_lead")),
        "social": Account("sara.siod", "Sara", "Smets", "SIOD", ("inspector",)),
        "social2": Account("sven.siod", "Sven", "Segers", "SIOD", ("inspector",)),
        "mayor": Account("marc.burg", "Marc", "Mertens", "Stad Halle", ("mayors_office",)),
        "clerk": Account("lies.loket", "Lies", "Lambrechts", "Stad Halle", ("permit_desk",)),
    },
    businesses=(
        Business("Kapsalon Sterre", steps.enterprise_number(4567890)),
        Business("Barbier Zenne", steps.enterprise_number(4567891)),
        Business("Kapsalon Zuid", steps.enterprise_number(4567892)),
    ),
    protocol_title="Samenwerkingsprotocol bestuurlijke aanpak Halle",
    day_title="Actiedag kapsalons",
    signal_text="Melding van buurtbewoners: personeel slaapt in de zaak.",
    hearing_place="Stadhuis Halle",
    prosecutor_reference="HA.55.L1.1234/26",
)


def test_halle_walks_from_an_empty_installation_to_a_served_closure(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    steps.skip_unless_walked_here("nl")
    steps.install()
    steps.create_first_administrator(HALLE.people["admin"])
    walk = Walk(HALLE, live_server.url, browser, tmp_path, "e2e-nl")
    reads = {
        "home": lambda page: expect(page.get_by_role("heading", name="Welkom, An")).to_be_visible(),
        "released": lambda page: expect(page.locator(".status-bar .badge")).to_have_text("Bezig"),
        "decision": lambda page: expect(page.locator("h1")).to_contain_text("Besluit"),
    }
    try:
        with steps.tasks_run_at_once():
            report, decision = steps.walk_the_path(walk, reads=reads)
    finally:
        walk.close()
    # The joint report and the decision, downloaded from the pages and read back.
    assert "Kapsalon Sterre" in report
    assert "Gezamenlijk verslag" in report
    assert "Sociaal Strafwetboek art. 181" in report
    assert "134quinquies" in decision
    assert "Nieuwe Gemeentewet" in decision
    assert "Raad van State" in decision
    assert "Marc Mertens" in decision
    english = [text for text in ("Joint report", "An appeal") if text in report + decision]
    assert not english, f"not in Dutch in the joint report or the decision: {english}"
    assert not walk.blocked, walk.report()
    # No page, message or document on the way holds a word of another language.
    assert not walk.wrong_language, walk.wrong_language_report()


def test_administrator_makes_an_account_with_its_person_in_one_form(client: Any) -> None:
    """The admin's user form carries the person: partner, roles ticked (stored as the
    list of role codes) and municipalities; a city the partner does not work for is
    refused by name."""
    from django.contrib.auth.models import User

    from partners.models import Municipality, Partner, Person

    steps.install()
    steps.create_first_administrator(HALLE.people["admin"])
    halle = Municipality.objects.create(code="23027", name="Halle", language="nl", country="BE")
    other = Municipality.objects.create(code="21004", name="Bruxelles", language="fr", country="BE")
    police = Partner.objects.create(
        slug="politie", name="Politiezone", short_name="Politie", level="local", country="BE"
    )
    police.municipalities.set([halle])
    client.force_login(User.objects.get(username="beheerder"))
    home = client.get("/")
    assert b'href="/admin/"' in home.content

    def add_user(username: str, city: Municipality) -> Any:
        return client.post(
            "/admin/auth/user/add/",
            {
                "username": username,
                "first_name": "Piet",
                "last_name": "Peeters",
                "usable_password": "true",
                "password1": steps.PASSWORD,
                "password2": steps.PASSWORD,
                "person-TOTAL_FORMS": "1",
                "person-INITIAL_FORMS": "0",
                "person-MIN_NUM_FORMS": "0",
                "person-MAX_NUM_FORMS": "1",
                "person-0-partner": str(police.pk),
                "person-0-roles": ["inspector", "team_lead"],
                "person-0-municipalities": [str(city.pk)],
            },
        )

    refused = add_user("piet.elders", other)
    assert refused.status_code == 200
    # No municipality yet for the administrator: the admin speaks Dutch.
    assert "Politie werkt niet voor Bruxelles." in refused.content.decode()
    assert not User.objects.filter(username="piet.elders").exists()
    assert add_user("piet.politie", halle).status_code == 302
    person = Person.objects.get(user__username="piet.politie")
    assert person.partner == police
    assert person.roles == ["inspector", "team_lead"]
    assert list(person.municipalities.all()) == [halle]
    assert person.user.get_full_name() == "Piet Peeters"

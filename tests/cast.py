"""The test cast: the people every feature is tested with.

City A (Halle) has a coordinator, a police inspector, a social inspector, the mayor's
office, a permit clerk and an analyst; city B (Malmedy) has its own coordinator, the
outsider. The social inspection works for both cities, as federal services do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from partners.models import Competency, Municipality, Partner, Person, Role, SharingProtocol

PASSWORD = "correct horse battery staple"


@dataclass
class Cast:
    city_a: Municipality
    city_b: Municipality
    city: Partner
    police: Partner
    social: Partner
    mayors_office: Partner
    permits: Partner
    coordinator: User
    police_inspector: User
    social_inspector: User
    mayor: User
    clerk: User
    analyst: User
    outsider: User


def make_user(username: str, partner: Partner, roles: list[str], *cities: Municipality) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.test", PASSWORD, first_name=username.title()
    )
    person = Person.objects.create(user=user, partner=partner, roles=roles)
    person.municipalities.set(cities)
    return user


def make_partner(
    slug: str,
    short: str,
    level: str,
    *cities: Municipality,
    competencies: tuple[Competency, ...] = (),
    official: bool = True,
) -> Partner:
    partner = Partner.objects.create(
        slug=slug,
        name=f"{short} service",
        short_name=short,
        level=level,
        country="BE",
        makes_official_findings=official,
    )
    partner.municipalities.set(cities)
    partner.competencies.set(competencies)
    return partner


def build_cast() -> Cast:
    seed_catalogues()
    city_a = Municipality.objects.create(code="23027", name="Halle", language="nl", country="BE")
    city_b = Municipality.objects.create(code="63049", name="Malmedy", language="fr", country="BE")
    # The competency catalogue is seeded by a migration.
    public_order = Competency.objects.get(code="police-public-order")
    undeclared = Competency.objects.get(code="undeclared-work")
    city = make_partner("city-a", "City A", "local", city_a, official=False)
    police = make_partner("police-a", "Police", "local", city_a, competencies=(public_order,))
    social = make_partner(
        "social", "Social Inspection", "federal", city_a, city_b, competencies=(undeclared,)
    )
    mayors_office = make_partner("mayor-a", "Mayor's office", "local", city_a, official=False)
    permits = make_partner("permits-a", "Permits", "local", city_a)
    city_b_partner = make_partner("city-b", "City B", "local", city_b, official=False)
    protocol = SharingProtocol.objects.create(
        title="Protocol A", municipality=city_a, valid_from=date(2025, 1, 1)
    )
    protocol.parties.set([city, police, social, mayors_office, permits])
    return Cast(
        city_a=city_a,
        city_b=city_b,
        city=city,
        police=police,
        social=social,
        mayors_office=mayors_office,
        permits=permits,
        coordinator=make_user("coordinator", city, [Role.COORDINATOR], city_a),
        police_inspector=make_user("police", police, [Role.INSPECTOR, Role.TEAM_LEAD], city_a),
        social_inspector=make_user("social", social, [Role.INSPECTOR, Role.TEAM_LEAD], city_a),
        mayor=make_user("mayor", mayors_office, [Role.MAYORS_OFFICE], city_a),
        clerk=make_user("clerk", permits, [Role.PERMIT_DESK], city_a),
        analyst=make_user("analyst", city, [Role.ANALYST], city_a),
        outsider=make_user("outsider", city_b_partner, [Role.COORDINATOR], city_b),
    )


def seed_catalogues() -> None:
    """The seeded catalogues (competencies, sectors, indicators) come with migrations,
    but a transactional test's flush removes them: restore them before building."""
    from gis.catalogue import seed_sectors_and_indicators
    from gis.models import Indicator, Sector
    from partners.catalogue import seed_competencies

    if not Indicator.objects.exists():
        seed_competencies(Competency)
        seed_sectors_and_indicators(Sector, Indicator, Competency)

"""The demo city's people and organisations: Halle (a Dutch-speaking Flemish city), its
police zone, city services, regional, federal and judicial partners, a French-speaking
second municipality (Malmedy) and a Dutch one (Maastricht) for cross-border work.

Every function here is idempotent: running the demo loader twice changes nothing the
second time. Competency titles and legal bases are defaults to verify with a legal
service, as the partners' own texts may differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from partners.models import Competency, Municipality, Partner, Person, Role, SharingProtocol

DEMO_PASSWORD = "demo"  # noqa: S105 - the demo's documented password, printed by `make demo`

HALLE, MALMEDY, MAASTRICHT = "23027", "63049", "GM0935"

# code, name, language, country, region (whose law applies: Halle is Flemish, Malmedy
# Walloon; a Dutch municipality has Dutch law throughout)
MUNICIPALITIES = [
    (HALLE, "Halle", "nl", "BE", "BE-VLG"),
    (MALMEDY, "Malmedy", "fr", "BE", "BE-WAL"),
    (MAASTRICHT, "Maastricht", "nl", "NL", ""),
]

# slug, name, short name, level, country, makes official findings, competencies, municipalities
# fmt: off
PARTNERS = [
    ('stad-halle-iv', 'Stad Halle – Integrale veiligheid', 'Stad IV', 'local', 'BE', False, [],
     [HALLE]),
    ('stad-halle-kabinet', 'Stad Halle – Kabinet burgemeester en juridische dienst', 'Kabinet',
     'local', 'BE', False, [], [HALLE]),
    ('stad-halle-economie', 'Stad Halle – Economie en vergunningen', 'Economie', 'local', 'BE',
     True, ['permits-economy'], [HALLE]),
    ('stad-halle-omgeving', 'Stad Halle – Omgeving (stedenbouw en milieu)', 'Omgeving', 'local',
     'BE', True, ['planning-environment'], [HALLE]),
    ('stad-halle-wonen', 'Stad Halle – Woondienst', 'Woondienst', 'local', 'BE',
     True, ['housing-quality'], [HALLE]),
    ('stad-halle-bevolking', 'Stad Halle – Burgerzaken (bevolking)', 'Bevolking', 'local', 'BE',
     False, ['population-register'], [HALLE]),
    ('pz-zennevallei', 'Politiezone Zennevallei', 'Politie', 'local', 'BE',
     True, ['police-public-order', 'identity-residence', 'trafficking-indicators'], [HALLE]),
    ('hvz-vbw', 'Hulpverleningszone Vlaams-Brabant West', 'Brandweer', 'local', 'BE',
     True, ['fire-safety'], [HALLE]),
    ('wonen-vlaanderen', 'Wonen in Vlaanderen – Woninginspectie', 'Woninginspectie', 'regional',
     'BE', True, ['housing-quality'], [HALLE]),
    ('omgeving-handhaving', 'Departement Omgeving – Afdeling Handhaving', 'Milieuhandhaving',
     'regional', 'BE', True, ['planning-environment'], [HALLE]),
    ('sociale-inspectie', 'FOD Sociale Zekerheid – Sociale Inspectie', 'Sociale Inspectie',
     'federal', 'BE', True, ['undeclared-work', 'trafficking-indicators'], [HALLE, MALMEDY]),
    ('tsw', 'FOD WASO – Toezicht op de Sociale Wetten', 'TSW', 'federal', 'BE',
     True, ['undeclared-work', 'wellbeing-at-work', 'trafficking-indicators'], [HALLE, MALMEDY]),
    ('rsz', 'RSZ – Inspectiedienst', 'RSZ', 'federal', 'BE', True, ['social-security',
     'undeclared-work'], [HALLE, MALMEDY]),
    ('fod-financien', 'FOD Financiën – Algemene Administratie Fiscaliteit', 'Fiscus', 'federal',
     'BE', True, ['tax-cash-register'], [HALLE, MALMEDY]),
    ('favv', 'FAVV – Federaal Agentschap voor de Veiligheid van de Voedselketen', 'FAVV',
     'federal', 'BE', True, ['food-safety'], [HALLE, MALMEDY]),
    ('dvz', 'Dienst Vreemdelingenzaken', 'DVZ', 'federal', 'BE', False, ['immigration-files'],
     [HALLE, MALMEDY]),
    ('parket-hv', 'Parket Halle-Vilvoorde', 'Parket', 'judicial', 'BE',
     False, ['judicial-direction'], [HALLE]),
    ('arbeidsauditoraat', 'Arbeidsauditoraat Brussel', 'Arbeidsauditeur', 'judicial', 'BE',
     False, ['judicial-direction'], [HALLE]),
    ('ville-malmedy', 'Ville de Malmedy – Sécurité intégrale', 'Malmedy', 'local', 'BE', False, [],
     [MALMEDY]),
    ('zp-stavelot-malmedy', 'Zone de police Stavelot-Malmedy', 'ZP Stavelot-Malmedy', 'local',
     'BE', True, ['police-public-order', 'identity-residence', 'trafficking-indicators'],
     [MALMEDY]),
    ('riec-limburg', 'RIEC Limburg', 'RIEC', 'regional', 'NL', False, ['bibob-administrative'],
     [MAASTRICHT]),
    ('gemeente-maastricht', 'Gemeente Maastricht – Openbare orde en veiligheid', 'Maastricht OOV',
     'local', 'NL', True, ['bibob-administrative', 'police-public-order'], [MAASTRICHT]),
]
# fmt: on

# username, first name, last name, partner, roles, municipalities
# fmt: off
PEOPLE = [
    ('coordinator', 'Sofie', 'Claes', 'stad-halle-iv', [Role.COORDINATOR], [HALLE]),
    ('police', 'Tom', 'Peeters', 'pz-zennevallei', [Role.INSPECTOR, Role.TEAM_LEAD], [HALLE]),
    ('social', 'Nadia', 'El Amrani', 'sociale-inspectie', [Role.INSPECTOR, Role.TEAM_LEAD],
     [HALLE]),
    ('fire', 'Koen', 'Willems', 'hvz-vbw', [Role.INSPECTOR], [HALLE]),
    ('mayor', 'Els', 'Vermeulen', 'stad-halle-kabinet', [Role.MAYORS_OFFICE], [HALLE]),
    ('clerk', 'Ruben', 'Janssens', 'stad-halle-economie', [Role.PERMIT_DESK], [HALLE]),
    ('analyst', 'Lies', 'De Smet', 'stad-halle-iv', [Role.ANALYST], [HALLE]),
    ('admin', 'Pieter', 'Maes', 'stad-halle-iv', [Role.ADMIN], [HALLE]),
    ('malmedy', 'Julien', 'Lambert', 'ville-malmedy', [Role.COORDINATOR], [MALMEDY]),
    # Further inspectors who make up the demo's teams.
    ('police2', 'Ann', 'Wouters', 'pz-zennevallei', [Role.INSPECTOR, Role.TEAM_LEAD], [HALLE]),
    ('police3', 'Bram', 'Jacobs', 'pz-zennevallei', [Role.INSPECTOR, Role.TEAM_LEAD], [HALLE]),
    ('environment', 'Hilde', 'Mertens', 'stad-halle-omgeving', [Role.INSPECTOR, Role.TEAM_LEAD],
     [HALLE]),
    ('housing', 'Youssef', 'Bennani', 'stad-halle-wonen', [Role.INSPECTOR, Role.TEAM_LEAD],
     [HALLE]),
    ('labour', 'Greet', 'Lemmens', 'tsw', [Role.INSPECTOR, Role.TEAM_LEAD], [HALLE]),
]
# fmt: on

# Every partner of Halle but the tax administration: its secrecy rules have kept it out
# of the city's protocol so far, which the planner flags.
PROTOCOL_EXCLUDED = {"fod-financien"}


@transaction.atomic
def load() -> None:
    municipalities = {
        code: Municipality.objects.update_or_create(
            code=code,
            defaults={"name": name, "language": language, "country": country, "region": region},
        )[0]
        for code, name, language, country, region in MUNICIPALITIES
    }
    # The competency catalogue itself is seeded by a migration.
    competencies = {competency.code: competency for competency in Competency.objects.all()}
    partners = {}
    for slug, name, short, level, country, official, held, works_for in PARTNERS:
        partner, _ = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "level": level,
                "country": country,
                "makes_official_findings": official,
            },
        )
        partner.competencies.set([competencies[code] for code in held])
        partner.municipalities.set([municipalities[code] for code in works_for])
        partners[slug] = partner
    for username, first, last, partner_slug, roles, works_for in PEOPLE:
        load_person(
            username,
            first,
            last,
            partners[partner_slug],
            roles,
            [municipalities[code] for code in works_for],
        )
    protocol, _ = SharingProtocol.objects.update_or_create(
        title="Protocolakkoord bestuurlijke handhaving Halle",
        municipality=municipalities[HALLE],
        defaults={"valid_from": date(2025, 1, 1), "valid_to": date(2028, 12, 31)},
    )
    protocol.parties.set(
        partner
        for partner in municipalities[HALLE].partners.all()
        if partner.slug not in PROTOCOL_EXCLUDED
    )


def load_person(
    username: str,
    first: str,
    last: str,
    partner: Partner,
    roles: Sequence[str],
    municipalities: list[Municipality],
) -> Person:
    user_model = get_user_model()
    is_admin = Role.ADMIN in roles
    user, _ = user_model.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.integra.test",
            "is_staff": is_admin,
            "is_superuser": is_admin,
        },
    )
    # A new salt would change the stored hash on every run: set it only when needed.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    person, _ = Person.objects.update_or_create(
        user=user, defaults={"partner": partner, "roles": [str(role) for role in roles]}
    )
    person.municipalities.set(municipalities)
    return person

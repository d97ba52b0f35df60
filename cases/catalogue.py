# ruff: noqa: E501 - the seeded catalogue is a data table, one entry per line.
"""The default instruments a case meeting chooses from, per partner: what each partner
can do about a case. Seeded by a data migration and refreshed by ``load_demo`` for the
partners that exist (partners are data: they are matched by their short code, and a
partner the city adds later gets its instruments from the city's coordinator).

Every default is to verify with the city's legal service: titles and legal bases follow
the notes in ../shared/domain and may differ from what a partner uses itself.
"""

from __future__ import annotations

from typing import Any

# Shown beside every seeded instrument.
VERIFY_NOTE = "verify with your legal service"

# code, partner slugs, kind, Dutch, French, English, legal basis, carried out as an action day
# fmt: off
INSTRUMENTS: list[tuple[str, tuple[str, ...], str, str, str, str, str, bool]] = [
    # The mayor (the city) for Belgian cities.
    ('closure', ('stad-halle-kabinet', 'ville-malmedy'), 'administrative', 'Sluiting van de inrichting', "Fermeture de l'établissement", 'Closure of the establishment', 'Nieuwe Gemeentewet art. 134quater en 134quinquies / Nouvelle loi communale art. 134quater et 134quinquies', False),
    ('permit-suspension', ('stad-halle-kabinet', 'stad-halle-economie', 'ville-malmedy'), 'administrative', 'Schorsing of intrekking van de vergunning', "Suspension ou retrait de l'autorisation", 'Suspension or withdrawal of the permit', 'Nieuwe Gemeentewet art. 134ter en 134quinquies; gemeentelijk politiereglement / Nouvelle loi communale art. 134ter et 134quinquies ; règlement communal de police', False),
    ('closing-hours', ('stad-halle-kabinet', 'ville-malmedy'), 'administrative', 'Opleggen van sluitingsuren', "Imposition d'heures de fermeture", 'Imposing closing hours', 'Nieuwe Gemeentewet art. 135 §2; Wet van 10 november 2006 openingsuren / Nouvelle loi communale art. 135 §2 ; loi du 10 novembre 2006 heures d\'ouverture', False),
    ('covenant', ('stad-halle-iv', 'ville-malmedy'), 'administrative', 'Convenant met de uitbater of de sector', "Convention avec l'exploitant ou le secteur", 'Covenant with the operator or the sector', 'Gemeentelijke bevoegdheid; Nieuwe Gemeentewet art. 135 §2 / compétence communale ; Nouvelle loi communale art. 135 §2', False),
    ('joint-action-day', ('stad-halle-iv', 'ville-malmedy', 'gemeente-maastricht', 'riec-limburg'), 'inspection', 'Gezamenlijke controleactie', 'Action de contrôle conjointe', 'Joint action day', 'Ieder partner binnen zijn eigen bevoegdheid; protocolakkoord / chaque partenaire dans ses compétences ; protocole d\'accord', True),
    # The Dutch municipality: the mayor's closure and the Bibob screening.
    ('closure', ('gemeente-maastricht',), 'administrative', 'Sluiting van het pand', "Fermeture de l'immeuble", 'Closure of the premises', 'Opiumwet art. 13b; Gemeentewet art. 174', False),
    ('bibob-screening', ('gemeente-maastricht', 'riec-limburg'), 'administrative', 'Bibob-onderzoek bij de vergunning', 'Enquête Bibob sur l\'autorisation', 'Bibob screening of the permit', 'Wet Bibob art. 3', False),
    # Tax.
    ('tax-audit', ('fod-financien',), 'tax', 'Fiscale controle', 'Contrôle fiscal', 'Tax audit', 'WIB 92 art. 319 en 322; Btw-Wetboek art. 61-63 / CIR 92 art. 319 et 322 ; Code de la TVA art. 61-63', False),
    # Social partners.
    ('social-inspection', ('sociale-inspectie', 'rsz'), 'social', 'Sociale inspectie', 'Inspection sociale', 'Social inspection', 'Sociaal Strafwetboek art. 23-39 / Code pénal social art. 23-39', False),
    ('labour-inspection', ('tsw',), 'social', 'Arbeidsinspectie (welzijn en arbeidstijden)', 'Inspection du travail (bien-être et temps de travail)', 'Labour inspection (well-being and working hours)', 'Sociaal Strafwetboek art. 23-39; Wet van 4 augustus 1996 / Code pénal social art. 23-39 ; loi du 4 août 1996', False),
    # Prosecutor and police.
    ('judicial-referral', ('parket-hv', 'arbeidsauditoraat'), 'judicial', 'Opsporingsonderzoek of gerechtelijk onderzoek', 'Information ou instruction judiciaire', 'Judicial investigation', 'Wetboek van strafvordering art. 28bis en 55 / Code d\'instruction criminelle art. 28bis et 55', False),
    ('judicial-referral', ('pz-zennevallei', 'zp-stavelot-malmedy'), 'judicial', 'Proces-verbaal en melding aan het parket', 'Procès-verbal et information du parquet', 'Official report to the prosecutor', 'Wetboek van strafvordering art. 29; Wet op het politieambt art. 40 / Code d\'instruction criminelle art. 29 ; loi sur la fonction de police art. 40', False),
    # Fire service.
    ('fire-safety-check', ('hvz-vbw',), 'inspection', 'Brandveiligheidscontrole', 'Contrôle de sécurité incendie', 'Fire safety check', 'Wet van 15 mei 2007 civiele veiligheid / loi du 15 mai 2007 relative à la sécurité civile', False),
    # Housing.
    ('housing-inspection', ('stad-halle-wonen', 'wonen-vlaanderen'), 'inspection', 'Woningkwaliteitsonderzoek', 'Enquête de qualité du logement', 'Housing inspection', 'Vlaamse Codex Wonen van 2021, boek 3 / Code flamand du Logement de 2021, livre 3', False),
]
# fmt: on

SEEDED_CODES = frozenset(row[0] for row in INSTRUMENTS)


def seed_instruments(instrument_model: Any, partner_model: Any) -> int:
    """Create or update the default instruments of the partners that exist (idempotent).
    Takes the model classes so that a migration can pass its historical models. Returns
    how many instruments were written."""
    partners = {partner.slug: partner for partner in partner_model.objects.all()}
    written = 0
    for code, slugs, kind, nl, fr, en, basis, action_day in INSTRUMENTS:
        for slug in slugs:
            partner = partners.get(slug)
            if partner is None:
                continue
            instrument_model.objects.update_or_create(
                partner=partner,
                code=code,
                defaults={
                    "kind": kind,
                    "title_nl": nl,
                    "title_fr": fr,
                    "title_en": en,
                    "legal_basis": basis,
                    "is_action_day": action_day,
                },
            )
            written += 1
    return written


def refresh() -> int:
    """The catalogue for today's partners: ``load_demo`` calls this after loading them."""
    from cases.models import Instrument
    from partners.models import Partner

    return seed_instruments(Instrument, Partner)

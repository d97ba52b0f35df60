"""The default competency catalogue: the checks partners can hold, with their legal
basis. Defaults to verify with the city's legal service; cities add and edit their own.
Seeded by a data migration and refreshed by ``load_demo``."""

from __future__ import annotations

from typing import Any

# code, domain, Dutch, French, English, legal basis in Dutch and in French
# fmt: off
COMPETENCIES = [
    ('police-public-order', 'police', 'Openbare orde en bestuurlijke politie', 'Ordre public et police administrative', 'Public order and administrative police', 'Wet op het politieambt art. 14 en 26', 'Loi sur la fonction de police art. 14 et 26'),
    ('identity-residence', 'residence', 'Identiteit en verblijfsstatus', 'Identité et statut de séjour', 'Identity and residence status', 'Wet op het politieambt art. 34; Vreemdelingenwet van 15 december 1980', 'Loi sur la fonction de police art. 34 ; loi du 15 décembre 1980 sur les étrangers'),
    ('undeclared-work', 'social', 'Zwartwerk, Dimona en arbeidsovereenkomsten', 'Travail au noir, Dimona et contrats de travail', 'Undeclared work, Dimona and employment contracts', 'Sociaal Strafwetboek art. 23-39 (bevoegdheden van de sociaal inspecteurs)', 'Code pénal social art. 23-39 (pouvoirs des inspecteurs sociaux)'),
    ('wellbeing-at-work', 'labour', 'Welzijn op het werk en arbeidstijden', 'Bien-être au travail et temps de travail', 'Well-being at work and working hours', 'Wet van 4 augustus 1996 welzijn van de werknemers; Arbeidswet van 16 maart 1971', 'Loi du 4 août 1996 relative au bien-être des travailleurs ; loi sur le travail du 16 mars 1971'),
    ('social-security', 'social_security', 'Sociale bijdragen en detachering (Limosa)', 'Cotisations sociales et détachement (Limosa)', 'Social security contributions and posting (Limosa)', 'Wet van 27 juni 1969; Programmawet van 27 december 2006 (Limosa)', 'Loi du 27 juin 1969 ; loi-programme du 27 décembre 2006 (Limosa)'),
    ('fire-safety', 'fire', 'Brandveiligheid en evacuatie', 'Sécurité incendie et évacuation', 'Fire safety and evacuation', 'Wet van 15 mei 2007 civiele veiligheid; gemeentelijk politiereglement brandveiligheid', 'Loi du 15 mai 2007 relative à la sécurité civile ; règlement communal de police sécurité incendie'),
    ('housing-quality', 'housing', 'Woningkwaliteit en overbewoning', 'Qualité du logement et surpeuplement', 'Housing quality and overcrowding', 'Gewestelijke huisvestingswetgeving (woningkwaliteit)', 'Législation régionale du logement (qualité du logement)'),
    ('planning-environment', 'planning', 'Stedenbouw en omgevingsvergunning', "Urbanisme et permis d'environnement", 'Planning and environmental permit', 'Gewestelijke wetgeving ruimtelijke ordening en omgevingsvergunning', "Législation régionale de l'aménagement du territoire et du permis d'environnement"),
    ('permits-economy', 'permits', 'Uitbatingsvergunning en economische reglementering', "Autorisation d'exploitation et réglementation économique", 'Operating licence and economic regulation', 'Gemeentelijke politiereglementen; Wet van 10 november 2006 openingsuren (nachtwinkels)', "Règlements communaux de police ; loi du 10 novembre 2006 relative aux heures d'ouverture (magasins de nuit)"),
    ('population-register', 'population', 'Inschrijving en woonstcontrole', 'Inscription et contrôle de résidence', 'Registration and residence check', 'Wet van 19 juli 1991 betreffende de bevolkingsregisters', 'Loi du 19 juillet 1991 relative aux registres de la population'),
    ('food-safety', 'food', 'Voedselveiligheid en hygiëne', 'Sécurité alimentaire et hygiène', 'Food safety and hygiene', 'KB van 22 februari 2001 controles door het FAVV', "AR du 22 février 2001 organisant les contrôles effectués par l'AFSCA"),
    ('tax-cash-register', 'tax', 'Kassa, facturen en btw', 'Caisse, factures et TVA', 'Cash register, invoices and VAT', 'Btw-Wetboek art. 61-63; WIB 92 art. 319', 'Code de la TVA art. 61-63 ; CIR 92 art. 319'),
    ('trafficking-indicators', 'trafficking', 'Indicatoren mensenhandel', 'Indicateurs de traite des êtres humains', 'Human-trafficking indicators', 'Strafwetboek art. 433quinquies; omzendbrief COL 01/2015', 'Code pénal art. 433quinquies ; circulaire COL 01/2015'),
    ('immigration-files', 'residence', 'Verblijfsdossiers en visa', 'Dossiers de séjour et visas', 'Residence files and visas', 'Vreemdelingenwet van 15 december 1980', 'Loi du 15 décembre 1980 sur les étrangers'),
    ('judicial-direction', 'judicial', 'Strafrechtelijke leiding en voorafgaand overleg', 'Direction judiciaire et concertation préalable', 'Judicial direction and prior consultation', 'Wetboek van strafvordering; Nieuwe Gemeentewet art. 134quinquies', "Code d'instruction criminelle ; Nouvelle loi communale art. 134quinquies"),
    ('bibob-administrative', 'coordination', 'Bibob-advies en bestuurlijke informatie (NL)', 'Avis Bibob et information administrative (NL)', 'Bibob advice and administrative information (NL)', 'Wet Bibob; Gemeentewet art. 172-174', 'Loi néerlandaise Bibob (Wet Bibob) ; Gemeentewet art. 172-174'),
]

# Where a competency exists at all (country, region); every other one exists everywhere,
# its law given per region or country below where it differs from the default.
JURISDICTIONS: dict[str, tuple[str, str]] = {
    'social-security': ('BE', ''),
    'immigration-files': ('BE', ''),
    'bibob-administrative': ('NL', ''),
}

# The law of a region or a country where it is not the default text: housing, planning
# and environment are regional in Belgium; the Netherlands has its own law throughout.
REGIONAL_BASES: dict[str, dict[str, dict[str, str]]] = {
    'housing-quality': {
        'BE-VLG': {'nl': 'Vlaamse Codex Wonen van 2021, boek 3 (woningkwaliteit)', 'fr': 'Code flamand du Logement de 2021, livre 3 (qualité du logement)'},
        'BE-BRU': {'nl': 'Brusselse Huisvestingscode art. 4 (veiligheids-, gezondheids- en uitrustingsvereisten)', 'fr': "Code bruxellois du Logement art. 4 (exigences de sécurité, de salubrité et d'équipement)"},
        'BE-WAL': {'nl': 'Waals Wetboek van Huisvesting en Duurzaam Wonen art. 3 (gezondheidsnormen)', 'fr': "Code wallon de l'habitation durable art. 3 (critères de salubrité)"},
        'NL': {'nl': 'Woningwet art. 13 (aanschrijving); Besluit bouwwerken leefomgeving', 'fr': 'Woningwet (loi néerlandaise sur le logement) art. 13 ; Besluit bouwwerken leefomgeving'},
    },
    'planning-environment': {
        'BE-VLG': {'nl': 'Vlaamse Codex Ruimtelijke Ordening; Omgevingsvergunningsdecreet van 25 april 2014', 'fr': "Code flamand de l'aménagement du territoire ; décret relatif au permis d'environnement du 25 avril 2014"},
        'BE-BRU': {'nl': 'Brussels Wetboek van Ruimtelijke Ordening (BWRO); ordonnantie van 5 juni 1997 betreffende de milieuvergunningen', 'fr': "Code bruxellois de l'aménagement du territoire (CoBAT) ; ordonnance du 5 juin 1997 relative aux permis d'environnement"},
        'BE-WAL': {'nl': 'Waals Wetboek van Ruimtelijke Ontwikkeling (CoDT); decreet van 11 maart 1999 betreffende de milieuvergunning', 'fr': "Code du développement territorial (CoDT) ; décret du 11 mars 1999 relatif au permis d'environnement"},
        'NL': {'nl': 'Omgevingswet', 'fr': "Omgevingswet (loi néerlandaise sur l'environnement et l'aménagement)"},
    },
    'police-public-order': {
        'NL': {'nl': 'Politiewet 2012 art. 3; Gemeentewet art. 172', 'fr': 'Politiewet 2012 (loi néerlandaise sur la police) art. 3 ; Gemeentewet art. 172'},
    },
    'identity-residence': {
        'NL': {'nl': 'Vreemdelingenwet 2000 art. 50; Wet op de identificatieplicht', 'fr': 'Vreemdelingenwet 2000 (loi néerlandaise sur les étrangers) art. 50 ; Wet op de identificatieplicht'},
    },
    'undeclared-work': {
        'NL': {'nl': 'Wet arbeid vreemdelingen; Wet minimumloon en minimumvakantiebijslag', 'fr': 'Wet arbeid vreemdelingen ; Wet minimumloon en minimumvakantiebijslag (droit néerlandais)'},
    },
    'wellbeing-at-work': {
        'NL': {'nl': 'Arbeidsomstandighedenwet; Arbeidstijdenwet', 'fr': 'Arbeidsomstandighedenwet ; Arbeidstijdenwet (droit néerlandais)'},
    },
    'fire-safety': {
        'NL': {'nl': "Wet veiligheidsregio's; Besluit bouwwerken leefomgeving (brandveiligheid)", 'fr': "Wet veiligheidsregio's ; Besluit bouwwerken leefomgeving (sécurité incendie, droit néerlandais)"},
    },
    'permits-economy': {
        'NL': {'nl': 'Alcoholwet; Algemene plaatselijke verordening (APV)', 'fr': 'Alcoholwet ; règlement général de police de la commune (APV)'},
    },
    'population-register': {
        'NL': {'nl': 'Wet basisregistratie personen', 'fr': 'Wet basisregistratie personen (registre néerlandais des personnes)'},
    },
    'food-safety': {
        'NL': {'nl': 'Warenwet', 'fr': 'Warenwet (loi néerlandaise sur les denrées)'},
    },
    'tax-cash-register': {
        'NL': {'nl': 'Algemene wet inzake rijksbelastingen art. 47', 'fr': 'Algemene wet inzake rijksbelastingen (droit fiscal néerlandais) art. 47'},
    },
    'trafficking-indicators': {
        'NL': {'nl': 'Wetboek van Strafrecht art. 273f', 'fr': 'Wetboek van Strafrecht (code pénal néerlandais) art. 273f'},
    },
    'judicial-direction': {
        'NL': {'nl': 'Wetboek van Strafvordering; Opiumwet art. 13b', 'fr': "Wetboek van Strafvordering (code d'instruction criminelle néerlandais) ; Opiumwet art. 13b"},
    },
}
# fmt: on


def seed_competencies(competency_model: Any) -> None:
    """Create or update the default competencies (idempotent). Takes the model class so
    that migrations can pass their historical model, which may lack later columns."""
    fields = {field.name for field in competency_model._meta.get_fields()}
    for code, domain, nl, fr, en, basis_nl, basis_fr in COMPETENCIES:
        country, region = JURISDICTIONS.get(code, ("", ""))
        values = {
            "domain": domain,
            "title_nl": nl,
            "title_fr": fr,
            "title_en": en,
            "legal_basis_nl": basis_nl,
            "legal_basis_fr": basis_fr,
            # The first seeding migration runs before the legal basis had languages.
            "legal_basis": basis_nl,
            "country": country,
            "region": region,
            "regional_legal_bases": REGIONAL_BASES.get(code, {}),
        }
        competency_model.objects.update_or_create(
            code=code, defaults={name: value for name, value in values.items() if name in fields}
        )


def french_legal_basis(code: str) -> str:
    """The seeded French legal basis of a catalogue competency ("" for a city's own)."""
    return next((row[6] for row in COMPETENCIES if row[0] == code), "")

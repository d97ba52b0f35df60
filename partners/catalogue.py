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
    ('housing-quality', 'housing', 'Woningkwaliteit en overbewoning', 'Qualité du logement et surpeuplement', 'Housing quality and overcrowding', 'Vlaamse Codex Wonen van 2021, boek 3 (woningkwaliteit)', "Code bruxellois du Logement art. 4 ; Code wallon de l'habitation durable art. 3 (salubrité)"),
    ('planning-environment', 'planning', 'Stedenbouw en omgevingsvergunning', "Urbanisme et permis d'environnement", 'Planning and environmental permit', 'Vlaamse Codex Ruimtelijke Ordening; Omgevingsvergunningsdecreet van 25 april 2014', "Code bruxellois de l'aménagement du territoire (CoBAT) ; Code wallon du développement territorial (CoDT)"),
    ('permits-economy', 'permits', 'Uitbatingsvergunning en economische reglementering', "Autorisation d'exploitation et réglementation économique", 'Operating licence and economic regulation', 'Gemeentelijke politiereglementen; Wet van 10 november 2006 openingsuren (nachtwinkels)', "Règlements communaux de police ; loi du 10 novembre 2006 relative aux heures d'ouverture (magasins de nuit)"),
    ('population-register', 'population', 'Inschrijving en woonstcontrole', 'Inscription et contrôle de résidence', 'Registration and residence check', 'Wet van 19 juli 1991 betreffende de bevolkingsregisters', 'Loi du 19 juillet 1991 relative aux registres de la population'),
    ('food-safety', 'food', 'Voedselveiligheid en hygiëne', 'Sécurité alimentaire et hygiène', 'Food safety and hygiene', 'KB van 22 februari 2001 controles door het FAVV', "AR du 22 février 2001 organisant les contrôles effectués par l'AFSCA"),
    ('tax-cash-register', 'tax', 'Kassa, facturen en btw', 'Caisse, factures et TVA', 'Cash register, invoices and VAT', 'Btw-Wetboek art. 61-63; WIB 92 art. 319', 'Code de la TVA art. 61-63 ; CIR 92 art. 319'),
    ('trafficking-indicators', 'trafficking', 'Indicatoren mensenhandel', 'Indicateurs de traite des êtres humains', 'Human-trafficking indicators', 'Strafwetboek art. 433quinquies; omzendbrief COL 01/2015', 'Code pénal art. 433quinquies ; circulaire COL 01/2015'),
    ('immigration-files', 'residence', 'Verblijfsdossiers en visa', 'Dossiers de séjour et visas', 'Residence files and visas', 'Vreemdelingenwet van 15 december 1980', 'Loi du 15 décembre 1980 sur les étrangers'),
    ('judicial-direction', 'judicial', 'Strafrechtelijke leiding en voorafgaand overleg', 'Direction judiciaire et concertation préalable', 'Judicial direction and prior consultation', 'Wetboek van strafvordering; Nieuwe Gemeentewet art. 134quinquies', "Code d'instruction criminelle ; Nouvelle loi communale art. 134quinquies"),
    ('bibob-administrative', 'coordination', 'Bibob-advies en bestuurlijke informatie (NL)', 'Avis Bibob et information administrative (NL)', 'Bibob advice and administrative information (NL)', 'Wet Bibob; Gemeentewet art. 172-174', 'Loi néerlandaise Bibob (Wet Bibob) ; Gemeentewet art. 172-174'),
]
# fmt: on


def seed_competencies(competency_model: Any) -> None:
    """Create or update the default competencies (idempotent). Takes the model class so
    that migrations can pass their historical model."""
    fields = {field.name for field in competency_model._meta.get_fields()}
    for code, domain, nl, fr, en, basis_nl, basis_fr in COMPETENCIES:
        # The first seeding migration runs before the legal basis had a French column.
        if "legal_basis_nl" in fields:
            basis = {"legal_basis_nl": basis_nl, "legal_basis_fr": basis_fr}
        else:
            basis = {"legal_basis": basis_nl}
        competency_model.objects.update_or_create(
            code=code,
            defaults={"domain": domain, "title_nl": nl, "title_fr": fr, "title_en": en, **basis},
        )


def french_legal_basis(code: str) -> str:
    """The seeded French legal basis of a catalogue competency ("" for a city's own)."""
    return next((row[6] for row in COMPETENCIES if row[0] == code), "")

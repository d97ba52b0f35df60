# ruff: noqa: E501 - the seeded checklists are data tables, one question per line.
"""The default checklists, one per partner competency, in Dutch, French and English.
Legal references in Dutch and French (regional law: the Brussels and Walloon texts), to
verify with the city's legal service like the competency catalogue.
Seeded by a data migration and refreshed by ``load_demo``; a coordinator edits them in
the checklist builder, which publishes new versions.

Indicator questions: a "yes" becomes a signal on the premises (gis). Sharing defaults
follow the partners' secrecy: tax answers stay internal to tax (taxpayer's charter),
police identity details are shared with the action partners, social and housing
findings are usable by the city for its administrative decision.
"""

from __future__ import annotations

from typing import Any

from inspections.checklists.definition import question

YES_NO = "yes_no"


def choices(*rows: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "label": {"nl": nl, "fr": fr, "en": en}} for name, nl, fr, en in rows]


def q(name: str, kind: str, nl: str, fr: str, en: str, **options: Any) -> dict[str, Any]:
    return question(name, kind, {"nl": nl, "fr": fr, "en": en}, **options)


# Regional law: the reference a question cites in each Belgian region.
UNFIT_DWELLING = {
    "BE-VLG": {"nl": "Vlaamse Codex Wonen art. 3.1", "fr": "Code flamand du Logement art. 3.1"},
    "BE-BRU": {
        "nl": "Brusselse Huisvestingscode art. 4",
        "fr": "Code bruxellois du Logement art. 4",
    },
    "BE-WAL": {
        "nl": "Waals Wetboek van Huisvesting en Duurzaam Wonen art. 3",
        "fr": "Code wallon de l'habitation durable art. 3",
    },
    "NL": {"nl": "Woningwet art. 13", "fr": "Woningwet (loi néerlandaise sur le logement) art. 13"},
}
WITHOUT_PERMIT = {
    "BE-VLG": {
        "nl": "Omgevingsvergunningsdecreet art. 6",
        "fr": "Décret relatif au permis d'environnement (Flandre) art. 6",
    },
    "BE-BRU": {"nl": "BWRO art. 98", "fr": "CoBAT art. 98"},
    "BE-WAL": {"nl": "CoDT art. D.IV.4", "fr": "CoDT art. D.IV.4"},
}

# slug, competency, sectors (empty: all), Dutch, French, English, questions
# fmt: off
CHECKLISTS: list[tuple[str, str, list[str], str, str, str, list[dict[str, Any]]]] = [
    ("police-identities", "identity-residence", [], "Identiteiten en verblijfsstatus", "Identités et statut de séjour", "Identities and residence status", [
        q("persons_present", "count", "Aantal aanwezige personen", "Nombre de personnes présentes", "Number of persons present", required=True, sharing="shared"),
        q("identities_checked", "count", "Aantal gecontroleerde identiteiten", "Nombre d'identités contrôlées", "Number of identities checked", required=True, sharing="shared"),
        q("without_id", "count", "Personen zonder geldig identiteitsdocument", "Personnes sans document d'identité valable", "Persons without a valid identity document", sharing="shared"),
        q("irregular_stay", YES_NO, "Personen in onregelmatig verblijf aangetroffen?", "Personnes en séjour irrégulier trouvées ?", "Persons in irregular stay found?", required=True, indicator="illegal-stay", legal_reference="Vreemdelingenwet 15/12/1980 art. 75", legal_reference_fr="Loi du 15 décembre 1980 sur les étrangers art. 75", sharing="shared"),
        q("irregular_stay_count", "count", "Aantal personen in onregelmatig verblijf", "Nombre de personnes en séjour irrégulier", "Number of persons in irregular stay", required=True, relevant="${irregular_stay} = 'yes'", sharing="shared"),
        q("papers_held_by_operator", YES_NO, "Identiteitspapieren in handen van de uitbater?", "Documents d'identité détenus par l'exploitant ?", "Identity papers held by the operator?", indicator="id-papers-held", sharing="shared"),
        q("police_notes", "text", "Notities (intern politie)", "Notes (interne police)", "Notes (police internal)", sharing="internal"),
    ]),
    ("social-employment", "undeclared-work", [], "Tewerkstelling, Dimona en contracten", "Occupation, Dimona et contrats", "Employment, Dimona and contracts", [
        q("workers_present", "count", "Aantal aanwezige werknemers", "Nombre de travailleurs présents", "Number of workers present", required=True),
        q("without_dimona", YES_NO, "Werknemers zonder Dimona-aangifte?", "Travailleurs sans déclaration Dimona ?", "Workers without a Dimona declaration?", required=True, indicator="no-dimona", legal_reference="Sociaal Strafwetboek art. 181", legal_reference_fr="Code pénal social art. 181"),
        q("without_dimona_count", "count", "Aantal werknemers zonder Dimona", "Nombre de travailleurs sans Dimona", "Number of workers without Dimona", required=True, relevant="${without_dimona} = 'yes'"),
        q("contracts", "select_one", "Schriftelijke arbeidsovereenkomsten", "Contrats de travail écrits", "Written employment contracts", choices=choices(("all", "Voor iedereen", "Pour tous", "For everyone"), ("some", "Voor sommigen", "Pour certains", "For some"), ("none", "Geen", "Aucun", "None"))),
        q("part_time_schedules", YES_NO, "Deeltijdse uurroosters aanwezig?", "Horaires à temps partiel affichés ?", "Part-time schedules available?", relevant="${contracts} != 'none'"),
        q("fee_to_work", YES_NO, "Betalen werknemers om te mogen werken of voor een statuut?", "Les travailleurs paient-ils pour travailler ou pour un statut ?", "Do workers pay a fee to work or for a status?", indicator="fee-to-work"),
        q("false_self_employed", YES_NO, "Aanwijzingen van schijnzelfstandigheid?", "Indices de faux indépendants ?", "Signs of false self-employment?", indicator="false-self-employment"),
        q("rent_withheld", YES_NO, "Huur ingehouden op het loon?", "Loyer retenu sur le salaire ?", "Rent withheld from wages?", indicator="rent-withheld-from-wage"),
        q("documents", "photo", "Foto's van documenten", "Photos des documents", "Photos of documents"),
    ]),
    ("social-hours", "wellbeing-at-work", [], "Arbeidstijden en welzijn", "Temps de travail et bien-être", "Working hours and well-being", [
        q("hours_from", "time", "Werkdag begint om", "La journée commence à", "Working day starts at"),
        q("hours_until", "time", "Werkdag eindigt om", "La journée se termine à", "Working day ends at"),
        q("long_hours", YES_NO, "Zeer lange werkdagen of nachtwerk?", "Journées très longues ou travail de nuit ?", "Very long days or night work?", indicator="excessive-hours", legal_reference="Arbeidswet 16/3/1971 art. 19", legal_reference_fr="Loi sur le travail du 16 mars 1971 art. 19"),
        q("sleeping_on_site", YES_NO, "Slapen er mensen op de werkplek?", "Des personnes dorment-elles sur le lieu de travail ?", "Are people sleeping on the work site?", indicator="living-on-site"),
        q("sleeping_photos", "photo", "Foto's van de slaapplaatsen", "Photos des couchages", "Photos of the sleeping places", relevant="${sleeping_on_site} = 'yes'"),
        q("protective_equipment", YES_NO, "Beschermingsmiddelen aanwezig?", "Équipements de protection présents ?", "Protective equipment present?"),
    ]),
    ("fire-safety", "fire-safety", [], "Brandveiligheid", "Sécurité incendie", "Fire safety", [
        q("exits_clear", YES_NO, "Nooduitgangen vrij en gemarkeerd?", "Sorties de secours libres et signalées ?", "Emergency exits clear and marked?", required=True, legal_reference="Politiereglement brandveiligheid", legal_reference_fr="Règlement de police sécurité incendie"),
        q("extinguishers", YES_NO, "Blustoestellen aanwezig en gekeurd?", "Extincteurs présents et contrôlés ?", "Extinguishers present and inspected?", required=True),
        q("hazards", "select_multiple", "Vastgestelde gevaren", "Dangers constatés", "Hazards found", choices=choices(("wiring", "Gevaarlijke elektriciteit", "Électricité dangereuse", "Dangerous wiring"), ("gas", "Gasflessen binnen", "Bouteilles de gaz à l'intérieur", "Gas bottles indoors"), ("blocked", "Versperde doorgangen", "Passages bloqués", "Blocked passages"), ("no_detector", "Geen rookmelders", "Pas de détecteurs de fumée", "No smoke detectors"))),
        q("people_sleeping", YES_NO, "Wordt er geslapen in het pand?", "Dort-on dans le bâtiment ?", "Do people sleep in the building?", indicator="living-on-site"),
        q("closure_advised", YES_NO, "Sluiting of ontruiming geadviseerd?", "Fermeture ou évacuation conseillée ?", "Closure or evacuation advised?"),
        q("fire_photos", "photo", "Foto's", "Photos", "Photos"),
    ]),
    ("housing-quality", "housing-quality", [], "Woningkwaliteit en overbewoning", "Qualité du logement et surpeuplement", "Housing quality and overcrowding", [
        q("occupants", "count", "Aantal bewoners", "Nombre d'occupants", "Number of occupants", required=True),
        q("bedrooms", "integer", "Aantal slaapkamers", "Nombre de chambres", "Number of bedrooms"),
        q("mattresses_on_floor", YES_NO, "Matrassen op de grond, slechte hygiëne?", "Matelas à même le sol, hygiène déficiente ?", "Mattresses on the floor, poor hygiene?", indicator="mattresses-poor-hygiene"),
        q("unfit_space", YES_NO, "Bewoning van een ruimte ongeschikt voor bewoning?", "Logement dans un local impropre à l'habitation ?", "Living in a space unfit for habitation?", indicator="living-in-unfit-space", legal_reference="Gewestelijke huisvestingswetgeving (woningkwaliteit)", legal_reference_fr="Législation régionale du logement (qualité du logement)", regional_legal_references=UNFIT_DWELLING),
        q("defects", "select_multiple", "Gebreken", "Défauts", "Defects", choices=choices(("damp", "Vocht", "Humidité", "Damp"), ("heating", "Geen verwarming", "Pas de chauffage", "No heating"), ("hot_water", "Geen warm water", "Pas d'eau chaude", "No hot water"), ("electrical", "Elektrische gebreken", "Défauts électriques", "Electrical defects"))),
        q("defect_points", "integer", "Strafpunten technisch verslag", "Points de pénalité du rapport technique", "Penalty points in the technical report"),
        q("housing_photos", "photo", "Foto's", "Photos", "Photos"),
    ]),
    ("planning-permit", "planning-environment", [], "Stedenbouw en omgevingsvergunning", "Urbanisme et permis d'environnement", "Planning and environmental permit", [
        q("permit", "select_one", "Omgevingsvergunning", "Permis d'environnement", "Environmental permit", required=True, choices=choices(("valid", "Geldig", "Valable", "Valid"), ("expired", "Vervallen", "Expiré", "Expired"), ("none", "Geen", "Aucun", "None"))),
        q("without_permit", YES_NO, "Activiteit zonder vergunning?", "Activité sans permis ?", "Activity without a permit?", indicator="activity-without-permit", legal_reference="Gewestelijke omgevingsvergunningswetgeving", legal_reference_fr="Législation régionale du permis d'environnement", regional_legal_references=WITHOUT_PERMIT),
        q("sealed", YES_NO, "Installatie verzegeld?", "Installation scellée ?", "Installation sealed?"),
        q("sealed_at", "datetime", "Verzegeld op", "Scellée le", "Sealed at", required=True, relevant="${sealed} = 'yes'"),
        q("illegal_conversion", YES_NO, "Wederrechtelijke verbouwing of functiewijziging?", "Transformation ou changement d'affectation illicite ?", "Unlawful conversion or change of use?"),
        q("planning_photos", "photo", "Foto's", "Photos", "Photos"),
    ]),
    ("food-safety", "food-safety", ["restaurant", "bar", "night_shop", "hotel", "retail"], "Voedselveiligheid", "Sécurité alimentaire", "Food safety", [
        q("hygiene", "select_one", "Algemene hygiëne", "Hygiène générale", "General hygiene", required=True, choices=choices(("good", "Goed", "Bonne", "Good"), ("fair", "Aanvaardbaar", "Acceptable", "Acceptable"), ("poor", "Slecht", "Mauvaise", "Poor"))),
        q("fridge_temperature", "decimal", "Temperatuur koelcel (°C)", "Température chambre froide (°C)", "Cold room temperature (°C)"),
        q("cold_chain_broken", YES_NO, "Koudeketen onderbroken?", "Chaîne du froid rompue ?", "Cold chain broken?", relevant="${fridge_temperature} > 7"),
        q("pests", YES_NO, "Ongedierte vastgesteld?", "Nuisibles constatés ?", "Pests found?"),
        q("seized_kg", "decimal", "In beslag genomen producten (kg)", "Produits saisis (kg)", "Products seized (kg)"),
        q("food_photos", "photo", "Foto's", "Photos", "Photos"),
    ]),
    ("tax-cash-register", "tax-cash-register", [], "Kassa, facturen en btw", "Caisse, factures et TVA", "Cash register, invoices and VAT", [
        q("registered_till", YES_NO, "Geregistreerd kassasysteem in gebruik?", "Système de caisse enregistreuse utilisé ?", "Registered cash register in use?", required=True, sharing="internal", legal_reference="KB nr. 1 btw art. 21bis", legal_reference_fr="AR n° 1 TVA art. 21bis"),
        q("second_cash_book", YES_NO, "Tweede, niet-geregistreerd kasboek?", "Second livre de caisse non enregistré ?", "Second, unregistered cash book?", indicator="dual-cash-records", sharing="internal"),
        q("cash_only", YES_NO, "Enkel contante betaling, geen btw-bonnetjes?", "Paiement en espèces uniquement, pas de tickets TVA ?", "Cash only, no VAT receipts?", indicator="cash-only", sharing="internal"),
        q("invoices_missing", YES_NO, "Goederen zonder aankoopfacturen?", "Marchandises sans factures d'achat ?", "Goods without purchase invoices?", sharing="internal", legal_reference="Btw-Wetboek art. 53", legal_reference_fr="Code de la TVA art. 53"),
        q("cash_counted", "decimal", "Getelde kasinhoud (EUR)", "Encaisse comptée (EUR)", "Cash counted (EUR)", sharing="internal"),
        q("tax_photos", "photo", "Foto's", "Photos", "Photos", sharing="internal"),
    ]),
    ("trafficking-indicators", "trafficking-indicators", [], "Indicatoren mensenhandel", "Indicateurs de traite des êtres humains", "Human-trafficking indicators", [
        q("thb_note", "note", "Eén indicator is geen bewijs: het is de opeenstapeling die telt.", "Un indicateur n'est pas une preuve : c'est l'accumulation qui compte.", "One indicator is not evidence: it is the accumulation that counts.", sharing="shared"),
        q("papers_held", YES_NO, "Identiteitspapieren in handen van een ander?", "Documents d'identité détenus par un tiers ?", "Identity papers held by someone else?", required=True, indicator="id-papers-held", sharing="shared"),
        q("interpreter_present", YES_NO, "Een 'tolk' steeds aanwezig, mag niet alleen spreken?", "Un « interprète » toujours présent, ne peut parler seul ?", "An 'interpreter' always present, not allowed to speak alone?", required=True, indicator="interpreter-always-present", sharing="shared"),
        q("debt", YES_NO, "Schuld tegenover werkgever of tussenpersoon (reisschuld)?", "Dette envers l'employeur ou l'intermédiaire (dette de voyage) ?", "Debt to the employer or an intermediary (travel debt)?", required=True, indicator="debt-bondage", sharing="shared"),
        q("no_own_money", YES_NO, "Geen bankkaart of eigen geld?", "Pas de carte bancaire ni d'argent propre ?", "No bank card or money of their own?", indicator="no-own-money", sharing="shared"),
        q("minors", YES_NO, "Minderjarigen aanwezig?", "Mineurs présents ?", "Minors present?", indicator="minors-present", sharing="shared"),
        q("victims_count", "count", "Aantal mogelijke slachtoffers", "Nombre de victimes potentielles", "Number of possible victims", sharing="shared"),
        q("referred", YES_NO, "Doorverwezen naar een gespecialiseerd opvangcentrum?", "Orienté vers un centre d'accueil spécialisé ?", "Referred to a specialised reception centre?", relevant="${victims_count} > 0", sharing="shared", legal_reference="Omzendbrief COL 01/2015", legal_reference_fr="Circulaire COL 01/2015"),
    ]),
]
# fmt: on


def definition_of(questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"groups": [], "questions": questions}


def seed_checklists(
    template_model: Any, version_model: Any, competency_model: Any, sector_model: Any
) -> None:
    """Create or refresh the default checklists (idempotent). A published version is never
    changed: when the seeded questions differ, a new published version is added. Takes
    the model classes so that migrations can pass their historical models."""
    from django.utils import timezone

    for slug, competency, sectors, nl, fr, en, questions in CHECKLISTS:
        template, _created = template_model.objects.update_or_create(
            slug=slug,
            defaults={
                "competency": competency_model.objects.get(code=competency),
                "title_nl": nl,
                "title_fr": fr,
                "title_en": en,
            },
        )
        template.sectors.set(sector_model.objects.filter(code__in=sectors))
        definition = definition_of(questions)
        latest = template.versions.filter(status="published").order_by("-number").first()
        if latest is not None and latest.definition == definition:
            continue
        numbers = template.versions.order_by("-number").values_list("number", flat=True)
        version_model.objects.create(
            template=template,
            number=(numbers.first() or 0) + 1,
            status="published",
            definition=definition,
            published_at=timezone.now(),
        )

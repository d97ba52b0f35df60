"""Seed the sectors and the indicator catalogue (from the CONFINE report's barrier
models, ../shared/domain/confine-report-notes.md §2). Weights are defaults a city tunes;
each stays below the flag threshold, so one indicator alone never flags a premises."""

from __future__ import annotations

from typing import Any

# code, Dutch, French, English, aliases a GIS layer may use
# fmt: off
SECTORS = [
    ("car_wash", "Carwash", "Car-wash", "Car wash", ["carwash", "car wash", "car-wash", "handcarwash", "valet car wash"]),
    ("massage_parlour", "Massagesalon", "Salon de massage", "Massage parlour", ["massage", "massagesalon", "massage salon", "thai massage"]),
    ("restaurant", "Restaurant", "Restaurant", "Restaurant", ["fast_food", "food_court", "eethuis", "snackbar", "frituur", "takeaway"]),
    ("bar", "Café of bar", "Café ou bar", "Bar or pub", ["pub", "cafe", "café", "biergarten", "nightclub", "shisha", "shisha bar"]),
    ("hotel", "Hotel", "Hôtel", "Hotel", ["hostel", "motel", "guest_house", "b&b"]),
    ("night_shop", "Nachtwinkel", "Magasin de nuit", "Night shop", ["nachtwinkel", "convenience", "kiosk", "phone shop", "belwinkel"]),
    ("construction_site", "Bouwwerf", "Chantier", "Construction site", ["construction", "bouwwerf", "werf"]),
    ("farm", "Land- en tuinbouw, seizoenswerk", "Agriculture et travail saisonnier", "Farm and seasonal work", ["farm", "farmyard", "agriculture", "greenhouse", "fruit farm"]),
    ("housing", "Woning", "Logement", "Housing", ["house", "residential", "apartments", "woning", "dwelling", "kot"]),
    ("warehouse", "Opslagplaats en distributie", "Entrepôt et distribution", "Warehouse", ["warehouse", "depot", "loods", "storage"]),
    ("transport", "Transport en logistiek", "Transport et logistique", "Transport", ["logistics", "taxi", "haulage", "courier"]),
    ("hair_salon", "Kapsalon of nagelstudio", "Salon de coiffure ou onglerie", "Hair or nail salon", ["hairdresser", "kapper", "kapsalon", "nail salon", "nagelstudio", "beauty"]),
    ("retail", "Winkel", "Commerce", "Shop", ["shop", "supermarket", "clothes", "winkel"]),
    ("office", "Kantoor", "Bureau", "Office", ["offices", "kantoor", "office building"]),
]

# code, category, Dutch, French, English, sectors (empty: all), source, competency, weight
INDICATORS = [
    ("multiple-registrations", "housing", "Meerdere personen ingeschreven op één adres", "Plusieurs personnes inscrites à une même adresse", "Several persons registered at one address", ["housing"], "Bevolkingsregister", "population-register", 1.0),
    ("mattresses-poor-hygiene", "housing", "Matrassen op de grond, slechte hygiëne", "Matelas à même le sol, hygiène déficiente", "Mattresses on the floor, poor hygiene", [], "Woninginspectie, vaststelling ter plaatse", "housing-quality", 1.2),
    ("living-in-unfit-space", "housing", "Bewoning van ruimten ongeschikt voor bewoning (carwash, loods, kantoor)", "Logement dans des locaux impropres (car-wash, hangar, bureau)", "People living in spaces unfit for habitation (car wash, shed, office)", ["car_wash", "warehouse", "construction_site", "farm", "office"], "Woninginspectie, brandweer", "housing-quality", 1.5),
    ("registration-turnover", "housing", "Hoog verloop van (buitenlandse) inschrijvingen op één adres", "Rotation élevée d'inscriptions (étrangères) à une adresse", "High turnover of (foreign) registrations at one address", ["housing"], "Bevolkingsregister", "population-register", 1.2),
    ("short-unregistered-stays", "housing", "Bewoners op veel adressen voor korte tijd, niet ingeschreven", "Occupants à de nombreuses adresses pour de courtes périodes, non inscrits", "Occupants at many addresses for short periods, unregistered", [], "Bevolkingsregister, kadaster", "population-register", 1.0),
    ("garbage-at-vacant-property", "housing", "Ongewoon veel afval bij een leegstaand of onbewoonbaar verklaard pand", "Quantité anormale de déchets dans un bien vacant ou déclaré inhabitable", "Unusual garbage at a property declared vacant or uninhabitable", ["housing"], "Buren, stadstoezicht", "housing-quality", 0.8),
    ("rent-withheld-from-wage", "housing", "Buitensporige huur ingehouden op het loon; huisvesting gekozen door de werkgever", "Loyer excessif retenu sur le salaire ; logement imposé par l'employeur", "Excessive rent withheld from wages; housing chosen by the employer", [], "Sociale inspectie", "undeclared-work", 1.3),
    ("living-on-site", "housing", "Personen die op de werkplek wonen of slapen", "Personnes qui vivent ou dorment sur le lieu de travail", "People living or sleeping on the work site", ["car_wash", "massage_parlour", "restaurant", "night_shop"], "Buren, brandweer, vaststelling ter plaatse", "fire-safety", 1.5),
    ("illegal-stay", "residence", "Illegaal verblijf, verlopen toeristenvisa", "Séjour irrégulier, visas touristiques expirés", "Illegal stay, expired tourist visas", [], "Politie, Dienst Vreemdelingenzaken", "identity-residence", 1.5),
    ("recruitment-asylum-centres", "residence", "Werving bij opvangcentra voor asielzoekers", "Recrutement dans les centres d'accueil pour demandeurs d'asile", "Recruitment at asylum reception centres", ["car_wash", "construction_site", "farm"], "Politie", "identity-residence", 1.2),
    ("marriage-of-convenience", "residence", "Verblijf via een kortstondig huwelijk of samenwoning", "Séjour par un mariage ou une cohabitation de courte durée", "Residence through a short-lived marriage or cohabitation", [], "Bevolkingsregister, Dienst Vreemdelingenzaken", "population-register", 0.8),
    ("straw-man", "corporate", "Stroman als zaakvoerder", "Homme de paille comme gérant", "Straw man as manager", [], "KBO, Belgisch Staatsblad", "permits-economy", 1.2),
    ("frequent-office-changes", "corporate", "Herhaaldelijke wijziging van maatschappelijke zetel en zaakvoerder", "Changements répétés de siège social et de gérant", "Repeated changes of registered office and manager", [], "KBO, Belgisch Staatsblad", "permits-economy", 1.0),
    ("subcontracting-chain", "corporate", "Keten van (buitenlandse) onderaannemers; detacheringsfraude", "Chaîne de sous-traitants (étrangers) ; fraude au détachement", "Chain of (foreign) subcontractors; posting fraud", ["construction_site", "transport", "warehouse", "farm"], "KBO, sociale inspectie, Limosa", "social-security", 1.2),
    ("purpose-mismatch", "corporate", "Maatschappelijk doel past niet bij de activiteit", "L'objet social ne correspond pas à l'activité", "Company purpose does not match the activity", [], "KBO, vergunningsdossier", "permits-economy", 0.8),
    ("one-manager-many-companies", "corporate", "Dezelfde persoon beheert meerdere zaken via verschillende vennootschappen", "Une même personne gère plusieurs établissements via différentes sociétés", "One person runs several businesses through different companies", ["massage_parlour", "night_shop", "car_wash", "hair_salon"], "KBO", "permits-economy", 1.0),
    ("successive-bankruptcies", "corporate", "Opeenvolgende faillissementen; schulden bij stromannen", "Faillites successives ; dettes laissées aux hommes de paille", "Successive bankruptcies; debts left with straw men", [], "KBO, insolventieregister", "permits-economy", 1.0),
    ("activity-without-permit", "corporate", "Activiteit zonder omgevings- of uitbatingsvergunning", "Activité sans permis d'environnement ou autorisation d'exploitation", "Activity without environmental or operating permit", [], "Vergunningsdossier, omgevingsdienst", "planning-environment", 1.2),
    ("no-dimona", "labour", "Geen of laattijdige Dimona, geen arbeidsovereenkomst of arbeidskaart", "Pas de Dimona ou Dimona tardive, pas de contrat ou de permis de travail", "No or late Dimona, no employment contract or work permit", [], "Sociale inspectie, RSZ (Dolsis)", "undeclared-work", 1.5),
    ("false-self-employment", "labour", "Schijnzelfstandigheid; werknemers als vennoot ingeschreven", "Faux indépendants ; travailleurs inscrits comme associés", "False self-employment; workers made partners", ["massage_parlour", "construction_site", "hair_salon"], "Sociale inspectie", "social-security", 1.2),
    ("excessive-hours", "labour", "Zeer lange werkdagen (10-23 u), nachtwerk, loon onder het minimum", "Journées très longues (10-23 h), travail de nuit, salaire sous le minimum", "Very long days (10:00-23:00), night work, pay below minimum", [], "Sociale inspectie, buren", "wellbeing-at-work", 1.3),
    ("fee-to-work", "labour", "Werknemers betalen om te mogen werken of voor een zelfstandigenstatuut", "Les travailleurs paient pour travailler ou pour un statut d'indépendant", "Workers pay a fee to work or for self-employed status", ["massage_parlour", "hair_salon"], "Sociale inspectie", "undeclared-work", 1.5),
    ("workers-not-on-permit", "labour", "Aanwezige werknemers staan niet op de vergunningsaanvraag", "Travailleurs présents absents de la demande d'autorisation", "Workers present but not listed on the permit application", ["massage_parlour"], "Vergunningsdossier, controle", "permits-economy", 0.8),
    ("dual-cash-records", "fiscal", "Geregistreerde en niet-geregistreerde kasboeken", "Livres de caisse enregistrés et non enregistrés", "Registered and unregistered cash books", ["restaurant", "bar", "night_shop", "car_wash", "massage_parlour"], "Fiscus", "tax-cash-register", 1.3),
    ("cash-only", "fiscal", "Enkel contante betaling; geen btw-bonnetjes", "Paiement en espèces uniquement ; pas de tickets TVA", "Cash only; no VAT receipts", [], "Fiscus, vaststelling ter plaatse", "tax-cash-register", 0.8),
    ("missing-accounts", "fiscal", "Jaarrekening laattijdig of ontbrekend; geen belastingaangiften", "Comptes annuels tardifs ou manquants ; pas de déclarations fiscales", "Annual accounts late or missing; no tax returns", [], "Fiscus, Nationale Bank", "tax-cash-register", 0.8),
    ("cash-deposits", "financial", "Talrijke contante stortingen op één rekening", "Nombreux dépôts en espèces sur un même compte", "Numerous cash deposits into one account", [], "CFI (niet deelbaar met de stad)", "judicial-direction", 1.0),
    ("hawala-remittances", "financial", "Kleine overschrijvingen naar herkomstlanden, hawala, geldkoeriers", "Petits transferts vers les pays d'origine, hawala, passeurs de fonds", "Small remittances to source countries, hawala, cash couriers", ["night_shop"], "CFI, politie", "police-public-order", 1.0),
    ("unexplained-assets", "financial", "Aankoop van vastgoed en wagens zonder verklaarbare inkomsten", "Achat d'immeubles et de voitures sans revenus justifiables", "Real estate and cars bought without explainable income", [], "Kadaster", "judicial-direction", 0.8),
    ("id-papers-held", "dependence", "Identiteitspapieren in handen van de uitbater", "Documents d'identité détenus par l'exploitant", "Identity papers held by the operator", [], "Vaststelling ter plaatse, politie", "trafficking-indicators", 1.8),
    ("interpreter-always-present", "dependence", "Een 'tolk' is steeds aanwezig; spreekt geen Nederlands of Engels; mag niet alleen buiten", "Un « interprète » toujours présent ; ne parle ni néerlandais ni anglais ; ne peut sortir seul", "An 'interpreter' always present; speaks no Dutch or English; not allowed out alone", [], "Vaststelling ter plaatse", "trafficking-indicators", 1.5),
    ("debt-bondage", "dependence", "Schuldslavernij (reisschuld), voodoo", "Servitude pour dettes (dette de voyage), vaudou", "Debt bondage (travel debt), voodoo", [], "Politie", "trafficking-indicators", 2.0),
    ("no-own-money", "dependence", "Geen bankkaart of eigen geld", "Pas de carte bancaire ni d'argent propre", "No bank card or money of their own", [], "Vaststelling ter plaatse", "trafficking-indicators", 1.2),
    ("late-night-noise", "nuisance", "Lawaai en activiteit tot laat in de nacht", "Bruit et activité tard dans la nuit", "Noise and activity late at night", [], "Buren, politie", "police-public-order", 0.7),
    ("many-short-visits", "nuisance", "Veel mannen die kort aanwezig zijn; klanten die komen en gaan", "Nombreux hommes présents brièvement ; va-et-vient de clients", "Many men briefly present; customers coming and going", ["massage_parlour", "bar", "hotel", "housing"], "Buren", "police-public-order", 1.0),
    ("fly-tipping", "nuisance", "Sluikstorten en stroompannes", "Dépôts clandestins et pannes de courant", "Fly-tipping and power failures", [], "Buren, stadstoezicht", "planning-environment", 0.5),
    ("minors-present", "dependence", "Minderjarigen of zeer jonge vrouwen aanwezig in bar of hotel", "Mineurs ou très jeunes femmes présents dans un bar ou un hôtel", "Minors or very young women present in a bar or hotel", ["bar", "hotel"], "Politie", "trafficking-indicators", 1.8),
]
# fmt: on


def seed_sectors_and_indicators(
    sector_model: Any, indicator_model: Any, competency_model: Any
) -> None:
    """Create or update the default sectors and indicators (idempotent). Takes the model
    classes so that migrations can pass their historical models."""
    sectors = {}
    for code, nl, fr, en, aliases in SECTORS:
        sectors[code], _ = sector_model.objects.update_or_create(
            code=code, defaults={"title_nl": nl, "title_fr": fr, "title_en": en, "aliases": aliases}
        )
    for code, category, nl, fr, en, sector_codes, source, competency, weight in INDICATORS:
        indicator, _ = indicator_model.objects.update_or_create(
            code=code,
            defaults={
                "category": category,
                "title_nl": nl,
                "title_fr": fr,
                "title_en": en,
                "information_source": source,
                "weight": weight,
                "actionable_by": competency_model.objects.get(code=competency),
            },
        )
        indicator.sectors.set([sectors[sector] for sector in sector_codes])

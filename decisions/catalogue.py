# ruff: noqa: E501 - the seeded catalogue is a data table, one entry per line.
"""The default legal articles and decision types, seeded by a data migration and
refreshed by ``load_demo``. Every type is marked "verify with your legal service":
terms and required steps follow the notes in the design (CONFINE report, ZGW record) and
must be confirmed by the city before they are relied on.

Idempotent: a published type version is never changed; when the seeded values differ
from the latest published version, a new version is published beside it.
"""

from __future__ import annotations

from typing import Any

# code, jurisdiction (a country, or a Belgian region such as BE-BRU), Dutch, French, English
ARTICLES: list[tuple[str, str, str, str, str]] = [
    (
        "ngw-133",
        "BE",
        "Nieuwe Gemeentewet art. 133",
        "Nouvelle loi communale art. 133",
        "New Municipal Act art. 133",
    ),
    (
        "ngw-135-2",
        "BE",
        "Nieuwe Gemeentewet art. 135 §2",
        "Nouvelle loi communale art. 135 §2",
        "New Municipal Act art. 135 §2",
    ),
    (
        "ngw-134ter",
        "BE",
        "Nieuwe Gemeentewet art. 134ter",
        "Nouvelle loi communale art. 134ter",
        "New Municipal Act art. 134ter",
    ),
    (
        "ngw-134quater",
        "BE",
        "Nieuwe Gemeentewet art. 134quater",
        "Nouvelle loi communale art. 134quater",
        "New Municipal Act art. 134quater",
    ),
    (
        "ngw-134quinquies",
        "BE",
        "Nieuwe Gemeentewet art. 134quinquies",
        "Nouvelle loi communale art. 134quinquies",
        "New Municipal Act art. 134quinquies",
    ),
    (
        "ngw-119",
        "BE",
        "Nieuwe Gemeentewet art. 119 (politiereglement)",
        "Nouvelle loi communale art. 119 (règlement de police)",
        "New Municipal Act art. 119 (police by-law)",
    ),
    (
        "gemw-172",
        "NL",
        "Gemeentewet art. 172",
        "Gemeentewet art. 172",
        "Municipalities Act art. 172",
    ),
    (
        "gemw-174",
        "NL",
        "Gemeentewet art. 174",
        "Gemeentewet art. 174",
        "Municipalities Act art. 174",
    ),
    (
        "gemw-174a",
        "NL",
        "Gemeentewet art. 174a",
        "Gemeentewet art. 174a",
        "Municipalities Act art. 174a",
    ),
    ("bibob-3", "NL", "Wet Bibob art. 3", "Wet Bibob art. 3", "Bibob Act art. 3"),
    ("opiumw-13b", "NL", "Opiumwet art. 13b", "Opiumwet art. 13b", "Opium Act art. 13b"),
    (
        "vcw-boek-3",
        "BE-VLG",
        "Vlaamse Codex Wonen van 2021, boek 3 (woningkwaliteit)",
        "Code flamand du Logement de 2021, livre 3 (qualité du logement)",
        "Flemish Housing Code 2021, book 3 (housing quality)",
    ),
    (
        "cbl-4",
        "BE-BRU",
        "Brusselse Huisvestingscode art. 4",
        "Code bruxellois du Logement art. 4",
        "Brussels Housing Code art. 4",
    ),
    (
        "cwhd-3",
        "BE-WAL",
        "Waals Wetboek van Huisvesting en Duurzaam Wonen art. 3",
        "Code wallon de l'habitation durable art. 3",
        "Walloon Code of Sustainable Housing art. 3",
    ),
    (
        "awb-4-8",
        "NL",
        "Algemene wet bestuursrecht art. 4:8",
        "Algemene wet bestuursrecht art. 4:8",
        "General Administrative Law Act art. 4:8",
    ),
]

RVS_NL = "Raad van State (annulatieberoep, 60 dagen na kennisgeving)"
RVS_FR = "Conseil d'État (recours en annulation, 60 jours après la notification)"
BEZWAAR_NL = "Bezwaar bij de burgemeester (6 weken na bekendmaking, Awb art. 6:7)"
BEZWAAR_FR = "Objection auprès du bourgmestre (6 semaines après la notification, Awb art. 6:7)"

CONSIDERATIONS_NL = "Gelet op het gezamenlijk proces-verbaal van de controle van {date} en de vaststellingen daarin;"
CONSIDERATIONS_FR = (
    "Vu le rapport commun du contrôle du {date} et les constatations qu'il contient ;"
)

# code, country (or a Belgian region: BE-VLG, BE-BRU, BE-WAL), measures, Dutch title, French title, English title, legal basis nl, fr,
# articles, max months, hearing, hearing waivable if urgent, prior warning, prosecutor,
# remedy term, appeal days, appeal to (nl, fr), model motivation (nl, fr)
TYPES: list[dict[str, Any]] = [
    {
        "code": "be-ngw-133-135",
        "country": "BE",
        "measures": ["order", "closure"],
        "title": (
            "Politiemaatregel openbare orde, rust en hygiëne (art. 133/135 NGW)",
            "Mesure de police ordre public, tranquillité et salubrité (art. 133/135 NLC)",
            "Police measure for public order, peace and hygiene (art. 133/135 NMA)",
        ),
        "basis": (
            "De algemene bevoegdheid van de burgemeester om de openbare orde, rust, veiligheid en gezondheid te handhaven.",
            "La compétence générale du bourgmestre de maintenir l'ordre, la tranquillité, la sécurité et la salubrité publiques.",
        ),
        "articles": ["ngw-133", "ngw-135-2"],
        "max_months": None,
        "hearing": True,
        "waivable": True,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat de vaststellingen een ernstige bedreiging vormen voor de openbare veiligheid en gezondheid;\nOverwegende dat geen minder ingrijpende maatregel volstaat;",
            "Considérant que les constatations constituent une menace grave pour la sécurité et la salubrité publiques ;\nConsidérant qu'aucune mesure moins contraignante ne suffit ;",
        ),
    },
    {
        "code": "be-ngw-134ter",
        "country": "BE",
        "measures": ["suspension", "withdrawal", "closure"],
        "title": (
            "Voorlopige schorsing of intrekking van een vergunning of sluiting (art. 134ter NGW)",
            "Suspension ou retrait provisoire d'une autorisation ou fermeture (art. 134ter NLC)",
            "Provisional suspension or withdrawal of a permit, or closure (art. 134ter NMA)",
        ),
        "basis": (
            "De burgemeester kan, na voorafgaande waarschuwing en na de overtreder te hebben gehoord, bij niet-naleving van de exploitatievoorwaarden een vergunning voorlopig schorsen of intrekken of de inrichting sluiten, voor ten hoogste drie maanden.",
            "Le bourgmestre peut, après avertissement préalable et audition du contrevenant, en cas de non-respect des conditions d'exploitation, suspendre ou retirer provisoirement une autorisation ou fermer l'établissement, pour trois mois au plus.",
        ),
        "articles": ["ngw-134ter"],
        "max_months": 3,
        "hearing": True,
        "waivable": False,
        "warning": True,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat de exploitatievoorwaarden niet worden nageleefd;\nOverwegende dat de uitbater voorafgaand werd gewaarschuwd en werd gehoord;",
            "Considérant que les conditions d'exploitation ne sont pas respectées ;\nConsidérant que l'exploitant a été préalablement averti et entendu ;",
        ),
    },
    {
        "code": "be-ngw-134quater",
        "country": "BE",
        "measures": ["closure"],
        "title": (
            "Sluiting wegens verstoring van de openbare orde (art. 134quater NGW)",
            "Fermeture pour trouble à l'ordre public (art. 134quater NLC)",
            "Closure for disturbance of public order (art. 134quater NMA)",
        ),
        "basis": (
            "De burgemeester kan een voor het publiek toegankelijke inrichting sluiten wanneer de openbare orde rond die inrichting wordt verstoord door gedragingen in die inrichting, voor ten hoogste drie maanden.",
            "Le bourgmestre peut fermer un établissement accessible au public lorsque l'ordre public autour de cet établissement est troublé par des comportements survenant dans cet établissement, pour trois mois au plus.",
        ),
        "articles": ["ngw-134quater"],
        "max_months": 3,
        "hearing": True,
        "waivable": True,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat de openbare orde rond de inrichting wordt verstoord door gedragingen in de inrichting;",
            "Considérant que l'ordre public autour de l'établissement est troublé par des comportements survenant dans celui-ci ;",
        ),
    },
    {
        "code": "be-ngw-134quinquies",
        "country": "BE",
        "measures": ["closure"],
        "title": (
            "Sluiting bij ernstige aanwijzingen van mensenhandel of -smokkel (art. 134quinquies NGW)",
            "Fermeture en cas d'indices sérieux de traite ou de trafic des êtres humains (art. 134quinquies NLC)",
            "Closure on serious indications of human trafficking or smuggling (art. 134quinquies NMA)",
        ),
        "basis": (
            "Wanneer er ernstige aanwijzingen zijn dat in een inrichting feiten van mensenhandel of mensensmokkel plaatsvinden, kan de burgemeester, na voorafgaand overleg met de gerechtelijke overheden en na de verantwoordelijke te hebben gehoord, de inrichting sluiten voor ten hoogste zes maanden.",
            "Lorsqu'il existe des indices sérieux selon lesquels se déroulent dans un établissement des faits de traite ou de trafic des êtres humains, le bourgmestre peut, après concertation préalable avec les autorités judiciaires et après avoir entendu le responsable, fermer l'établissement pour six mois au plus.",
        ),
        "articles": ["ngw-134quinquies"],
        "max_months": 6,
        "hearing": True,
        "waivable": False,
        "warning": False,
        "prosecutor": True,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat er ernstige aanwijzingen zijn dat in de inrichting feiten van mensenhandel plaatsvinden;\nOverwegende dat vooraf overleg werd gepleegd met het parket en dat de verantwoordelijke werd gehoord;",
            "Considérant qu'il existe des indices sérieux que des faits de traite des êtres humains se déroulent dans l'établissement ;\nConsidérant que le parquet a été consulté au préalable et que le responsable a été entendu ;",
        ),
    },
    {
        "code": "be-permit-refusal",
        "country": "BE",
        "measures": ["refusal"],
        "title": (
            "Weigering van een exploitatievergunning",
            "Refus d'une autorisation d'exploitation",
            "Refusal of an operating permit",
        ),
        "basis": (
            "Het politiereglement op de exploitatievergunningen van de gemeente.",
            "Le règlement de police communal relatif aux autorisations d'exploitation.",
        ),
        "articles": ["ngw-119"],
        "max_months": None,
        "hearing": True,
        "waivable": False,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat de aanvrager niet voldoet aan de voorwaarden van het politiereglement;",
            "Considérant que le demandeur ne remplit pas les conditions du règlement de police ;",
        ),
    },
    {
        "code": "be-closing-hours",
        "country": "BE",
        "measures": ["closing_hours"],
        "title": (
            "Opleggen van een sluitingsuur",
            "Imposition d'une heure de fermeture",
            "Imposing closing hours",
        ),
        "basis": (
            "Art. 135 §2 NGW en het politiereglement: beperking van de openingsuren om de openbare rust te handhaven.",
            "Art. 135 §2 NLC et le règlement de police : limitation des heures d'ouverture pour maintenir la tranquillité publique.",
        ),
        "articles": ["ngw-135-2", "ngw-119"],
        "max_months": None,
        "hearing": True,
        "waivable": True,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 60,
        "appeal": (RVS_NL, RVS_FR),
        "motivation": (
            "Overwegende dat de nachtelijke uitbating de openbare rust verstoort;",
            "Considérant que l'exploitation nocturne trouble la tranquillité publique ;",
        ),
    },
    {
        "code": "be-covenant",
        "country": "BE",
        "measures": ["covenant"],
        "title": (
            "Convenant met de uitbater",
            "Convention avec l'exploitant",
            "Covenant with the operator",
        ),
        "basis": (
            "Een overeenkomst waarin de uitbater maatregelen aanvaardt (bv. geen contante betalingen, enkel echte identiteitsdocumenten) in plaats van een sluiting.",
            "Une convention par laquelle l'exploitant accepte des mesures (p. ex. pas de paiements en espèces, uniquement des documents d'identité authentiques) au lieu d'une fermeture.",
        ),
        "articles": [],
        "max_months": None,
        "hearing": False,
        "waivable": False,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 0,
        "appeal": ("", ""),
        "motivation": (
            "Overwegende dat de uitbater zich ertoe verbindt de volgende maatregelen te nemen:",
            "Considérant que l'exploitant s'engage à prendre les mesures suivantes :",
        ),
    },
    {
        "code": "nl-gemw-172-174",
        "country": "NL",
        "measures": ["closure", "order"],
        "title": (
            "Sluiting of bevel van de burgemeester (Gemeentewet art. 172/174)",
            "Fermeture ou ordre du bourgmestre (Gemeentewet art. 172/174)",
            "Closure or order of the mayor (Municipalities Act art. 172/174)",
        ),
        "basis": (
            "Het toezicht van de burgemeester op openbare inrichtingen en de handhaving van de openbare orde; bij sluiting een duur en, tenzij spoedeisend, een hersteltermijn (art. 174a).",
            "La surveillance des établissements publics par le bourgmestre et le maintien de l'ordre public ; en cas de fermeture, une durée et, sauf urgence, un délai de mise en conformité (art. 174a).",
        ),
        "articles": ["gemw-172", "gemw-174", "gemw-174a", "awb-4-8"],
        "max_months": None,
        "hearing": True,
        "waivable": True,
        "warning": False,
        "prosecutor": False,
        "remedy": True,
        "appeal_days": 42,
        "appeal": (BEZWAAR_NL, BEZWAAR_FR),
        "motivation": (
            "Overwegende dat de openbare orde rond de inrichting ernstig is verstoord;\nOverwegende dat belanghebbende een zienswijze naar voren kon brengen;",
            "Considérant que l'ordre public autour de l'établissement a été gravement troublé ;\nConsidérant que l'intéressé a pu faire valoir son point de vue ;",
        ),
    },
    {
        "code": "nl-bibob-refusal",
        "country": "NL",
        "measures": ["refusal", "withdrawal"],
        "title": (
            "Weigering of intrekking op grond van de Wet Bibob (grensoverschrijdend gebruik)",
            "Refus ou retrait sur la base de la Wet Bibob (usage transfrontalier)",
            "Refusal or withdrawal under the Bibob Act (cross-border use)",
        ),
        "basis": (
            "Ernstig gevaar dat de vergunning mede zal worden gebruikt om strafbare feiten te plegen of uit strafbare feiten verkregen voordelen te benutten.",
            "Risque sérieux que l'autorisation soit utilisée pour commettre des infractions ou tirer profit d'avantages obtenus par des infractions.",
        ),
        "articles": ["bibob-3", "awb-4-8"],
        "max_months": None,
        "hearing": True,
        "waivable": False,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 42,
        "appeal": (BEZWAAR_NL, BEZWAAR_FR),
        "motivation": (
            "Overwegende dat uit het Bibob-onderzoek een ernstig gevaar blijkt;\nOverwegende dat belanghebbende in de gelegenheid werd gesteld zijn zienswijze te geven;",
            "Considérant que l'enquête Bibob révèle un risque sérieux ;\nConsidérant que l'intéressé a été mis en mesure de faire valoir son point de vue ;",
        ),
    },
]


# Housing is regional law in Belgium: each region's measure on an unfit dwelling.
HOUSING_HEARING: dict[str, Any] = {
    "max_months": None,
    "hearing": True,
    "waivable": True,
    "warning": False,
    "prosecutor": False,
    "remedy": False,
    "appeal_days": 60,
    "appeal": (RVS_NL, RVS_FR),
}
TYPES += [
    {
        "code": "be-vlg-unfit-dwelling",
        "country": "BE-VLG",
        "measures": ["closure", "order"],
        "title": (
            "Ongeschikt- of onbewoonbaarverklaring van een woning (Vlaamse Codex Wonen)",
            "Déclaration d'inadaptation ou d'inhabitabilité d'un logement (Code flamand du Logement)",
            "Declaring a dwelling unfit or uninhabitable (Flemish Housing Code)",
        ),
        "basis": (
            "De burgemeester kan een woning die niet voldoet aan de elementaire veiligheids-, gezondheids- en woonkwaliteitsvereisten ongeschikt of onbewoonbaar verklaren, op grond van een conformiteitsonderzoek door een woningcontroleur.",
            "Le bourgmestre peut déclarer inadapté ou inhabitable un logement qui ne répond pas aux exigences élémentaires de sécurité, de salubrité et de qualité, sur la base d'un examen de conformité par un contrôleur du logement.",
        ),
        "articles": ["vcw-boek-3"],
        **HOUSING_HEARING,
        "motivation": (
            "Overwegende dat de woning niet voldoet aan de elementaire veiligheids-, gezondheids- en woonkwaliteitsvereisten;",
            "Considérant que le logement ne répond pas aux exigences élémentaires de sécurité, de salubrité et de qualité ;",
        ),
    },
    {
        "code": "be-bru-unfit-dwelling",
        "country": "BE-BRU",
        "measures": ["closure", "order"],
        "title": (
            "Sluiting van een ongezonde woning (Brusselse Huisvestingscode, art. 135 NGW)",
            "Fermeture d'un logement insalubre (Code bruxellois du Logement, art. 135 NLC)",
            "Closure of an unhealthy dwelling (Brussels Housing Code, art. 135 NMA)",
        ),
        "basis": (
            "De burgemeester waakt over de gezondheid en de veiligheid van de bewoners en kan een woning die niet voldoet aan de veiligheids-, gezondheids- en uitrustingsvereisten van de Brusselse Huisvestingscode sluiten of onbewoonbaar verklaren.",
            "Le bourgmestre veille à la salubrité et à la sécurité des occupants et peut fermer ou déclarer inhabitable un logement qui ne respecte pas les exigences de sécurité, de salubrité et d'équipement du Code bruxellois du Logement.",
        ),
        "articles": ["cbl-4", "ngw-135-2"],
        **HOUSING_HEARING,
        "motivation": (
            "Overwegende dat de woning niet voldoet aan de vereisten van artikel 4 van de Brusselse Huisvestingscode;",
            "Considérant que le logement ne respecte pas les exigences de l'article 4 du Code bruxellois du Logement ;",
        ),
    },
    {
        "code": "be-wal-unfit-dwelling",
        "country": "BE-WAL",
        "measures": ["closure", "order"],
        "title": (
            "Onbewoonbaarverklaring van een woning (Waals Wetboek van Huisvesting en Duurzaam Wonen)",
            "Arrêté d'inhabitabilité d'un logement (Code wallon de l'habitation durable)",
            "Declaring a dwelling uninhabitable (Walloon Code of Sustainable Housing)",
        ),
        "basis": (
            "De burgemeester kan een woning die niet voldoet aan de gezondheidscriteria van het Waals Wetboek van Huisvesting en Duurzaam Wonen onbewoonbaar verklaren, na een onderzoek van de gezondheidstoestand.",
            "Le bourgmestre peut déclarer inhabitable un logement qui ne respecte pas les critères de salubrité du Code wallon de l'habitation durable, après une enquête de salubrité.",
        ),
        "articles": ["cwhd-3"],
        **HOUSING_HEARING,
        "motivation": (
            "Overwegende dat uit het onderzoek blijkt dat de woning niet voldoet aan de gezondheidscriteria;",
            "Considérant que l'enquête de salubrité établit que le logement ne respecte pas les critères de salubrité ;",
        ),
    },
    {
        "code": "nl-opiumwet-13b",
        "country": "NL",
        "measures": ["closure"],
        "title": (
            "Sluiting wegens drugshandel (Opiumwet art. 13b)",
            "Fermeture pour trafic de drogue (Opiumwet art. 13b)",
            "Closure for drug dealing (Opium Act art. 13b)",
        ),
        "basis": (
            "De burgemeester is bevoegd tot toepassing van bestuursdwang wanneer in of bij een woning of lokaal drugs worden verkocht, afgeleverd of verstrekt, dan wel daartoe aanwezig zijn.",
            "Le bourgmestre peut recourir à la contrainte administrative lorsque des drogues sont vendues, livrées ou fournies, ou présentes à cette fin, dans ou près d'une habitation ou d'un local.",
        ),
        "articles": ["opiumw-13b", "awb-4-8"],
        "max_months": None,
        "hearing": True,
        "waivable": True,
        "warning": False,
        "prosecutor": False,
        "remedy": False,
        "appeal_days": 42,
        "appeal": (BEZWAAR_NL, BEZWAAR_FR),
        "motivation": (
            "Overwegende dat in de woning of het lokaal drugs werden aangetroffen die voor verkoop, aflevering of verstrekking aanwezig waren;\nOverwegende dat belanghebbende een zienswijze naar voren kon brengen;",
            "Considérant que des drogues destinées à la vente, à la livraison ou à la fourniture ont été trouvées dans l'habitation ou le local ;\nConsidérant que l'intéressé a pu faire valoir son point de vue ;",
        ),
    },
]


def jurisdiction(code: str) -> dict[str, str]:
    """``BE-BRU`` is Belgium's Brussels region; ``BE`` or ``NL`` the whole country."""
    return {"country": code[:2], "region": code if "-" in code else ""}


def version_values(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "measures": entry["measures"],
        "legal_basis_nl": entry["basis"][0],
        "legal_basis_fr": entry["basis"][1],
        "max_duration_months": entry["max_months"],
        "requires_hearing": entry["hearing"],
        "hearing_waivable_if_urgent": entry["waivable"],
        "requires_prior_warning": entry["warning"],
        "requires_prosecutor": entry["prosecutor"],
        "requires_remedy_term": entry["remedy"],
        "appeal_term_days": entry["appeal_days"],
        "appeal_body_nl": entry["appeal"][0],
        "appeal_body_fr": entry["appeal"][1],
        "motivation_nl": entry["motivation"][0],
        "motivation_fr": entry["motivation"][1],
        "needs_legal_review": True,
    }


def seed_catalogue(article_model: Any, type_model: Any, version_model: Any) -> None:
    """Create or refresh the seeded articles and decision types (idempotent). Takes the
    model classes so that migrations can pass their historical models."""
    from django.utils import timezone

    # The first seeding migration runs before entries had a region.
    regional = any(field.name == "region" for field in type_model._meta.get_fields())

    def where(code: str) -> dict[str, str]:
        return jurisdiction(code) if regional else {"country": code[:2]}

    articles = {}
    for code, country, nl, fr, en in ARTICLES:
        articles[code], _created = article_model.objects.update_or_create(
            code=code,
            defaults={**where(country), "citation_nl": nl, "citation_fr": fr, "citation_en": en},
        )
    for entry in TYPES:
        nl, fr, en = entry["title"]
        decision_type, _created = type_model.objects.update_or_create(
            code=entry["code"],
            defaults={**where(entry["country"]), "title_nl": nl, "title_fr": fr, "title_en": en},
        )
        values = version_values(entry)
        wanted = {articles[code].pk for code in entry["articles"]}
        latest = (
            version_model.objects.filter(decision_type=decision_type, status="published")
            .order_by("-number")
            .first()
        )
        if latest is not None and _same(latest, values, wanted):
            continue
        numbers = version_model.objects.filter(decision_type=decision_type).order_by("-number")
        last = numbers.values_list("number", flat=True).first() or 0
        version = version_model.objects.create(
            decision_type=decision_type,
            number=last + 1,
            status="draft",
            **values,
        )
        version.articles.set(wanted)
        # Published only once its articles are attached: a published version is frozen.
        version_model.objects.filter(pk=version.pk).update(
            status="published", published_at=timezone.now()
        )


def _same(version: Any, values: dict[str, Any], articles: set[int]) -> bool:
    if any(getattr(version, name) != value for name, value in values.items()):
        return False
    return set(version.articles.values_list("pk", flat=True)) == articles

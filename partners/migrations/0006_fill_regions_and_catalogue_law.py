from django.db import migrations

from partners.catalogue import COMPETENCIES, JURISDICTIONS, REGIONAL_BASES
from partners.models import region_of_nis_code

# The texts seeded before the law was given per region: replaced only where a city has
# not changed them.
# fmt: off
BEFORE = {
    "housing-quality": ("Vlaamse Codex Wonen van 2021, boek 3 (woningkwaliteit)", "Code bruxellois du Logement art. 4 ; Code wallon de l'habitation durable art. 3 (salubrité)"),
    "planning-environment": ("Vlaamse Codex Ruimtelijke Ordening; Omgevingsvergunningsdecreet van 25 april 2014", "Code bruxellois de l'aménagement du territoire (CoBAT) ; Code wallon du développement territorial (CoDT)"),
}
# fmt: on


def fill(apps, schema_editor):
    """Belgian municipalities get the region of their NIS code; the seeded competencies
    their country and the law of each region. A city's own competencies apply
    everywhere until someone says otherwise."""
    municipality_model = apps.get_model("partners", "Municipality")
    for municipality in municipality_model.objects.filter(country="BE", region=""):
        municipality.region = region_of_nis_code(municipality.code)
        if municipality.region:
            municipality.save(update_fields=["region"])
    competency_model = apps.get_model("partners", "Competency")
    seeded = {row[0]: row for row in COMPETENCIES}
    for competency in competency_model.objects.filter(code__in=seeded):
        competency.country, competency.region = JURISDICTIONS.get(competency.code, ("", ""))
        competency.regional_legal_bases = REGIONAL_BASES.get(competency.code, {})
        if (competency.legal_basis_nl, competency.legal_basis_fr) == BEFORE.get(competency.code):
            competency.legal_basis_nl, competency.legal_basis_fr = seeded[competency.code][5:7]
        competency.save()


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_region_and_catalogue_jurisdiction")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

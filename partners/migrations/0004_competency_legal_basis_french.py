from django.db import migrations

from partners.catalogue import french_legal_basis


def fill_french(apps, schema_editor):
    """The catalogue's French text for seeded competencies; a city's own keep theirs."""
    competency_model = apps.get_model("partners", "Competency")
    for competency in competency_model.objects.filter(legal_basis_fr=""):
        competency.legal_basis_fr = french_legal_basis(competency.code)
        if competency.legal_basis_fr:
            competency.save(update_fields=["legal_basis_fr"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_competency_legal_basis_languages")]
    operations = [migrations.RunPython(fill_french, migrations.RunPython.noop)]

from django.db import migrations

from partners.catalogue import seed_competencies


def seed(apps, schema_editor):
    seed_competencies(apps.get_model("partners", "Competency"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

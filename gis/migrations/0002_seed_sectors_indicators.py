from django.db import migrations

from gis.catalogue import seed_sectors_and_indicators


def seed(apps, schema_editor):
    seed_sectors_and_indicators(
        apps.get_model("gis", "Sector"),
        apps.get_model("gis", "Indicator"),
        apps.get_model("partners", "Competency"),
    )


class Migration(migrations.Migration):
    dependencies = [("gis", "0001_initial"), ("partners", "0002_seed_competencies")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

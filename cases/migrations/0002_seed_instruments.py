from django.db import migrations


def seed(apps, schema_editor):
    from cases.catalogue import seed_instruments

    seed_instruments(apps.get_model("cases", "Instrument"), apps.get_model("partners", "Partner"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_file")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

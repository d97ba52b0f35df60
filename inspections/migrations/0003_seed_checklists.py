from django.db import migrations


def seed(apps, schema_editor):
    from inspections.field_catalogue import seed_checklists

    seed_checklists(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistVersion"),
        apps.get_model("partners", "Competency"),
        apps.get_model("gis", "Sector"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_checklists_findings"),
        ("gis", "0002_seed_sectors_indicators"),
        ("partners", "0002_seed_competencies"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations

from gis.search import premises_key


def fill(apps, schema_editor):
    """Premises registered before the permit desk searched by normalised words."""
    premises = apps.get_model("gis", "Premises")
    batch = []
    for item in premises.objects.only("pk", "name", "operator_name", "address").iterator():
        item.search_key = premises_key(item.name, item.operator_name, item.address)
        batch.append(item)
        if len(batch) == 1000:
            premises.objects.bulk_update(batch, ["search_key"])
            batch = []
    premises.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [("gis", "0007_premises_search_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

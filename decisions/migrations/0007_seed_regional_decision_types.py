"""The decision types and articles of each region and country: housing measures under
the Flemish, Brussels and Walloon codes, the Dutch Opiumwet art. 13b closure (each
marked "verify with your legal service"). Published versions stay as they are."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from decisions.catalogue import seed_catalogue

    seed_catalogue(
        apps.get_model("decisions", "LegalArticle"),
        apps.get_model("decisions", "DecisionType"),
        apps.get_model("decisions", "DecisionTypeVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0006_catalogue_region")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Seed the legal articles and decision types (each marked "verify with your legal
service")."""

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
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The seeded housing and planning questions cited one region's law everywhere (the
Flemish code in Dutch, the Brussels and Walloon codes side by side in French). Where a
city still uses the seeded question, publish a new version whose question carries the
reference of each region; a question a city edited stays as it is."""

from typing import Any

from django.db import migrations
from django.utils import timezone

# slug, question, the Dutch reference it was seeded with
SEEDED = [
    ("housing-quality", "unfit_space", "Vlaamse Codex Wonen art. 3.1"),
    ("planning-permit", "without_permit", "Omgevingsvergunningsdecreet art. 6"),
]


def regional_question(slug: str, name: str) -> dict[str, Any]:
    from inspections.field_catalogue import CHECKLISTS

    questions = next(row[6] for row in CHECKLISTS if row[0] == slug)
    return next(item for item in questions if item["name"] == name)


def publish(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("inspections", "ChecklistVersion")
    for slug, name, before in SEEDED:
        versions = version_model.objects.filter(template__slug=slug).order_by("-number")
        latest = versions.filter(status="published").first()
        if latest is None:
            continue
        questions = latest.definition.get("questions", [])
        index = next((i for i, item in enumerate(questions) if item.get("name") == name), None)
        if index is None or questions[index].get("legal_reference") != before:
            continue
        seeded = regional_question(slug, name)
        questions[index] = {
            **questions[index],
            "legal_reference": seeded["legal_reference"],
            "legal_reference_fr": seeded["legal_reference_fr"],
            "regional_legal_references": seeded["regional_legal_references"],
        }
        version_model.objects.create(
            template_id=latest.template_id,
            number=versions.values_list("number", flat=True).first() + 1,
            status="published",
            definition={**latest.definition, "questions": questions},
            published_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_signals_by_question_key")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]

"""Signals raised by findings were stored with a Dutch text ("Indicatoren mensenhandel:
…"); they now keep the checklist and question by key and each reader sees them in their
own language. Map what can be mapped: through the answer that raised the signal, else by
the Dutch text of a known checklist question. A signal no key fits keeps its text."""

from typing import Any

from django.db import migrations


def dutch_texts(apps: Any) -> dict[str, tuple[str, str]]:
    """``"<title>: <label>"`` as the signals were written, to (checklist, question)."""
    texts: dict[str, tuple[str, str]] = {}
    version_model = apps.get_model("inspections", "ChecklistVersion")
    for version in version_model.objects.select_related("template").order_by("number"):
        for item in version.definition.get("questions", []):
            labels = item.get("label") or {}
            label = labels.get("nl") or next(iter(labels.values()), "")
            texts[f"{version.template.title_nl}: {label}"] = (version.template.slug, item["name"])
    return texts


def map_signals(apps: Any, schema_editor: Any) -> None:
    signal_model = apps.get_model("gis", "Signal")
    answer_model = apps.get_model("inspections", "FindingAnswer")
    raised = answer_model.objects.filter(signal__isnull=False).select_related(
        "finding__template", "signal"
    )
    for answer in raised:
        signal = answer.signal
        signal.checklist, signal.question = answer.finding.template.slug, answer.question
        signal.description = ""
        signal.save(update_fields=["checklist", "question", "description"])
    texts = dutch_texts(apps)
    unmapped = signal_model.objects.filter(source="earlier_inspection", question="")
    for signal in unmapped.exclude(description=""):
        key = texts.get(signal.description.strip())
        if key is not None:
            signal.checklist, signal.question = key
            signal.description = ""
            signal.save(update_fields=["checklist", "question", "description"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_seed_checklists"),
        ("gis", "0010_signal_checklist_question"),
    ]

    operations = [migrations.RunPython(map_signals, migrations.RunPython.noop)]

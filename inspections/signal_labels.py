"""The text of a signal raised by a finding: the checklist's title and the question's
label in the reader's language, looked up by the keys the signal stores (gis.Signal's
``checklist`` and ``question``)."""

from __future__ import annotations

from gis.signal_text import Key
from inspections.checklists.definition import label_in
from inspections.models import ChecklistTemplate, ChecklistVersion
from partners.models import in_active_language


def checklist_questions(keys: set[Key], language: str) -> dict[Key, str]:
    """``"<checklist title>: <question label>"`` per key, from the newest version of the
    checklist that has the question (a later version may have dropped it)."""
    slugs = {slug for slug, _question in keys}
    templates = {t.pk: t for t in ChecklistTemplate.objects.filter(slug__in=slugs)}
    found: dict[Key, str] = {}
    versions = ChecklistVersion.objects.filter(template__in=templates).order_by("-number")
    for version in versions.only("template_id", "definition"):
        template = templates[version.template_id]
        for item in version.definition.get("questions", []):
            key = (template.slug, item.get("name", ""))
            if key in keys and key not in found:
                title = in_active_language(template, "title", language)
                found[key] = f"{title}: {label_in(item.get('label', {}), language)}"
    return found

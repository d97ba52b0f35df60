"""The shape of a checklist version's definition and the validation of answers to it.

A definition is a plain JSON document, frozen with the version once published::

    {"groups": [{"name", "label": {lang: text}, "relevant", "relevant_text", "parent"}],
     "questions": [{"name", "type", "label": {lang: text}, "hint": {lang: text},
                    "required", "relevant", "relevant_text", "choices": [{"name", "label"}],
                    "indicator", "legal_reference", "legal_reference_fr", "sharing",
                    "group"}]}

``legal_reference`` is the Dutch text; ``legal_reference_fr`` is only stored when given, so
definitions published before it had a French text stay unchanged. Where the law is
regional, ``regional_legal_references`` holds the reference of a region or country,
``{"BE-BRU": {"nl": ..., "fr": ...}}``; the plain fields apply everywhere else.

``relevant`` is the parsed tree of ``relevant_text`` (see :mod:`inspections.conditions`);
a question is shown only when its own condition and those of all its groups hold.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext as _

from inspections import conditions

LANGUAGES = ("nl", "fr", "en")
QUESTION_TYPES = (
    "yes_no",
    "select_one",
    "select_multiple",
    "integer",
    "decimal",
    "count",
    "text",
    "date",
    "time",
    "datetime",
    "photo",
    "note",
)
CHOICE_TYPES = ("select_one", "select_multiple")
SHARING_LEVELS = ("shared", "city", "internal")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,79}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT = 5000
MAX_PHOTOS = 20
YES_NO_CHOICES = [
    {"name": "yes", "label": {"nl": "Ja", "fr": "Oui", "en": "Yes"}},
    {"name": "no", "label": {"nl": "Nee", "fr": "Non", "en": "No"}},
]


def question(
    name: str,
    type: str,
    label: dict[str, str],
    *,
    required: bool = False,
    relevant: str = "",
    choices: list[dict[str, Any]] | None = None,
    indicator: str = "",
    legal_reference: str = "",
    legal_reference_fr: str = "",
    sharing: str = "city",
    hint: dict[str, str] | None = None,
    group: str = "",
    regional_legal_references: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A question in its stored form, its condition parsed."""
    item: dict[str, Any] = {
        "name": name,
        "type": type,
        "label": label,
        "hint": hint or {},
        "required": required,
        "relevant": conditions.parse(relevant),
        "relevant_text": relevant,
        "choices": choices or [],
        "indicator": indicator,
        "legal_reference": legal_reference,
        "sharing": sharing,
        "group": group,
    }
    if legal_reference_fr:
        item["legal_reference_fr"] = legal_reference_fr
    if regional_legal_references:
        item["regional_legal_references"] = regional_legal_references
    return item


def legal_reference_in(
    item: dict[str, Any], language: str, jurisdictions: tuple[str, ...] = ()
) -> str:
    """The question's legal reference in ``language``, else the Dutch one: that of the
    first of ``jurisdictions`` (a region, then its country) that has its own."""
    language = language[:2]
    regional = item.get("regional_legal_references") or {}
    for code in jurisdictions:
        if entry := regional.get(code):
            return str(entry.get(language) or entry.get("nl") or "")
    return str(item.get(f"legal_reference_{language}") or item.get("legal_reference", ""))


def label_in(labels: dict[str, str], language: str) -> str:
    """The label in ``language``, else Dutch, else any."""
    return labels.get(language) or labels.get("nl") or next(iter(labels.values()), "")


def check_definition(definition: dict[str, Any]) -> list[str]:
    """The reasons the definition cannot be published (empty when it can)."""
    errors: list[str] = []
    groups = {group["name"]: group for group in definition.get("groups", [])}
    seen: set[str] = set()
    questions = definition.get("questions", [])
    if not questions:
        errors.append("A checklist needs at least one question.")
    for position, item in enumerate(questions, start=1):
        name = item.get("name", "")
        where = f"Question {position} ({name or '?'})"
        if not NAME.match(name):
            errors.append(
                f"{where}: the name must start with a letter and use letters, digits, _ . or -."
            )
        if name in seen:
            errors.append(f"{where}: the name is used twice.")
        if item.get("type") not in QUESTION_TYPES:
            errors.append(f"{where}: unknown type “{item.get('type')}”.")
        if not any(item.get("label", {}).values()):
            errors.append(f"{where}: a label is required.")
        if item.get("sharing") not in SHARING_LEVELS:
            errors.append(f"{where}: unknown sharing level “{item.get('sharing')}”.")
        if item.get("group") and item["group"] not in groups:
            errors.append(f"{where}: unknown group “{item['group']}”.")
        errors += _check_choices(where, item)
        unknown = conditions.references(item.get("relevant")) - seen
        if unknown:
            errors.append(
                f"{where}: the condition refers to {', '.join(sorted(unknown))}, "
                "which is not an earlier question."
            )
        seen.add(name)
    return errors


def _check_choices(where: str, item: dict[str, Any]) -> list[str]:
    if item.get("type") not in CHOICE_TYPES:
        return []
    names = [choice.get("name", "") for choice in item.get("choices", [])]
    if not names:
        return [f"{where}: a choice question needs choices."]
    if len(set(names)) != len(names):
        return [f"{where}: a choice is listed twice."]
    if any(not name for name in names):
        return [f"{where}: a choice needs a name."]
    # A multiple choice answer is its choices joined by spaces, as in ODK.
    if item["type"] == "select_multiple" and any(" " in name for name in names):
        return [f"{where}: choice names of a multiple choice may not contain spaces."]
    return []


def is_shown(item: dict[str, Any], groups: dict[str, dict[str, Any]], seen: dict[str, Any]) -> bool:
    """The question's own condition and those of its groups, outermost first."""
    chain: list[dict[str, Any] | None] = []
    group = groups.get(item.get("group", ""))
    while group is not None and len(chain) < 20:
        chain.append(group.get("relevant"))
        group = groups.get(group.get("parent", ""))
    return all(conditions.evaluate(node, seen) for node in reversed(chain)) and (
        conditions.evaluate(item.get("relevant"), seen)
    )


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_answers(
    definition: dict[str, Any], answers: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate answers against the definition: the cleaned answers (only those of shown
    questions) and the reasons per question. Answers to hidden questions are dropped, as
    they would be cleared on the device; a required question counts only when shown."""
    questions = definition.get("questions", [])
    groups = {group["name"]: group for group in definition.get("groups", [])}
    names = {item["name"] for item in questions}
    errors: dict[str, list[str]] = {
        key: [_("There is no such question in this checklist.")]
        for key in answers
        if key not in names
    }
    cleaned: dict[str, Any] = {}
    for item in questions:
        name = item["name"]
        if not is_shown(item, groups, cleaned):
            continue
        value = answers.get(name)
        if item["type"] == "note":
            if not is_empty(value):
                errors[name] = [_("A note takes no answer.")]
            continue
        if is_empty(value):
            if item.get("required"):
                errors[name] = [_("This question is required.")]
            continue
        problem, value = clean_value(item, value)
        if problem:
            errors[name] = [problem]
        else:
            cleaned[name] = value
    return cleaned, errors


def clean_value(item: dict[str, Any], value: Any) -> tuple[str, Any]:
    """("", the normalised value) or (the reason, None)."""
    kind = item["type"]
    if kind == "yes_no":
        return ("", value) if value in ("yes", "no") else (_("Answer “yes” or “no”."), None)
    if kind == "select_one":
        allowed = [choice["name"] for choice in item["choices"]]
        return ("", value) if value in allowed else (_("Not one of the choices."), None)
    if kind == "select_multiple":
        allowed = [choice["name"] for choice in item["choices"]]
        ok = isinstance(value, list) and all(isinstance(v, str) and v in allowed for v in value)
        if not ok or len(set(value)) != len(value):
            return _("A list of distinct choices is expected."), None
        return "", value
    if kind in ("integer", "count"):
        if not isinstance(value, int) or isinstance(value, bool):
            return _("A whole number is expected."), None
        if kind == "count" and value < 0:
            return _("A number of persons cannot be negative."), None
        return "", value
    if kind == "decimal":
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
            return _("A number is expected."), None
        return "", value
    if kind == "text":
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            return _("A text of at most %d characters is expected.") % MAX_TEXT, None
        return "", value
    if kind in ("date", "time", "datetime"):
        return _clean_moment(kind, value)
    if kind == "photo":
        ok = isinstance(value, list) and all(isinstance(v, str) and SHA256.match(v) for v in value)
        if not ok or len(value) > MAX_PHOTOS or len(set(value)) != len(value):
            return _("A list of photo SHA-256 hashes is expected."), None
        return "", value
    return _("Unknown question type “%s”.") % kind, None


def _clean_moment(kind: str, value: Any) -> tuple[str, Any]:
    parser = {"date": date.fromisoformat, "time": time.fromisoformat}.get(
        kind, datetime.fromisoformat
    )
    expected = {
        "date": _("A date in ISO 8601 form is expected."),
        "time": _("A time in ISO 8601 form is expected."),
    }.get(kind) or _("A date and time in ISO 8601 form is expected.")
    if not isinstance(value, str):
        return expected, None
    try:
        parser(value)
    except ValueError:
        return expected, None
    return "", value


def photos_in(definition: dict[str, Any], answers: dict[str, Any]) -> set[str]:
    """The SHA-256 hashes of every photo the answers refer to."""
    found: set[str] = set()
    for item in definition.get("questions", []):
        if item["type"] == "photo" and isinstance(answers.get(item["name"]), list):
            found.update(answers[item["name"]])
    return found

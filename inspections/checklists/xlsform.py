"""XLSForm (the ODK / KoBoToolbox spreadsheet standard) import and export.

Import reads the ``survey``, ``choices`` and ``settings`` sheets of an ``.xlsx`` or
``.xls`` file. What Integra keeps: text, integer, decimal, date, time, dateTime, image,
note, select_one and select_multiple questions; ``label``/``hint`` per language
(``label::Dutch (nl)``, ``label::fr``); ``required``; ``relevant`` in the subset of
:mod:`inspections.conditions`; groups (their ``relevant`` applies to their questions).
Integra's own columns (``integra::type`` for a count of persons, ``integra::indicator``,
``integra::legal_reference``, ``integra::sharing``) carry what XLSForm has no column for;
``integra::legal_reference::fr`` holds the French legal reference (the plain column is Dutch);
``integra::legal_reference@BE-BRU`` and ``integra::legal_reference@BE-BRU::fr`` the
reference of a region or country where its law differs (``BE-VLG``, ``BE-WAL``, ``NL``).

Refused, with the reasons: a missing survey sheet, a header used twice, a question
without a name or with an unknown type, a name used twice, a select without its choice
list, a calculation without its formula, a group without a name or left open, a condition
outside the subset or reading a question that is not before it. Dropped, with a warning:
metadata (start, end, deviceid…), calculations, repeats and question types Integra has no
use for (geopoint, audio, barcode…). Cells under no header are comments.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from inspections import conditions
from inspections.checklists.definition import (
    SHARING_LEVELS,
    YES_NO_CHOICES,
    check_definition,
    question,
)

LANGUAGE_NAMES = {
    "dutch": "nl",
    "nederlands": "nl",
    "flemish": "nl",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "english": "en",
    "anglais": "en",
    "engels": "en",
}
METADATA = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "imei", "uri:deviceid",
    "uri:subscriberid", "uri:simserial", "uri:phonenumber", "uri:username", "uri:email",
}  # fmt: skip
UNSUPPORTED = {
    "geopoint", "geotrace", "geoshape", "audio", "video", "file", "barcode", "range",
    "rank", "trigger", "acknowledge", "hidden", "background-audio", "xml-external",
    "csv-external", "osm", "select_one_from_file", "select_multiple_from_file",
    "background-geopoint", "begin_repeat", "end_repeat", "gps",
}  # fmt: skip
SIMPLE_TYPES = {
    "text": "text",
    "string": "text",
    "phone number": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "image": "photo",
    "photo": "photo",
    "note": "note",
}
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"", "no", "false", "false()", "0"}
EXPORT_LANGUAGES = ("nl", "fr", "en")


class XLSFormError(ValueError):
    """A form that cannot be imported; ``reasons`` lists every problem found."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class ImportedForm:
    definition: dict[str, Any]
    title: dict[str, str]
    form_id: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


# Reading workbooks ---------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# A form has at most a few hundred rows; spreadsheets often declare a million empty
# ones (formatting applied to whole columns), which must not be walked.
MAX_ROWS = 5000
MAX_COLUMNS = 200


def read_workbook(data: bytes, filename: str) -> dict[str, list[list[str]]]:
    """Every sheet as rows of texts (at most MAX_ROWS × MAX_COLUMNS); sheet names
    lower-cased."""
    try:
        if filename.lower().endswith(".xls"):
            import xlrd

            book = xlrd.open_workbook(file_contents=data)
            return {
                sheet.name.strip().lower(): [
                    [cell_text(value) for value in sheet.row_values(r)] for r in range(sheet.nrows)
                ]
                for sheet in book.sheets()
            }
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return {
            sheet.title.strip().lower(): [
                [cell_text(value) for value in row]
                for row in itertools.islice(
                    sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), MAX_ROWS
                )
            ]
            for sheet in workbook.worksheets
        }
    except Exception as error:
        raise XLSFormError([f"The file cannot be read as a spreadsheet ({error})."]) from error


def normalise_header(header: str) -> str:
    """``bind::relevant`` → ``relevant``; ``label:English`` → ``label::English``;
    ``list name`` → ``list_name``."""
    header = header.strip()
    header = re.sub(r"^bind\s*::?\s*", "", header, flags=re.IGNORECASE)
    header = re.sub(r"^(jr:)", "", header)
    if "::" not in header and re.match(r"^(label|hint|media|image|audio|video):[^:]", header):
        header = header.replace(":", "::", 1)
    base, _sep, language = header.partition("::")
    base = base.strip().lower().replace(" ", "_")
    return f"{base}::{language.strip()}" if language else base


def to_sheet(name: str, rows: list[list[str]], errors: list[str]) -> Sheet:
    rows = [row for row in rows]
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        return Sheet(name, [], [])
    raw = rows[0]
    headers = [normalise_header(h) if h else "" for h in raw]
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            errors.append(f"Sheet “{name}”: the column “{header}” appears twice.")
        seen.add(header)
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, str] = {}
        for position, value in enumerate(row):
            header = headers[position] if position < len(headers) else ""
            # Cells under no header are the author's comments, as in pyxform.
            if value and header:
                values.setdefault(header, value)
        if values:
            parsed.append((number, values))
    return Sheet(name, headers, parsed)


def language_code(language: str, default: str) -> str:
    if not language:
        return default
    match = re.search(r"\(([A-Za-z-]{2,8})\)\s*$", language)
    if match:
        return match.group(1).lower()
    lowered = language.strip().lower()
    return LANGUAGE_NAMES.get(lowered, lowered)


def texts(values: dict[str, str], base: str, default: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in values.items():
        name, _sep, language = key.partition("::")
        if name == base and value:
            found.setdefault(language_code(language, default), value)
    return found


# Import ----------------------------------------------------------------------------------


def import_xlsform(data: bytes, filename: str) -> ImportedForm:
    """Read an XLSForm into a checklist definition, or raise XLSFormError."""
    errors: list[str] = []
    warnings: list[str] = []
    sheets = read_workbook(data, filename)
    if "survey" not in sheets:
        raise XLSFormError(["The workbook has no “survey” sheet."])
    survey = to_sheet("survey", sheets["survey"], errors)
    choices_sheet = to_sheet("choices", sheets.get("choices", []), errors)
    settings_sheet = to_sheet("settings", sheets.get("settings", []), errors)
    for name in sheets:
        if name not in ("survey", "choices", "settings", "external_choices", "entities"):
            warnings.append(f"The sheet “{name}” is not used.")
    settings = settings_sheet.rows[0][1] if settings_sheet.rows else {}
    default = language_code(settings.get("default_language", ""), "en")
    choice_lists = read_choices(choices_sheet, default, errors)
    definition = read_survey(survey, choice_lists, default, errors, warnings)
    if not errors:
        errors += check_definition(definition)
    if errors:
        raise XLSFormError(errors)
    title = texts(settings, "form_title", default) or {default: settings.get("form_id", "")}
    return ImportedForm(definition, title, settings.get("form_id", ""), warnings)


def read_choices(sheet: Sheet, default: str, errors: list[str]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for number, values in sheet.rows:
        list_name, name = values.get("list_name", ""), values.get("name", "")
        if not list_name or not name:
            errors.append(f"Sheet “choices”, row {number}: a choice needs a list_name and a name.")
            continue
        label = texts(values, "label", default) or {default: name}
        lists.setdefault(list_name, []).append({"name": name, "label": label})
    return lists


@dataclass
class SurveyState:
    groups: list[dict[str, Any]] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    skipping: int = 0


def read_survey(
    sheet: Sheet,
    choice_lists: dict[str, list[dict[str, Any]]],
    default: str,
    errors: list[str],
    warnings: list[str],
) -> dict[str, Any]:
    state = SurveyState()
    for number, values in sheet.rows:
        where = f"Row {number}"
        kind = re.sub(r"\s+", " ", values.get("type", "").strip())
        lowered = kind.lower().replace("_", " ")
        if state.skipping:
            if lowered == "begin repeat" or lowered.startswith("begin loop"):
                state.skipping += 1
            elif lowered in ("end repeat", "end loop"):
                state.skipping -= 1
            continue
        if not kind:
            if values.get("name"):
                errors.append(f"{where} ({values['name']}): the type is missing.")
            continue
        if lowered == "begin repeat" or lowered.startswith("begin loop"):
            warnings.append(f"{where}: repeats are not supported; the repeat was left out.")
            state.skipping = 1
        elif lowered == "begin group":
            begin_group(state, values, where, default, errors)
        elif lowered == "end group":
            if not state.stack:
                errors.append(f"{where}: “end group” without a group to end.")
            else:
                state.stack.pop()
        else:
            read_question(state, values, kind, where, choice_lists, default, errors, warnings)
    if state.stack:
        errors.append(f"The group “{state.stack[-1]}” is never ended.")
    if state.skipping:
        errors.append("A repeat is never ended.")
    return {"groups": state.groups, "questions": state.questions}


def begin_group(
    state: SurveyState, values: dict[str, str], where: str, default: str, errors: list[str]
) -> None:
    name = values.get("name", "")
    if not name:
        errors.append(f"{where}: a group needs a name.")
        name = f"group_{len(state.groups) + 1}"
    relevant, problem = parse_condition(values.get("relevant", ""))
    if problem:
        errors.append(f"{where} (group {name}): {problem}")
    state.groups.append(
        {
            "name": name,
            "label": texts(values, "label", default),
            "relevant": relevant,
            "relevant_text": values.get("relevant", ""),
            "parent": state.stack[-1] if state.stack else "",
        }
    )
    state.stack.append(name)


def parse_condition(text: str) -> tuple[dict[str, Any] | None, str]:
    try:
        return conditions.parse(text), ""
    except conditions.ConditionError as error:
        return None, f"the condition “{text}” is not supported ({error})."


def question_type(
    kind: str, choice_lists: dict[str, list[dict[str, Any]]]
) -> tuple[str, list[dict[str, Any]], str]:
    """(Integra type, choices, problem); type "" means: leave the row out."""
    lowered = kind.lower()
    words = lowered.replace("_", " ").split()
    if lowered.startswith("select all that apply from "):
        words = ["select", "multiple"]
        kind = " ".join(["select", "multiple", kind[len("select all that apply from ") :]])
    if words[:2] in (["select", "one"], ["select", "multiple"]):
        rest = kind.split()[2:] if " " in kind.split("_", 1)[0] else kind.split()[1:]
        if rest and rest[0].lower() == "from":
            rest = rest[1:]
        if len(rest) != 1 or rest[0].endswith((".csv", ".xml", ".geojson")):
            return "", [], "unsupported"
        list_name = rest[0]
        if list_name not in choice_lists:
            return "", [], f"the choice list “{list_name}” is not in the choices sheet."
        found = choice_lists[list_name]
        if words[1] == "one" and sorted(c["name"] for c in found) == ["no", "yes"]:
            return "yes_no", found, ""
        return ("select_one" if words[1] == "one" else "select_multiple"), found, ""
    if lowered in SIMPLE_TYPES:
        return SIMPLE_TYPES[lowered], [], ""
    if lowered in METADATA:
        return "", [], "metadata"
    if lowered.replace(" ", "_") in UNSUPPORTED or lowered in UNSUPPORTED:
        return "", [], "unsupported"
    if lowered == "calculate":
        return "", [], "calculate"
    return "", [], f"unknown question type “{kind}”."


def read_question(
    state: SurveyState,
    values: dict[str, str],
    kind: str,
    where: str,
    choice_lists: dict[str, list[dict[str, Any]]],
    default: str,
    errors: list[str],
    warnings: list[str],
) -> None:
    name = values.get("name", "")
    integra, choices, problem = question_type(kind, choice_lists)
    if problem == "metadata":
        return
    if problem == "calculate":
        if not values.get("calculation"):
            errors.append(f"{where} ({name or '?'}): a calculation needs its formula.")
        else:
            warnings.append(f"{where} ({name}): calculations are not kept.")
        return
    if problem == "unsupported":
        warnings.append(f"{where} ({name}): the type “{kind}” is not supported; left out.")
        return
    if problem:
        errors.append(f"{where} ({name or '?'}): {problem}")
        return
    if not name:
        errors.append(f"{where}: the question has no name.")
        return
    required = values.get("required", "").strip().lower()
    if required not in TRUE | FALSE:
        errors.append(f"{where} ({name}): “required” must be yes or no.")
    relevant, condition_problem = parse_condition(values.get("relevant", ""))
    if condition_problem:
        errors.append(f"{where} ({name}): {condition_problem}")
    if values.get("integra::type") == "count" and integra == "integer":
        integra = "count"
    sharing = values.get("integra::sharing", "city") or "city"
    if sharing not in SHARING_LEVELS:
        errors.append(f"{where} ({name}): unknown sharing level “{sharing}”.")
    references = legal_references(values)
    item = question(
        name,
        integra,
        texts(values, "label", default) or {default: name},
        required=required in TRUE,
        choices=[] if integra == "yes_no" else choices,
        indicator=values.get("integra::indicator", ""),
        legal_reference=references.get("nl", ""),
        legal_reference_fr=references.get("fr", ""),
        sharing=sharing,
        hint=texts(values, "hint", default),
        group=state.stack[-1] if state.stack else "",
        regional_legal_references=regional_references(values),
    )
    item["relevant"], item["relevant_text"] = relevant, values.get("relevant", "")
    state.questions.append(item)


def legal_references(values: dict[str, str]) -> dict[str, str]:
    """``integra::legal_reference`` is Dutch; ``integra::legal_reference::<language>``
    adds the others, named like the label columns."""
    found = {"nl": values.get("integra::legal_reference", "")}
    prefix = "integra::legal_reference::"
    for key, value in values.items():
        if key.startswith(prefix) and value:
            found[language_code(key.removeprefix(prefix), "nl")] = value
    return found


REGIONAL_PREFIX = "integra::legal_reference@"
# The regions and countries whose law an export gives columns for.
EXPORT_JURISDICTIONS = ("BE-VLG", "BE-BRU", "BE-WAL", "NL")


def regional_references(values: dict[str, str]) -> dict[str, dict[str, str]]:
    """``integra::legal_reference@<region>[::<language>]`` (Dutch without a language)."""
    found: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        if key.startswith(REGIONAL_PREFIX) and value:
            code, _sep, language = key.removeprefix(REGIONAL_PREFIX).partition("::")
            found.setdefault(code.strip().upper(), {})[language_code(language, "nl")] = value
    return found


# Export ----------------------------------------------------------------------------------


def export_xlsform(definition: dict[str, Any], *, title: dict[str, str], form_id: str,
                   version: int) -> bytes:  # fmt: skip
    """The definition as an XLSForm workbook (``.xlsx``) that imports back unchanged."""
    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    label_columns = [f"label::{lang}" for lang in EXPORT_LANGUAGES]
    hint_columns = [f"hint::{lang}" for lang in EXPORT_LANGUAGES]
    survey.append(
        ["type", "name", *label_columns, *hint_columns, "required", "relevant",
         "integra::type", "integra::indicator", "integra::legal_reference",
         "integra::legal_reference::fr", "integra::sharing",
         *(f"{REGIONAL_PREFIX}{code}{suffix}" for code in EXPORT_JURISDICTIONS
           for suffix in ("", "::fr"))]
    )  # fmt: skip
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    groups = {group["name"]: group for group in definition.get("groups", [])}
    open_groups: list[str] = []
    written_lists: set[str] = set()
    for item in definition.get("questions", []):
        chain = group_chain(item.get("group", ""), groups)
        while open_groups and open_groups != chain[: len(open_groups)]:
            survey.append(["end group", open_groups.pop()])
        for name in chain[len(open_groups) :]:
            group = groups[name]
            survey.append(
                ["begin group", name, *localised(group.get("label", {})), "", "", "", "",
                 group.get("relevant_text", "")]
            )  # fmt: skip
            open_groups.append(name)
        survey.append(question_row(item, choices, written_lists))
    while open_groups:
        survey.append(["end group", open_groups.pop()])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [title.get("nl") or next(iter(title.values()), ""), form_id, str(version), "nl"]
    )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def group_chain(name: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    chain: list[str] = []
    while name and name in groups and len(chain) < 20:
        chain.insert(0, name)
        name = groups[name].get("parent", "")
    return chain


def localised(labels: dict[str, str]) -> list[str]:
    return [labels.get(lang, "") for lang in EXPORT_LANGUAGES]


def question_row(item: dict[str, Any], choices: Any, written: set[str]) -> list[str]:
    kind = item["type"]
    xls_type = {
        "count": "integer",
        "photo": "image",
        "datetime": "dateTime",
    }.get(kind, kind)
    if kind == "yes_no":
        xls_type = "select_one yes_no"
        write_list(choices, "yes_no", YES_NO_CHOICES, written)
    elif kind in ("select_one", "select_multiple"):
        list_name = f"{item['name']}_choices"
        xls_type = f"{kind} {list_name}"
        write_list(choices, list_name, item.get("choices", []), written)
    return [
        xls_type,
        item["name"],
        *localised(item.get("label", {})),
        *localised(item.get("hint", {})),
        "yes" if item.get("required") else "",
        item.get("relevant_text") or conditions.unparse(item.get("relevant")),
        "count" if kind == "count" else "",
        item.get("indicator", ""),
        item.get("legal_reference", ""),
        item.get("legal_reference_fr", ""),
        item.get("sharing", "city"),
        *(
            (item.get("regional_legal_references") or {}).get(code, {}).get(language, "")
            for code in EXPORT_JURISDICTIONS
            for language in ("nl", "fr")
        ),
    ]


def write_list(sheet: Any, list_name: str, items: list[dict[str, Any]], written: set[str]) -> None:
    if list_name in written:
        return
    written.add(list_name)
    for choice in items:
        sheet.append([list_name, choice["name"], *localised(choice.get("label", {}))])

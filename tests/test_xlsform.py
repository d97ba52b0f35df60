"""XLSForm import and export: round trip of our checklists, real forms, broken forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.checklists.xlsform import (
    ImportedForm,
    XLSFormError,
    export_xlsform,
    import_xlsform,
)
from inspections.field_catalogue import CHECKLISTS, definition_of

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PYXFORM = DATA / "xlsform_pyxform_fixtures"
FMTM = DATA / "xlsform_hotosm_fmtm"

needs_data = pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data is not beside the checkout"
)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def load(path: Path) -> ImportedForm:
    return import_xlsform(path.read_bytes(), path.name)


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=[row[0] for row in CHECKLISTS])
def test_every_seeded_checklist_survives_export_and_import(checklist: tuple) -> None:
    slug, _competency, _sectors, nl, fr, en, questions = checklist
    definition = definition_of(questions)
    data = export_xlsform(definition, title={"nl": nl, "fr": fr, "en": en}, form_id=slug, version=3)
    imported = import_xlsform(data, f"{slug}.xlsx")
    assert imported.definition == definition
    assert imported.form_id == slug
    assert imported.warnings == []


def test_groups_and_their_conditions_survive_the_round_trip() -> None:
    from inspections.checklists.definition import question
    from inspections.conditions import parse

    definition = {
        "groups": [
            {"name": "outer", "label": {"nl": "Buiten", "fr": "Dehors", "en": "Outside"},
             "relevant": parse("${open} = 'yes'"), "relevant_text": "${open} = 'yes'",
             "parent": ""},
            {"name": "inner", "label": {"nl": "Binnen", "fr": "Dedans", "en": "Inside"},
             "relevant": None, "relevant_text": "", "parent": "outer"},
        ],
        "questions": [
            question("open", "yes_no", {"nl": "Open?", "fr": "Ouvert ?", "en": "Open?"}),
            question("a", "count", {"nl": "A", "fr": "A", "en": "A"}, group="outer", required=True),
            question("b", "select_multiple", {"nl": "B", "fr": "B", "en": "B"}, group="inner",
                     choices=[{"name": "x", "label": {"nl": "X", "fr": "X", "en": "X"}}],
                     relevant="${a} > 2"),
            question("c", "datetime", {"nl": "C", "fr": "C", "en": "C"}),
        ],
    }  # fmt: skip
    data = export_xlsform(definition, title={"nl": "T"}, form_id="t", version=1)
    assert import_xlsform(data, "t.xlsx").definition == definition


@needs_data
@pytest.mark.parametrize(
    "path, questions",
    [
        (PYXFORM / "example_xls" / "yes_or_no_question.xlsx", 1),
        (PYXFORM / "example_xls" / "text_and_integer.xls", 2),
        (PYXFORM / "example_xls" / "group.xlsx", 3),
        (PYXFORM / "example_xls" / "widgets.xls", 26),
        (PYXFORM / "example_xls" / "table-list.xls", 5),
        (PYXFORM / "example_xls" / "allow_comment_rows_test.xls", 1),
        (PYXFORM / "bug_example_xls" / "blank_second_row.xls", 1),
        (PYXFORM / "bug_example_xls" / "UCL_Biomass_Plot_Form.xlsx", 17),
        (FMTM / "slum_assessment_survey.xlsx", 212),
        (FMTM / "highways.xls", 20),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_real_forms_import(path: Path, questions: int) -> None:
    form = load(path)
    assert len(form.definition["questions"]) == questions


@needs_data
def test_a_real_form_keeps_types_languages_groups_and_conditions() -> None:
    form = load(FMTM / "slum_assessment_survey.xlsx")
    kinds = {item["type"] for item in form.definition["questions"]}
    assert {"select_one", "select_multiple", "decimal"} <= kinds
    assert form.definition["groups"]
    conditional = [item for item in form.definition["questions"] if item["relevant"]]
    assert conditional and all(item["relevant_text"] for item in conditional)
    yes_no = load(PYXFORM / "example_xls" / "yes_or_no_question.xlsx").definition["questions"][0]
    assert yes_no["type"] == "yes_no"
    ucl = load(PYXFORM / "bug_example_xls" / "UCL_Biomass_Plot_Form.xlsx")
    assert {"en", "sw"} <= set(ucl.definition["questions"][0]["label"])
    assert ucl.warnings  # metadata-free, but calculations and file lists are dropped


@needs_data
@pytest.mark.parametrize(
    "path, reason",
    [
        (PYXFORM / "bug_example_xls" / "duplicate_columns.xlsx", "appears twice"),
        (PYXFORM / "bug_example_xls" / "calculate_without_calculation.xls", "needs its formula"),
        (PYXFORM / "bug_example_xls" / "group_name_test.xls", "a group needs a name"),
        (PYXFORM / "bug_example_xls" / "xl_date_ambiguous.xlsx", "is not supported"),
        (PYXFORM / "example_xls" / "survey_no_name.xlsx", "no “survey” sheet"),
        (PYXFORM / "example_xls" / "unknown_question_type.xls", "unknown question type"),
        (PYXFORM / "example_xls" / "xlsform_spec_test.xlsx", "“regex” is not supported"),
        (FMTM / "health.xls", "is not in the choices sheet"),
        (FMTM / "building_natural_risks_survey.xlsx", "not an earlier question"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_broken_forms_are_refused_with_a_clear_reason(path: Path, reason: str) -> None:
    with pytest.raises(XLSFormError) as refused:
        load(path)
    assert any(reason in message for message in refused.value.reasons), refused.value.reasons


@needs_data
def test_forms_whose_bugs_do_not_matter_here_import() -> None:
    # The calculation is not kept, so its faulty formula does no harm; but nothing is
    # left to ask, which is refused.
    with pytest.raises(XLSFormError, match="at least one question"):
        load(PYXFORM / "bug_example_xls" / "bad_calc.xlsx")
    # A sheet name with a capital: the choices are found all the same.
    form = load(PYXFORM / "bug_example_xls" / "badly_named_choices_sheet.xls")
    assert [item["type"] for item in form.definition["questions"]] == [
        "integer",
        "text",
        "select_one",
    ]
    # A header with spaces and a cell under no header in the choices: an unused column
    # and a comment.
    form = load(PYXFORM / "bug_example_xls" / "spaces_in_choices_header.xls")
    assert [c["name"] for c in form.definition["questions"][0]["choices"]] == ["a", "b", "c", "d"]


def test_not_a_spreadsheet_is_refused() -> None:
    with pytest.raises(XLSFormError, match="cannot be read"):
        import_xlsform(b"this is not a workbook", "form.xlsx")


def survey_workbook(headers: list[str], row: list[str]) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    survey.append(headers)
    survey.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_legal_reference_per_language_and_old_forms_keep_their_single_reference() -> None:
    from inspections.checklists.definition import legal_reference_in

    headers = ["type", "name", "label::nl", "integra::legal_reference"]
    old = import_xlsform(
        survey_workbook(headers, ["integer", "workers", "Werknemers", "Sociaal Strafwetboek"]),
        "old.xlsx",
    ).definition["questions"][0]
    assert legal_reference_in(old, "fr") == "Sociaal Strafwetboek"
    assert "legal_reference_fr" not in old
    both = import_xlsform(
        survey_workbook(
            [*headers, "integra::legal_reference::French (fr)"],
            ["integer", "workers", "Werknemers", "Sociaal Strafwetboek", "Code pénal social"],
        ),
        "both.xlsx",
    ).definition["questions"][0]
    assert legal_reference_in(both, "nl") == "Sociaal Strafwetboek"
    assert legal_reference_in(both, "fr") == "Code pénal social"

"""Shown-only-if conditions: parsed to a JSON tree, never evaluated as code."""

from __future__ import annotations

import pytest

from inspections import conditions
from inspections.checklists.definition import check_definition, clean_answers, question
from tests.condition_cases import ANSWERS, CONDITIONS


def test_simple_equality_parses_to_a_tree() -> None:
    assert conditions.parse("${q} = 'yes'") == {
        "op": "=",
        "left": {"ref": "q"},
        "right": {"lit": "yes"},
    }


def test_precedence_and_binds_tighter_than_or() -> None:
    tree = conditions.parse("${a} = 1 or ${b} = 2 and ${c} = 3")
    assert tree is not None
    assert tree["op"] == "or"
    assert tree["args"][1]["op"] == "and"


@pytest.mark.parametrize("text", CONDITIONS)
def test_unparse_round_trips(text: str) -> None:
    tree = conditions.parse(text)
    assert conditions.parse(conditions.unparse(tree)) == tree


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "${a} = 'yes' +",
        "string-length(${a}) > 3",
        "${a}",
        "${a} = 'yes' and",
        "${a} === 'x'",
        "${a} = 'x' ; ${b}",
        "pulldata('x')",
        ". > 3",
    ],
)
def test_anything_outside_the_subset_is_refused(text: str) -> None:
    with pytest.raises(conditions.ConditionError):
        conditions.parse(text)


def test_empty_condition_is_always_true() -> None:
    assert conditions.parse("  ") is None
    assert conditions.evaluate(None, {})


def test_evaluation_rules() -> None:
    answers = {"a": "yes", "n": 3, "m": ["x", "y"], "t": "3"}

    def holds(text: str) -> bool:
        return conditions.evaluate(conditions.parse(text), answers)

    assert holds("${a} = 'yes'")
    assert holds("${n} > 2 and ${n} < 4")
    assert holds("selected(${m}, 'y')")
    assert not holds("selected(${m}, 'z')")
    assert holds("count-selected(${m}) = 2")
    assert holds("${t} = 3")
    assert not holds("${a} > 1")
    assert holds("${missing} = ''")
    assert not holds("${missing} > 0")


def test_references_names_every_question_read() -> None:
    tree = conditions.parse("${a} = 1 or not(selected(${b}, 'x')) and count-selected(${c}) > 0")
    assert conditions.references(tree) == {"a", "b", "c"}


def test_a_condition_may_only_read_earlier_questions() -> None:
    definition = {
        "groups": [],
        "questions": [
            question("first", "yes_no", {"en": "First"}, relevant="${second} = 'yes'"),
            question("second", "yes_no", {"en": "Second"}),
        ],
    }
    assert any("not an earlier question" in error for error in check_definition(definition))


def test_hidden_questions_count_as_unanswered_downstream() -> None:
    definition = {
        "groups": [],
        "questions": [
            question("a", "yes_no", {"en": "A"}),
            question("b", "yes_no", {"en": "B"}, relevant="${a} = 'yes'"),
            question("c", "text", {"en": "C"}, relevant="${b} = 'yes'", required=True),
        ],
    }
    cleaned, errors = clean_answers(definition, {"a": "no", "b": "yes", "c": "x"})
    assert (cleaned, errors) == ({"a": "no"}, {})
    cleaned, errors = clean_answers(definition, {"a": "yes", "b": "yes"})
    assert errors == {"c": ["This question is required."]}


def test_group_conditions_apply_to_their_questions() -> None:
    definition = {
        "groups": [
            {
                "name": "g",
                "label": {"en": "G"},
                "relevant": conditions.parse("${a} = 'yes'"),
                "relevant_text": "${a} = 'yes'",
                "parent": "",
            }
        ],
        "questions": [
            question("a", "yes_no", {"en": "A"}),
            question("b", "count", {"en": "B"}, required=True, group="g"),
        ],
    }
    assert clean_answers(definition, {"a": "no"}) == ({"a": "no"}, {})
    assert clean_answers(definition, {"a": "yes"})[1] == {"b": ["This question is required."]}


@pytest.mark.parametrize("text", CONDITIONS)
def test_cases_shared_with_the_browser_parse(text: str) -> None:
    tree = conditions.parse(text)
    for answers in ANSWERS:
        assert isinstance(conditions.evaluate(tree, answers), bool)

"""Shown-only-if conditions (XLSForm ``relevant``) in a small, safe subset.

A condition is parsed once, when a checklist is built or imported, into a JSON tree that
is stored with the question; the server (:func:`evaluate`) and the browser
(``static/integra/field/conditions.js``) walk the same tree with the same rules. Nothing
is ever passed to ``eval``.

The subset::

    condition  := or
    or         := and ("or" and)*
    and        := unary ("and" unary)*
    unary      := "not" "(" condition ")" | comparison | "(" condition ")"
                | "selected" "(" ref "," literal ")"
    comparison := operand ("=" | "!=" | "<" | "<=" | ">" | ">=") operand
    operand    := ref | literal | "count-selected" "(" ref ")"
    ref        := "${" name "}"
    literal    := 'text' | "text" | number

Tree nodes: ``{"op": "and"|"or", "args": [...]}``, ``{"op": "not", "arg": node}``,
``{"op": "=", "left": operand, "right": operand}`` (and the other comparisons),
``{"op": "selected", "ref": name, "value": text}``; operands are ``{"ref": name}``,
``{"lit": text|number}`` or ``{"count": name}``.

Evaluation rules (identical in JavaScript):

- an unanswered or not-shown question's value is the empty string;
- a multiple-choice answer compares as its choices joined by single spaces;
- ``=`` and ``!=`` compare numerically when one side is a number and the other is a
  number or a numeric text, otherwise as texts (a number never equals a non-numeric text);
- ``<``, ``<=``, ``>``, ``>=`` compare numerically and are false unless both sides are
  numbers or numeric texts;
- ``selected`` is true when the choice is among the answer's choices.
"""

from __future__ import annotations

import math
import re
from typing import Any

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
TOKEN = re.compile(
    rf"""\s*(?:
        (?P<ref>\$\{{\s*{NAME}\s*\}})
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,)
      | (?P<word>[A-Za-z][A-Za-z\-]*)
    )""",
    re.VERBOSE,
)
MAX_LENGTH = 2000
TYPOGRAPHIC_QUOTES = {ord("‘"): "'", ord("’"): "'", ord("“"): '"', ord("”"): '"'}


class ConditionError(ValueError):
    """A condition outside the supported subset, with the reason."""


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ConditionError(f"cannot read “{text[position : position + 20]}”")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise ConditionError("condition too long")
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        if value is not None and token[1] != value:
            raise ConditionError(f"expected “{value}” but found “{token[1]}”")
        self.position += 1
        return token

    def at_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] == word

    def parse(self) -> dict[str, Any]:
        node = self.or_()
        if self.peek() is not None:
            raise ConditionError(f"unexpected “{self.peek()[1]}”")  # type: ignore[index]
        return node

    def or_(self) -> dict[str, Any]:
        args = [self.and_()]
        while self.at_word("or"):
            self.take()
            args.append(self.and_())
        return args[0] if len(args) == 1 else {"op": "or", "args": args}

    def and_(self) -> dict[str, Any]:
        args = [self.unary()]
        while self.at_word("and"):
            self.take()
            args.append(self.unary())
        return args[0] if len(args) == 1 else {"op": "and", "args": args}

    def unary(self) -> dict[str, Any]:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        if token == ("word", "not"):
            self.take()
            self.take("(")
            inner = self.or_()
            self.take(")")
            return {"op": "not", "arg": inner}
        if token == ("word", "selected"):
            self.take()
            self.take("(")
            ref = self.ref()
            self.take(",")
            value = self.literal()
            self.take(")")
            return {"op": "selected", "ref": ref, "value": str(value)}
        if token == ("op", "("):
            self.take()
            inner = self.or_()
            self.take(")")
            return inner
        left = self.operand()
        operator = self.take()
        if operator[0] != "op" or operator[1] not in COMPARISONS:
            raise ConditionError(f"expected a comparison but found “{operator[1]}”")
        return {"op": operator[1], "left": left, "right": self.operand()}

    def ref(self) -> str:
        kind, value = self.take()
        if kind != "ref":
            raise ConditionError(f"expected a question like ${{name}} but found “{value}”")
        return value[2:-1].strip()

    def literal(self) -> str | int | float:
        kind, value = self.take()
        if kind == "string":
            return value[1:-1]
        if kind == "number":
            return float(value) if "." in value else int(value)
        raise ConditionError(f"expected a value but found “{value}”")

    def operand(self) -> dict[str, Any]:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        if token[0] == "ref":
            return {"ref": self.ref()}
        if token == ("word", "count-selected"):
            self.take()
            self.take("(")
            ref = self.ref()
            self.take(")")
            return {"count": ref}
        if token[0] == "word":
            raise ConditionError(f"“{token[1]}” is not supported")
        return {"lit": self.literal()}


def parse(text: str) -> dict[str, Any] | None:
    """The condition's tree, or None for an empty condition; ConditionError otherwise."""
    if not text or not text.strip():
        return None
    # Spreadsheets turn straight quotes into typographic ones as they are typed.
    text = text.translate(TYPOGRAPHIC_QUOTES)
    return Parser(text).parse()


def references(node: dict[str, Any] | None) -> set[str]:
    """The names of the questions a condition reads."""
    if node is None:
        return set()
    found: set[str] = set()
    for key in ("ref", "count"):
        if key in node:
            found.add(node[key])
    for child in node.get("args", []):
        found |= references(child)
    for key in ("arg", "left", "right"):
        if key in node:
            found |= references(node[key])
    return found


def unparse(node: dict[str, Any] | None) -> str:
    """The XLSForm text of a tree (for export)."""
    if node is None:
        return ""
    op = node.get("op")
    if op in ("and", "or"):
        return f" {op} ".join(_wrapped(arg, op) for arg in node["args"])
    if op == "not":
        return f"not({unparse(node['arg'])})"
    if op == "selected":
        return f"selected(${{{node['ref']}}}, {_literal(node['value'])})"
    if op in COMPARISONS:
        return f"{_operand(node['left'])} {op} {_operand(node['right'])}"
    raise ConditionError(f"unknown node {op!r}")


def _wrapped(node: dict[str, Any], parent: str) -> str:
    text = unparse(node)
    return f"({text})" if node.get("op") in ("and", "or") and node["op"] != parent else text


def _literal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "'" + str(value) + "'"
    return repr(value)


def _operand(node: dict[str, Any]) -> str:
    if "ref" in node:
        return f"${{{node['ref']}}}"
    if "count" in node:
        return f"count-selected(${{{node['count']}}})"
    return _literal(node["lit"])


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        return float(value)
    return None


def _value(operand: dict[str, Any], answers: dict[str, Any]) -> Any:
    if "ref" in operand:
        value = answers.get(operand["ref"])
        return "" if value is None else value
    if "count" in operand:
        value = answers.get(operand["count"])
        return len(value) if isinstance(value, list) else 0
    return operand["lit"]


def _equal(left: Any, right: Any) -> bool:
    left_is_number = isinstance(left, int | float) and not isinstance(left, bool)
    right_is_number = isinstance(right, int | float) and not isinstance(right, bool)
    if left_is_number or right_is_number:
        a, b = _as_number(left), _as_number(right)
        return a is not None and b is not None and a == b
    return _as_text(left) == _as_text(right)


def evaluate(node: dict[str, Any] | None, answers: dict[str, Any]) -> bool:
    """Whether the condition holds for these answers (an empty condition always does)."""
    if node is None:
        return True
    op = node["op"]
    if op == "and":
        return all(evaluate(arg, answers) for arg in node["args"])
    if op == "or":
        return any(evaluate(arg, answers) for arg in node["args"])
    if op == "not":
        return not evaluate(node["arg"], answers)
    if op == "selected":
        value = answers.get(node["ref"])
        chosen = value if isinstance(value, list) else _as_text(value).split()
        return node["value"] in [str(item) for item in chosen]
    left, right = _value(node["left"], answers), _value(node["right"], answers)
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    a, b = _as_number(left), _as_number(right)
    if a is None or b is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]

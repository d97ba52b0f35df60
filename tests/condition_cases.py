"""Conditions and answers whose outcome must be the same in Python and in the browser."""

from __future__ import annotations

from typing import Any

ANSWERS: list[dict[str, Any]] = [
    {},
    {"a": "yes", "n": 3, "m": ["x", "y"], "t": "3", "d": 2.5},
    {"a": "no", "n": 0, "m": [], "t": "abc", "d": -1},
    {"a": "", "n": 10, "m": ["y"], "t": "", "d": 7.0},
    {"a": "yes", "n": "4", "m": "x z", "t": "3.0"},
]

CONDITIONS = [
    "${a} = 'yes'",
    "${a} != 'yes'",
    "${a} = ''",
    "${n} > 2",
    "${n} >= 3 and ${a} = 'yes'",
    "${n} < 1 or ${a} = 'no'",
    "not(${a} = 'yes')",
    "selected(${m}, 'x')",
    "selected(${m}, 'z')",
    "count-selected(${m}) >= 2",
    "${t} = 3",
    "${t} = '3'",
    "${t} > 2",
    "${d} <= 2.5",
    "${d} != 7",
    "(${a} = 'yes' or ${a} = 'no') and not(${n} = 0)",
    "${missing} = ''",
    "${missing} > 0",
    "${a} = 1",
    '${a} = "yes"',
]

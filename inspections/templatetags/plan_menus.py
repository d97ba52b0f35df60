"""The menus every visit row of the plan repeats (its team, a check, a partner): each is
built once per answer and reused by every row, so a row costs the same whatever the
number of teams, checks or partners."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SELECTED = mark_safe(" selected")
EMPTY = mark_safe('<option value="">—</option>')


class Menu:
    """The ``<option>``s of a ``<select>``: an empty choice ("—") then ``choices``
    (value, label), with the option of a row's value marked as selected."""

    def __init__(self, choices: Iterable[tuple[Any, str]]) -> None:
        self.choices = [(str(value), label) for value, label in choices]
        self.drawn: dict[str, SafeString] = {}

    def html(self, chosen: Any = None) -> SafeString:
        key = "" if chosen is None else str(chosen)
        if key not in self.drawn:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((value, SELECTED if value == key else "", label) for value, label in self.choices),
            )
            self.drawn[key] = EMPTY + options
        return self.drawn[key]


@register.simple_tag
def options(menu: Menu, chosen: Any = None) -> SafeString:
    """``{% options team_menu visit.team_id %}``: the menu's options, ``chosen`` selected.
    A tag, not a printed value: the id only marks the selected option's attribute."""
    return menu.html(chosen)

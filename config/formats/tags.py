"""Template filters for what Django's own filters do not format per language."""

from __future__ import annotations

from django import template

from config import formats

register = template.Library()


@register.filter
def coordinates(point: dict | object | None) -> str:
    """``{{ premises|coordinates }}``: a mapping or object with ``lat`` and ``lon``, as
    ``50,73456° NB, 4,23456° OL`` in the active language."""
    if point is None:
        return ""
    if isinstance(point, dict):
        return formats.coordinates(point.get("lat"), point.get("lon"))
    return formats.coordinates(getattr(point, "lat", None), getattr(point, "lon", None))

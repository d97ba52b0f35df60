"""One format per language for dates, times, numbers and coordinates.

Django reads ``<language>/formats.py`` here before its own locale formats
(``FORMAT_MODULE_PATH``), so every ``|date``, ``|time``, ``|floatformat``,
``formats.date_format`` and localized form field uses these.

Rules:

- One date, one time and one date-and-time format per language: the short and the long
  names (``DATE_FORMAT`` and ``SHORT_DATE_FORMAT``...) are the same, so no page or
  document can print a second one. Headings of a day may put the weekday's name before
  the date (``|date:"l"``); the date itself keeps the format.
- The first input format is ISO: every date, time and date-and-time field is an HTML
  input that shows and sends ISO values, whatever the reader's language. The other input
  formats are what people type in that language.
- Coordinates are written with the compass abbreviations of the language (``COMPASS``),
  never a mix of two languages' letters in one document.
"""

from __future__ import annotations

from django.utils import formats, translation

# How many decimals a WGS84 coordinate keeps: 5 is about a metre.
COORDINATE_DECIMALS = 5


def compass(language: str | None = None) -> dict[str, str]:
    """The abbreviations of north, south, east and west in ``language`` (the active
    language when None), from its format module."""
    language = language or translation.get_language() or "nl"
    for module in formats.get_format_modules(language[:2]):
        found = getattr(module, "COMPASS", None)
        if found is not None:
            return dict(found)
    return {"N": "N", "S": "S", "E": "E", "W": "W"}


def coordinates(lat: float | None, lon: float | None, language: str | None = None) -> str:
    """``50,73456° N, 4,23456° E`` in the language's numbers and compass letters."""
    if lat is None or lon is None:
        return ""
    if language is not None:
        with translation.override(language):
            return coordinates(lat, lon)
    letters = compass()

    def part(value: float, positive: str, negative: str) -> str:
        number = formats.number_format(
            round(abs(float(value)), COORDINATE_DECIMALS), COORDINATE_DECIMALS
        )
        return f"{number}° {letters[positive if value >= 0 else negative]}"

    return f"{part(lat, 'N', 'S')}, {part(lon, 'E', 'W')}"

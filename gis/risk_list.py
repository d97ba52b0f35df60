"""The risk list's order and its CSV: the premises as the user sees them on the page.

Rules: every sort ends on the premises' pk, so pages never repeat or skip a row; "last
inspected" puts the never inspected first (they are the ones to visit). The CSV holds
exactly the filtered selection in the chosen order, every page of it, with headers,
sector names, bands, numbers and dates in the user's language; a risk score is
restricted information, so every download is audited like the map's export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django import forms
from django.db.models import F, OrderBy
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gis.models import Premises, PremisesQuerySet
from gis.risk import premises_band

DEFAULT_SORT = "risk"


def _sector_title() -> str:
    language = (get_language() or "nl")[:2]
    return f"sector__title_{language if language in ('nl', 'fr', 'en') else 'nl'}"


def orderings(sort: str) -> list[OrderBy]:
    """The ORDER BY of a sort key; a leading "-" turns its natural order round."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    natural: list[tuple[str, bool]] = {
        # (field, highest first) in the order a user expects when clicking the column.
        "risk": [("risk_score", True), ("name", False), ("address", False)],
        "name": [("name", False), ("address", False)],
        "sector": [(_sector_title(), False), ("risk_score", True)],
        "last_inspected": [("last_inspected_on", False), ("risk_score", True)],
    }[key]
    result = []
    for field, high_first in natural:
        down = high_first != descending
        # What has no value (never inspected, no sector) comes first, last when reversed.
        nulls = {"nulls_last": True} if descending else {"nulls_first": True}
        result.append(F(field).desc(**nulls) if down else F(field).asc(**nulls))
    result.append(F("pk").desc() if descending else F("pk").asc())
    return result


class RiskSortForm(forms.Form):
    """The order of the risk list (``?sort=name``); the filters are the map's."""

    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[
            (value, value)
            for key in ("risk", "name", "sector", "last_inspected")
            for value in (key, f"-{key}")
        ],
    )

    def ordered(self, premises: PremisesQuerySet) -> PremisesQuerySet:
        return premises.order_by(*orderings(self.cleaned_data.get("sort") or DEFAULT_SORT))


# The columns a user sorts by clicking their heading, and which of them reads highest first.
SORTABLE = {
    "name": (gettext_lazy("Premises"), False),
    "sector": (gettext_lazy("Sector"), False),
    "risk": (gettext_lazy("Risk score"), True),
    "last_inspected": (gettext_lazy("Last inspected"), False),
}


def sort_headings(sort: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the sort its heading's link asks for (the column, or the
    column turned round when it is the current one) and its ``aria-sort``."""
    headings = {}
    for key, (label, high_first) in SORTABLE.items():
        current = sort.lstrip("-") == key
        descending = high_first != sort.startswith("-")
        headings[key] = {
            "label": str(label),
            "next": (key if sort.startswith("-") else f"-{key}") if current else key,
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        }
    return headings


def csv_delimiter() -> str:
    """A semicolon where the decimal mark is a comma, as spreadsheets there expect."""
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


def risk_csv(premises: Iterable[Premises]) -> str:
    stream = io.StringIO()
    # A byte-order mark, so that spreadsheets read accented names as UTF-8.
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=csv_delimiter())
    bands = {"high": _("High risk"), "medium": _("Medium risk"), "low": _("Low risk")}
    writer.writerow(
        [
            _("Premises"),
            _("Address"),
            _("Sector"),
            _("Risk score"),
            _("Risk band"),
            _("Flagged by the team"),
            _("Last inspected"),
        ]
    )
    for item in premises:
        writer.writerow(
            [
                str(item),
                item.address,
                item.sector.title if item.sector else "",
                formats.number_format(item.risk_score, decimal_pos=2),
                bands[premises_band(item.risk_score, item.flagged_manually)],
                _("yes") if item.flagged_manually else _("no"),
                formats.date_format(item.last_inspected_on, "SHORT_DATE_FORMAT")
                if item.last_inspected_on
                else _("never"),
            ]
        )
    return stream.getvalue()

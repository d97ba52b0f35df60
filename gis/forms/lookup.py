from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from gis.identifiers import normalise_capakey, normalise_enterprise_number
from gis.search import search_text

# Only digits and the separators of an enterprise number (``BE 0123.456.749``).
NUMBER_LIKE = re.compile(r"^(BE)?[\d\s.\-/]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    kind: str  # "parcel", "enterprise" or "address" (an address or a name)
    value: str


class LookupForm(forms.Form):
    """What the permit desk typed: a parcel key (``/`` or ``-`` form), an enterprise
    number (any written form), an address or a name (a trade name, the operator)."""

    q = forms.CharField(
        label=_("Address, parcel key or enterprise number"),
        max_length=200,
        error_messages={"required": _("Type an address, a parcel key or an enterprise number.")},
    )

    def clean_q(self) -> Query:
        text = self.cleaned_data["q"].strip()
        try:
            return Query("parcel", normalise_capakey(text))
        except ValueError:
            pass
        if NUMBER_LIKE.match(text):
            try:
                return Query("enterprise", normalise_enterprise_number(text))
            except ValueError:
                raise forms.ValidationError(
                    _(
                        "“%(value)s” is not a valid enterprise number. "
                        "Check the digits, e.g. 0123.456.749."
                    ),
                    params={"value": text},
                ) from None
        words = search_text(text)
        if len(words) < 3 or not any(character.isalpha() for character in words):
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not recognised. Type an address (street and number), "
                    "a parcel key such as 24432H0037/00M016 or an enterprise number such "
                    "as 0123.456.749."
                ),
                params={"value": text},
            )
        return Query("address", " ".join(text.split()))

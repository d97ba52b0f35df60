"""Identifiers people type and GIS layers carry, validated and normalised as
../shared/domain/conventions.md describes. Each ``normalise_*`` returns the canonical
text form or raises ``ValueError`` with a message fit for the user, in the active
language."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

CAPAKEY = re.compile(r"^[0-9]{5}[A-Z][0-9]{4}/[0-9]{2}[A-Z_][0-9]{3}$")


def normalise_enterprise_number(value: str) -> str:
    """A Belgian enterprise (KBO/BCE) or establishment-unit number as ``0xxx.xxx.xxx``.

    Accepts ``BE 0123.456.749``, ``0123 456 749`` and the legacy 9-digit form. The last two
    digits must equal 97 − (the first eight mod 97).
    """
    digits = re.sub(r"[\s.\-/]", "", value.strip().upper()).removeprefix("BE")
    if not digits.isdigit():
        raise ValueError(_("“%s” is not an enterprise number: only digits are expected.") % value)
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        raise ValueError(_("“%s” is not an enterprise number: it needs 10 digits.") % value)
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise ValueError(_("“%s” is not a valid enterprise number: the check digits fail.") % value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def normalise_capakey(value: str) -> str:
    """A Belgian parcel key, e.g. ``24432H0037/00M016``; the address register's ``-`` form
    (``24432H0037-00M016``) is accepted."""
    key = value.strip().upper().replace(" ", "")
    if len(key) == 17 and key[10] == "-":
        key = key[:10] + "/" + key[11:]
    if not CAPAKEY.match(key):
        raise ValueError(_("“%s” is not a parcel key (expected e.g. 24432H0037/00M016).") % value)
    return key


def normalise_bag_id(value: str) -> str:
    """A Dutch BAG id: 16 digits, kept as text (leading zeros matter)."""
    digits = re.sub(r"\D", "", value.removeprefix("NL.IMBAG.").split(".")[-1])
    if len(digits) != 16:
        raise ValueError(_("“%s” is not a BAG id: it needs 16 digits.") % value)
    if digits[4:6] not in {"01", "02", "03", "10", "20", "30"}:
        raise ValueError(
            _("“%(value)s” is not a BAG id: unknown object type %(type)s.")
            % {"value": value, "type": digits[4:6]}
        )
    return digits


def looks_like_enterprise_number(value: str) -> bool:
    try:
        normalise_enterprise_number(value)
    except ValueError:
        return False
    return True


def looks_like_capakey(value: str) -> bool:
    try:
        normalise_capakey(value)
    except ValueError:
        return False
    return True

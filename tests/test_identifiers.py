"""Identifiers as layers carry them: enterprise numbers, parcel keys, BAG ids."""

from __future__ import annotations

import pytest

from gis.identifiers import normalise_bag_id, normalise_capakey, normalise_enterprise_number


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0123.456.749", "0123.456.749"),
        ("BE 0123 456 749", "0123.456.749"),
        ("be0123456749", "0123.456.749"),
        ("123456749", "0123.456.749"),  # legacy 9 digits
        ("0400.008.697", "0400.008.697"),  # check value 97: the first eight are 0 mod 97
        ("1000.002.197", "1000.002.197"),  # the 1-series, issued since 2023
        ("1000.000.021", "1000.000.021"),
        ("2.123.456.791", "2123.456.791"),  # an establishment unit
    ],
)
def test_valid_enterprise_numbers_are_normalised(given: str, expected: str) -> None:
    assert normalise_enterprise_number(given) == expected


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("0123.456.748", "check digits"),
        ("0400.008.600", "check digits"),
        ("12345", "10 digits"),
        ("0123.456.74A", "only digits"),
        ("", "only digits"),
    ],
)
def test_invalid_enterprise_numbers_are_refused(given: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        normalise_enterprise_number(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("24432H0037/00M016", "24432H0037/00M016"),
        ("24432H0037-00M016", "24432H0037/00M016"),
        (" 24432h0037/00m016 ", "24432H0037/00M016"),
        ("23027A0123/00_000", "23027A0123/00_000"),
    ],
)
def test_capakeys_in_slash_and_dash_form(given: str, expected: str) -> None:
    assert normalise_capakey(given) == expected


@pytest.mark.parametrize("given", ["24432H0037/00M01", "2443H0037/00M016", "24432H0037+00M016"])
def test_malformed_capakeys_are_refused(given: str) -> None:
    with pytest.raises(ValueError, match="parcel key"):
        normalise_capakey(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0518100001773216", "0518100001773216"),
        ("NL.IMBAG.Pand.0518100001773216", "0518100001773216"),
        ("0935010000012345", "0935010000012345"),
        ("0935200000012345", "0935200000012345"),
    ],
)
def test_bag_ids_keep_leading_zeros(given: str, expected: str) -> None:
    assert normalise_bag_id(given) == expected


@pytest.mark.parametrize(
    ("given", "says"), [("518100001773216", "16 digits"), ("0518990001773216", "object type")]
)
def test_invalid_bag_ids_are_refused(given: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        normalise_bag_id(given)

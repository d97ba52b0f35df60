"""Default sector × competency rules: which checks a premises of each sector needs
(after the CONFINE cases and ../shared/SCENARIO.md). A city edits its own copy; the
human-trafficking indicator check is added at every visit regardless of these rules."""

from __future__ import annotations

# fmt: off
SECTOR_RULES: dict[str, list[str]] = {
    "car_wash": ["undeclared-work", "wellbeing-at-work", "social-security", "planning-environment", "identity-residence"],
    "massage_parlour": ["undeclared-work", "social-security", "permits-economy", "tax-cash-register", "identity-residence"],
    "restaurant": ["food-safety", "fire-safety", "undeclared-work", "identity-residence"],
    "bar": ["police-public-order", "permits-economy", "undeclared-work", "identity-residence"],
    "hotel": ["police-public-order", "fire-safety", "identity-residence"],
    "night_shop": ["permits-economy", "tax-cash-register", "undeclared-work", "identity-residence"],
    "construction_site": ["undeclared-work", "wellbeing-at-work", "social-security", "identity-residence"],
    "farm": ["undeclared-work", "wellbeing-at-work", "housing-quality", "identity-residence"],
    "housing": ["housing-quality", "population-register", "identity-residence"],
    "warehouse": ["undeclared-work", "wellbeing-at-work", "fire-safety", "identity-residence"],
    "transport": ["undeclared-work", "social-security", "identity-residence"],
    "hair_salon": ["undeclared-work", "social-security", "identity-residence"],
    "retail": ["permits-economy", "undeclared-work"],
    "office": ["housing-quality", "fire-safety", "planning-environment", "identity-residence"],
}
# fmt: on

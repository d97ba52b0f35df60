"""Hooks into gis/ and inspections/ registries."""


def register_all() -> None:
    pass

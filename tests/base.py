from __future__ import annotations

from dataclasses import fields

from django.contrib.auth.models import User
from django.test import TestCase

from partners.models import Municipality, Partner
from tests.cast import Cast, build_cast


class CastTestCase(TestCase):
    """A test case with the cast (tests/cast.py) built once per class and reachable as
    ``self.coordinator``, ``self.outsider``, ``self.city_a`` and so on."""

    cast: Cast
    city_a: Municipality
    city_b: Municipality
    city: Partner
    police: Partner
    social: Partner
    mayors_office: Partner
    permits: Partner
    coordinator: User
    police_inspector: User
    social_inspector: User
    mayor: User
    clerk: User
    analyst: User
    outsider: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_cast()
        for field in fields(cls.cast):
            setattr(cls, field.name, getattr(cls.cast, field.name))

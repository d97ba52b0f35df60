"""What the navigation and home page offer of gis/, decided by gis/access.py so that
partners/ templates need not know gis/'s rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gis.access import can_lookup, can_see_risk


def gis_links(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"gis_links": {}}
    risk = can_see_risk(user)
    return {"gis_links": {"map": risk, "risk": risk, "lookup": can_lookup(user)}}

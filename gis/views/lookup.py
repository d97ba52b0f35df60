"""The permit desk's question: is this address, parcel or operator flagged? The answer
is "flagged" or "no flag", never why: no score, indicator or signal reaches the page.
Every lookup is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from gis.access import require_lookup_role, visible_premises
from gis.flags import flagged_ids
from gis.forms.lookup import LookupForm, Query, normalise_address
from gis.models import Premises
from partners import audit
from partners.access import visible_municipalities
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry, Municipality

MAX_MATCHES = 20


def address_matches(premises: QuerySet[Premises], address: str) -> list[Premises]:
    """Premises whose address contains the typed words as a whole phrase: ``markt 1``
    finds ``Markt 1, 1500 Halle`` but not ``Markt 12``."""
    longest = max(address.split(), key=len)
    phrase = f" {address} "
    return [
        item
        for item in premises.filter(address__icontains=longest)
        if phrase in f" {normalise_address(item.address)} "
    ]


def find(user: Any, query: Query) -> list[Premises]:
    premises = visible_premises(user).only(
        "code", "name", "address", "municipality", "risk_score", "flagged_manually"
    )
    if query.kind == "parcel":
        return list(premises.filter(parcel_key=query.value))
    if query.kind == "enterprise":
        return list(premises.filter(enterprise_number=query.value))
    return address_matches(premises, query.value)


def audit_lookup(
    user: Any, text: str, query: Query, matches: list[Premises], flagged: set[int]
) -> None:
    """One LOOKUP row: the query as typed, what it matched and whether it was flagged."""
    municipalities = {item.municipality_id for item in matches} or set(
        visible_municipalities(user).values_list("pk", flat=True)[:2]
    )
    audit.record(
        user,
        AuditEntry.Action.LOOKUP,
        matches[0] if len(matches) == 1 else None,
        object_type="gis.Premises",
        municipality=(
            Municipality.objects.get(pk=municipalities.pop()) if len(municipalities) == 1 else None
        ),
        query=text,
        kind=query.kind,
        matches=len(matches),
        flagged=bool(flagged),
    )


@login_required
def lookup(request: HtmxHttpRequest) -> HttpResponse:
    require_lookup_role(request)
    form = LookupForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        query = form.cleaned_data["q"]
        matches = find(request.user, query)
        # Flagged by the premises' own flag or risk, or by another app (a decision in
        # force); still without the reason.
        flagged = flagged_ids(matches)
        audit_lookup(request.user, request.POST["q"].strip(), query, matches, flagged)
        context["results"] = [
            {"label": item.label(), "flagged": item.pk in flagged} for item in matches[:MAX_MATCHES]
        ]
        context["more"] = len(matches) > MAX_MATCHES
        context["searched"] = True
    template = "gis/lookup.html#result" if request.htmx else "gis/lookup.html"
    return render(request, template, context)

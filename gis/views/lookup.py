"""The permit desk's question: is this address, parcel or operator flagged? The answer
is "flagged" or "no flag", never why: no score, indicator or signal reaches the page.
Every lookup is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from gis.access import require_lookup_role, visible_premises
from gis.flags import flagged_ids
from gis.forms.lookup import LookupForm, Query
from gis.models import Premises, PremisesQuerySet
from gis.search import Wanted, address_match, in_place, name_match
from partners import audit
from partners.access import visible_municipalities
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry, Municipality

MAX_MATCHES = 20


def words_match(premises: PremisesQuerySet, text: str) -> list[Premises]:
    """Premises whose name, operator or address the typed words find (gis.search): the
    database picks the candidates by the longest word, the words decide. A street and
    number typed with a postcode or town keeps the premises in that place when there
    are any."""
    wanted = Wanted.parse(text)
    candidates = premises.filter(
        # Rows written without save() (a bulk load) have no key yet: compared anyway.
        Q(search_key__contains=wanted.longest) | Q(search_key="")
    )
    found = [
        item
        for item in candidates
        if (wanted.street_number and address_match(wanted, item.address))
        or name_match(wanted, item.name, item.operator_name, item.address)
    ]
    in_place_too = [item for item in found if in_place(wanted, item.address)]
    return in_place_too or found


def find(user: Any, query: Query) -> list[Premises]:
    premises = visible_premises(user).only(
        "code",
        "name",
        "operator_name",
        "address",
        "parcel_key",
        "enterprise_number",
        "municipality",
        "risk_score",
        "flagged_manually",
    )
    # Saying "not empty" lets SQLite use the identifiers' partial indexes (gis.models).
    if query.kind == "parcel":
        return list(premises.filter(parcel_key=query.value).exclude(parcel_key=""))
    if query.kind == "enterprise":
        return list(premises.filter(enterprise_number=query.value).exclude(enterprise_number=""))
    return words_match(premises, query.value)


def answer(item: Premises, flagged: set[int]) -> dict[str, Any]:
    """What the clerk reads to tell it is the right premises, and the flag; never an
    internal id, never why."""
    return {
        "name": item.name,
        "operator": item.operator_name,
        "address": item.address,
        "parcel_key": item.parcel_key,
        "enterprise_number": item.enterprise_number,
        "flagged": item.pk in flagged,
    }


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
        context["results"] = [answer(item, flagged) for item in matches[:MAX_MATCHES]]
        context["more"] = len(matches) > MAX_MATCHES
        context["searched"] = True
    template = "gis/lookup.html#result" if request.htmx else "gis/lookup.html"
    return render(request, template, context)

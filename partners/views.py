from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners import audit, protocols
from partners.access import (
    can_edit_competencies,
    competency_refusal,
    get_protocol_for_user,
    protocol_municipalities,
    require_role,
    visible_municipalities,
    visible_partners,
    visible_people,
    visible_protocols,
)
from partners.forms import CompetencyToggleForm, ProtocolExtendForm, ProtocolForm
from partners.http import HtmxHttpRequest, refuse
from partners.models import (
    AuditEntry,
    Competency,
    Person,
    Role,
    person_of,
    with_local_legal_basis,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    context = {
        "person": person,
        "municipalities": visible_municipalities(request.user),
        "can_edit_competencies": can_edit_competencies(request.user),
    }
    return render(request, "partners/home.html", context)


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = visible_partners(request.user).prefetch_related("competencies", "municipalities")
    return render(request, "partners/partner_list.html", {"partners": partners})


@login_required
def partner_detail(request: HttpRequest, code: str) -> HttpResponse:
    partner = get_object_or_404(visible_partners(request.user), code=code)
    people = (
        visible_people(request.user)
        .filter(partner=partner)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    context = {
        "partner": partner,
        "people": people,
        "competencies": with_local_legal_basis(
            partner.competencies.all(),
            visible_municipalities(request.user).filter(partners=partner).first(),
        ),
        "protocols": visible_protocols(request.user).filter(parties=partner),
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
def protocol_list(request: HttpRequest) -> HttpResponse:
    protocols = (
        visible_protocols(request.user)
        .select_related("municipality")
        .prefetch_related("parties", "themes")
    )
    context = {
        "protocols": protocols,
        "writable": set(protocol_municipalities(request.user).values_list("pk", flat=True)),
        "today": timezone.localdate(),
    }
    return render(request, "partners/protocol_list.html", context)


@login_required
def protocol_create(request: HttpRequest) -> HttpResponse:
    """A coordinator makes a sharing protocol of their municipality."""
    if not protocol_municipalities(request.user).exists():
        raise PermissionDenied
    form = ProtocolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        protocol = protocols.create_protocol(user=request.user, **form.cleaned_data)
        messages.success(
            request, _("The sharing protocol “%(title)s” was made.") % {"title": protocol.title}
        )
        return redirect("protocol-list")
    return render(request, "partners/protocol_form.html", {"form": form})


@login_required
def protocol_extend(request: HttpRequest, code: str) -> HttpResponse:
    """A coordinator adds parties and themes to a protocol of their municipality or
    makes it last longer."""
    protocol = get_protocol_for_user(request, code)
    form = ProtocolExtendForm(request.POST or None, protocol=protocol)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        protocols.extend_protocol(
            protocol=protocol,
            user=request.user,
            parties=list(data.get("add_parties") or []),
            themes=list(data.get("add_themes") or []),
            valid_to=data["valid_to"],
        )
        messages.success(
            request,
            _("The sharing protocol “%(title)s” was extended.") % {"title": protocol.title},
        )
        return redirect("protocol-list")
    return render(request, "partners/protocol_extend.html", {"form": form, "protocol": protocol})


def matrix_context(request: HttpRequest) -> dict:
    # The competencies whose law applies in the user's cities, read as in the first.
    cities = list(visible_municipalities(request.user))
    competencies = with_local_legal_basis(
        Competency.objects.applying_to(*cities), cities[0] if cities else None
    )
    partners = visible_partners(request.user).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.only("id"))
    )
    rows = []
    for partner in partners:
        held = {competency.id for competency in partner.competencies.all()}
        rows.append(
            {
                "partner": partner,
                "cells": [(competency, competency.id in held) for competency in competencies],
                "locked": competency_refusal(request.user, partner),
            }
        )
    return {"competencies": competencies, "rows": rows}


@login_required
def competency_matrix(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.COORDINATOR, Role.ADMIN)
    return render(request, "partners/competency_matrix.html", matrix_context(request))


@login_required
@require_POST
def competency_toggle(request: HtmxHttpRequest) -> HttpResponse:
    """Grant or withdraw one competency; answers with the matrix cell (HTMX)."""
    require_role(request, Role.COORDINATOR, Role.ADMIN)
    form = CompetencyToggleForm(request.POST, user=request.user)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, _("Nothing was changed: %s") % form.errors.as_text())
            return redirect("competency-matrix")
        return render(
            request,
            "partners/competency_matrix.html#toggle-error",
            {"form": form},
            status=400,
        )
    partner = form.cleaned_data["partner"]
    if refusal := competency_refusal(request.user, partner):
        if request.htmx:
            return refuse(request, refusal, status=403, redirect_to=reverse("competency-matrix"))
        messages.error(request, refusal)
        context = matrix_context(request)
        return render(request, "partners/competency_matrix.html", context, status=403)
    competency = form.cleaned_data["competency"]
    held = form.cleaned_data["held"]
    with transaction.atomic():
        if held:
            partner.competencies.add(competency)
        else:
            partner.competencies.remove(competency)
        audit.record(
            request.user,
            AuditEntry.Action.CHANGE,
            partner,
            competency=competency.code,
            held=held,
        )
    if not request.htmx:
        messages.success(request, _("The competency matrix was saved."))
        return redirect("competency-matrix")
    context = {"partner": partner, "competency": competency, "held": held, "saved": True}
    return render(request, "partners/competency_matrix.html#cell", context)


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    people = (
        visible_people(request.user)
        .select_related("user", "partner")
        .order_by("partner__short_name", "user__username")
    )
    return render(request, "partners/people_list.html", {"people": people, "Person": Person})

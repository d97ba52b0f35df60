""" "What connects these two": two subject pickers and the shortest paths between them
through the links the reader may see, each link with its role and period.

Open to anyone who sees subjects (the register's people, case team members for their
cases' subjects): a subject outside the reader's view cannot be picked, and a path
never runs through one. Reading both subjects is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.access import visible_subjects
from cases.forms.subjects import ConnectForm
from cases.network import what_connects
from partners import audit
from partners.models import AuditEntry


@login_required
@require_GET
def connect(request: HttpRequest) -> HttpResponse:
    asked = "first" in request.GET or "second" in request.GET
    form = ConnectForm(request.GET if asked else None, subjects=visible_subjects(request.user))
    context: dict[str, Any] = {"form": form, "network": None}
    if asked and form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        for subject in (first, second):
            audit.record(request.user, AuditEntry.Action.READ, subject, view="connect")
        context.update(
            network=what_connects(request.user, first, second), first=first, second=second
        )
    status = 400 if asked and form.errors else 200
    return render(request, "cases/network_connect.html", context, status=status)

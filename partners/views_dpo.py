"""Pages for the data protection officer: the audit log with filters, and the right of
access. The officer is a person with the administrator role; both pages show only the
municipalities they work for."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import audit
from partners.access import require_role, visible_municipalities
from partners.models import AuditEntry, Municipality, Role
from partners.privacy import as_json, normalised_enterprise, subject_access

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("any"))] + AuditEntry.Action.choices
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=Municipality.objects.none()
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must be before the end date."))
        return data


def entries_for_officer(user: Any) -> QuerySet[AuditEntry]:
    """Entries about the officer's municipalities, and those without a municipality
    made by people who work there."""
    municipalities = visible_municipalities(user)
    return AuditEntry.objects.filter(
        Q(municipality__in=municipalities)
        | Q(municipality__isnull=True, user__person__municipalities__in=municipalities)
    ).distinct()


def filtered(entries: QuerySet[AuditEntry], data: dict[str, Any]) -> QuerySet[AuditEntry]:
    if data.get("user"):
        entries = entries.filter(username__iexact=data["user"])
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("object_type"):
        entries = entries.filter(object_type__icontains=data["object_type"])
    if data.get("municipality"):
        entries = entries.filter(municipality=data["municipality"])
    zone = timezone.get_current_timezone()
    if data.get("since"):
        entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, zone))
    if data.get("until"):
        entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, zone))
    return entries


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.ADMIN)
    municipalities = visible_municipalities(request.user)
    form = AuditFilterForm(request.GET or None, municipalities=municipalities)
    entries = entries_for_officer(request.user).select_related("municipality")
    if form.is_bound and form.is_valid():
        entries = filtered(entries, form.cleaned_data)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.shown_object = shown_object(entry)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "partners/audit_log.html", context)


def shown_object(entry: AuditEntry) -> str:
    """What the entry was about, as a person recognises it: its name when recorded (a
    report's number, a premises' address), else what was looked up or the day purged;
    never a bare UUID."""
    if entry.object_repr:
        return entry.object_repr
    try:
        uuid.UUID(entry.object_code)
    except ValueError:
        return entry.object_code
    return ""


class SubjectAccessForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise number"), required=False, max_length=20)
    name = forms.CharField(
        label=_("Name of the person or enterprise"), required=False, max_length=200
    )

    def clean_enterprise(self) -> str:
        value = self.cleaned_data["enterprise"].strip()
        if not value:
            return ""
        try:
            return normalised_enterprise(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("enterprise") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Give an enterprise number or a name."))
        if data.get("name") and len(data["name"].strip()) < 3:
            self.add_error("name", _("Give at least three letters of the name."))
        return data


@login_required
def subject_access_page(request: HttpRequest) -> HttpResponse:
    """Everything held about an enterprise or a person in the officer's municipalities;
    other partners' internal answers are withheld and counted (only they may disclose
    them). Each search is an export in the audit log."""
    person = require_role(request, Role.ADMIN)
    form = SubjectAccessForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        enterprise, name = form.cleaned_data["enterprise"], form.cleaned_data["name"].strip()
        result = subject_access(
            enterprise=enterprise,
            name="" if enterprise else name,
            municipalities=visible_municipalities(request.user),
            reader_partner=person.partner,
        )
        audit.record(
            request.user,
            AuditEntry.Action.EXPORT,
            object_type="privacy.subject_access",
            object_code=(enterprise or name)[:64],
            premises=len(result["premises"]),
        )
        if request.GET.get("format") == "json":
            response = HttpResponse(as_json(result), content_type="application/json")
            response["Content-Disposition"] = 'attachment; filename="subject-access.json"'
            return response
    context = {"form": form, "result": result, "query": request.GET.urlencode()}
    return render(request, "partners/subject_access.html", context)

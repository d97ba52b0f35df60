"""Reuse an earlier action day: copy it as a template, or plan a re-inspection of some
of a closed day's premises. Only the day's coordinators; anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inspections import reuse
from inspections.access import AFTERMATH_STATUSES, get_action_day_for_user
from inspections.forms.reuse import CopyActionDayForm, ReinspectionForm
from partners.http import HtmxHttpRequest


@login_required
def copy_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    source = get_action_day_for_user(request, code, plannable=True)
    form = CopyActionDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = reuse.copy_action_day(
                source=source,
                on=form.cleaned_data["on"],
                user=request.user,
                with_visits=form.cleaned_data["with_visits"],
            )
        except reuse.ReuseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The copy was created as a draft."))
            return redirect("action-day-plan", code=copy.code)
    status = 400 if form.errors else 200
    context = {"source": source, "form": form}
    return render(request, "inspections/reuse_copy.html", context, status=status)


@login_required
def reinspect_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    source = get_action_day_for_user(request, code, plannable=True)
    form = ReinspectionForm(request.POST or None, source=source, user=request.user)
    closed = source.status in AFTERMATH_STATUSES
    if request.method == "POST" and closed and form.is_valid():
        try:
            target = reuse.plan_reinspection(
                visits=list(form.cleaned_data["visits"]),
                user=request.user,
                into=form.cleaned_data["into"],
                on=form.cleaned_data["on"],
            )
        except reuse.ReuseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The re-inspection was planned."))
            return redirect("action-day-plan", code=target.code)
    status = 400 if form.errors or (request.method == "POST" and not closed) else 200
    context = {"source": source, "form": form, "closed": closed}
    return render(request, "inspections/reuse_reinspect.html", context, status=status)

"""The registers, the figures with their anonymised export, the follow-ups the
coordinator plans, and the home page's panel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import access, actions, registers
from decisions.access import FIGURE_ROLES, REGISTER_ROLES, has, municipalities_for
from decisions.forms import FiguresPeriodForm, FollowUpForm, PermitSearchForm, RegisterFilterForm
from decisions.models import Decision, FollowUp, JointReport
from inspections import reuse
from partners import audit
from partners.access import require_role
from partners.models import AuditEntry, Role


@login_required
def register(request: HttpRequest) -> HttpResponse:
    require_role(request, *REGISTER_ROLES)
    decisions = access.visible_decisions(request.user).select_related(
        "municipality", "type_version__decision_type", "premises"
    )
    years = sorted(
        {d.year for d in decisions.decided().dates("decision_date", "year")}, reverse=True
    )
    form = RegisterFilterForm(request.GET or None, years=years)
    wanted = ""
    if form.is_valid():
        if form.cleaned_data["year"]:
            decisions = decisions.filter(decision_date__year=form.cleaned_data["year"])
        wanted = form.cleaned_data["status"]
    # Each with the status its dates give it today (an ended measure reads as expired
    # before the nightly run writes it), and filtered on that status.
    decided = actions.shown_as_of_today(
        decisions.decided().order_by("-decision_date", "-identification")
    )
    drafts = decisions.filter(status__in=Decision.OPEN_STATUSES).order_by("-created_at")
    audit.record(request.user, AuditEntry.Action.READ, None, object_type="decisions.Register")
    context = {
        "form": form,
        "decided": [decision for decision in decided if decision.status == wanted or not wanted],
        "drafts": drafts.filter(status=wanted) if wanted else drafts,
    }
    return render(request, "decisions/register.html", context)


@login_required
def permit_register(request: HttpRequest) -> HttpResponse:
    require_role(request, *REGISTER_ROLES)
    form = PermitSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = registers.permit_register(access.visible_decisions(request.user), query).select_related(
        "type_version__decision_type", "premises"
    )
    audit.record(
        request.user,
        AuditEntry.Action.LOOKUP,
        None,
        object_type="decisions.PermitRegister",
        query=query,
    )
    return render(
        request,
        "decisions/permit_register.html",
        {"form": form, "decisions": actions.shown_as_of_today(found), "query": query},
    )


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """The steering committee's figures, for a period chosen by its dates (all time when
    none is given); a period that ends before it starts is refused with the reason."""
    require_role(request, *FIGURE_ROLES)
    municipalities = municipalities_for(request.user, *FIGURE_ROLES)
    form = FiguresPeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    context = {
        "form": form,
        "figures": registers.figures(
            municipalities, start=period.get("start"), end=period.get("end")
        ),
        "start": period.get("start"),
        "end": period.get("end"),
        "query": request.GET.urlencode() if form.is_valid() else "",
    }
    return render(request, "decisions/figures.html", context)


@login_required
def figures_csv(request: HttpRequest) -> HttpResponse:
    require_role(request, *FIGURE_ROLES)
    municipalities = municipalities_for(request.user, *FIGURE_ROLES)
    form = FiguresPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        message = _("Nothing was exported: %s") % " ".join(
            str(error) for errors in form.errors.values() for error in errors
        )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    period = form.cleaned_data if form.is_bound else {}
    start, end = period.get("start"), period.get("end")
    audit.record(
        request.user,
        AuditEntry.Action.EXPORT,
        None,
        object_type="decisions.Figures",
        anonymised=True,
        start=start.isoformat() if start else "",
        end=end.isoformat() if end else "",
    )
    response = HttpResponse(
        registers.anonymised_csv(municipalities, start=start, end=end),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="integra-figures-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response


@login_required
@require_POST
def follow_up_plan(request: HttpRequest, code: str) -> HttpResponse:
    """Plan the proposed re-inspection as a new draft action day (inspections.reuse)."""
    follow_up = (
        access.visible_follow_ups(request.user)
        .filter(code=code)
        .select_related("decision__joint_report__visit__action_day")
        .first()
    )
    if follow_up is None:
        raise Http404("No such follow-up")
    form = FollowUpForm(request.POST)
    if not form.is_valid() or follow_up.status != FollowUp.Status.PROPOSED:
        messages.error(
            request,
            " ".join(str(error) for error in form.errors.get("on", []))
            or _("This follow-up is already planned."),
        )
        return redirect("home")
    visit = follow_up.decision.joint_report.visit
    try:
        day = reuse.plan_reinspection(visits=[visit], user=request.user, on=form.cleaned_data["on"])
    except reuse.ReuseRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("home")
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.PLANNED, action_day=day)
    messages.success(request, _("The follow-up inspection was planned as a draft action day."))
    return redirect("action-day-plan", code=day.code)


@login_required
def home_panel(request: HttpRequest) -> HttpResponse:
    """What waits for the user: follow-ups to plan, reports to sign, drafts to finish."""
    from decisions.views.reports import signable_partners

    follow_ups = (
        access.visible_follow_ups(request.user)
        .filter(status=FollowUp.Status.PROPOSED)
        .select_related("decision__premises", "decision__type_version__decision_type")
    )
    to_sign = [
        report
        for report in access.visible_reports(request.user)
        .filter(status=JointReport.Status.DRAFT)
        .select_related("visit__premises")
        if signable_partners(request.user, report)
    ]
    drafts = (
        access.draftable_decisions(request.user).filter(status__in=Decision.OPEN_STATUSES)
        if has(request.user, Role.MAYORS_OFFICE)
        else Decision.objects.none()
    )
    context = {
        "follow_ups": follow_ups,
        "to_sign": to_sign,
        "drafts": drafts.select_related("premises"),
        "follow_up_form": FollowUpForm(),
        "today": timezone.localdate(),
    }
    return render(request, "decisions/home_panel.html", context)

"""Drafting and taking a decision (the mayor's office only), and reading it (the
mayor's office and coordinators). Each step is its own POST; an invalid form comes back
with its errors in the page, never a bare 400.

While the decision is open, the draft and its steps (hearing, taking the decision) are
one form on the page, each button posting to its own step: the draft as typed is saved
before the step, and a step's fields typed but not sent come back as typed, so no button
discards what was typed elsewhere on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from decisions import actions, documents
from decisions.access import DECISION_ROLES, get_decision_for_user, get_report_for_user, has
from decisions.actions import DecisionRefused
from decisions.forms import (
    AppealForm,
    DecisionDraftForm,
    FinaliseForm,
    HeardForm,
    HearingForm,
    LiftForm,
    ServeForm,
    StartDecisionForm,
)
from decisions.models import Decision, Document
from partners import audit
from partners.access import require_role
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry


@login_required
def decision_start(request: HttpRequest, code: str) -> HttpResponse:
    require_role(request, *DECISION_ROLES)
    report = get_report_for_user(request, code)
    form = StartDecisionForm(request.POST or None, municipality=report.municipality)
    if not report.is_final:
        form.add_error(None, _("A decision starts from a final joint report."))
    elif request.method == "POST" and form.is_valid():
        try:
            decision = actions.start_decision(
                report=report, type_version=form.cleaned_data["type_version"], user=request.user
            )
        except DecisionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The draft decision was created from the report."))
            return redirect("decision-detail", code=decision.code)
    status = 400 if form.errors else 200
    return render(
        request, "decisions/decision_start.html", {"report": report, "form": form}, status=status
    )


def documents_context(request: HttpRequest, decision: Decision) -> dict[str, Any]:
    listed = list(decision.documents.order_by("kind", "-version"))
    return {
        "documents": listed,
        "pending": any(document.is_pending for document in listed),
        "drafting": has(request.user, *DECISION_ROLES),
    }


def detail_context(request: HttpRequest, decision: Decision, **forms_given: Any) -> dict[str, Any]:
    drafting = has(request.user, *DECISION_ROLES)
    version = decision.type_version
    context: dict[str, Any] = {
        "decision": decision,
        "version": version,
        "drafting": drafting,
        "steps": version.required_steps(urgent=decision.urgent),
        "problems": actions.problems(decision) if decision.is_open else [],
        "overlaps": actions.overlap_warnings(decision) if decision.is_open else [],
        **documents_context(request, decision),
        "latest_end": decision.latest_end(),
        "follow_up": getattr(decision, "follow_up", None),
    }
    if drafting and decision.is_open:
        context["draft_form"] = forms_given.get("draft_form") or DecisionDraftForm(
            instance=decision
        )
        context["hearing_form"] = forms_given.get("hearing_form") or HearingForm(decision=decision)
        context["heard_form"] = forms_given.get("heard_form") or HeardForm()
        context["finalise_form"] = FinaliseForm()
    if drafting and decision.status == Decision.Status.DECIDED:
        context["serve_form"] = forms_given.get("serve_form") or ServeForm()
    if drafting and decision.status in (Decision.Status.SERVED, Decision.Status.IN_FORCE):
        context["lift_form"] = forms_given.get("lift_form") or LiftForm()
    if drafting and decision.dispatch_date and not decision.appeal_lodged_on:
        context["appeal_form"] = forms_given.get("appeal_form") or AppealForm()
    return context


@login_required
def decision_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    decision = get_decision_for_user(request, code)
    if request.htmx and request.GET.get("part") == "documents":
        context = {"decision": decision, **documents_context(request, decision)}
        return render(request, "decisions/decision_detail.html#documents", context)
    # Shown with the status its dates give it today; the schedule writes it.
    actions.refresh_status(decision)
    audit.record(request.user, AuditEntry.Action.READ, decision)
    return render(request, "decisions/decision_detail.html", detail_context(request, decision))


# The marker the page's draft form sends along with every step of an open decision.
WITH_DRAFT = "with_draft"
# The steps that share the draft's form on the page, by their context name.
DRAFT_STEPS: dict[str, type[forms.Form]] = {
    "hearing_form": HearingForm,
    "heard_form": HeardForm,
}


def step_view(
    form_class: type[forms.BaseForm] | None,
    form_name: str,
    act: Callable[[HttpRequest, Decision, Any], Any],
    done: Any,
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST that validates one form and calls one workflow; refused steps and invalid
    forms re-render the page with the reason, changing nothing. Sent from the draft's
    form, the draft is saved first."""

    @login_required
    @require_POST
    def view(request: HttpRequest, code: str) -> HttpResponse:
        decision = actions.bring_up_to_date(get_decision_for_user(request, code, drafting=True))
        if form_class is not DecisionDraftForm and WITH_DRAFT in request.POST:
            draft = DecisionDraftForm(request.POST, instance=decision)
            if not draft.is_valid():
                step = build_form(form_class, request, decision)
                return rerender(request, decision, draft_form=draft, **{form_name: step})
            if draft.has_changed():
                try:
                    decision = store_draft(request, decision, draft)
                except DecisionRefused as refusal:
                    messages.error(request, str(refusal))
                    return redirect("decision-detail", code=decision.code)
        form = build_form(form_class, request, decision)
        if form is not None and not form.is_valid():
            return rerender(request, decision, **{form_name: form})
        try:
            act(request, decision, form)
        except DecisionRefused as refusal:
            if form is None:
                messages.error(request, str(refusal))
                return redirect("decision-detail", code=decision.code)
            form.add_error(None, str(refusal))
            return rerender(request, decision, **{form_name: form})
        messages.success(request, done)
        return done_response(request, decision, form_name)

    return view


def build_form(
    form_class: type[forms.BaseForm] | None, request: HttpRequest, decision: Decision
) -> Any:
    if form_class is None:
        return None
    if form_class is DecisionDraftForm:
        return DecisionDraftForm(request.POST, instance=decision)
    if form_class is HearingForm:
        return HearingForm(request.POST, decision=decision)
    return form_class(request.POST)


def rerender(request: HttpRequest, decision: Decision, **forms_given: Any) -> HttpResponse:
    decision.refresh_from_db()
    kept = typed_steps(request, decision, sent=forms_given)
    context = detail_context(request, decision, **(kept | forms_given))
    return render(request, "decisions/decision_detail.html", context, status=400)


def typed_steps(
    request: HttpRequest, decision: Decision, *, sent: Any
) -> dict[str, forms.BaseForm]:
    """The steps whose fields were typed but not sent for, shown again as typed."""
    kept: dict[str, forms.BaseForm] = {}
    for name, form_class in DRAFT_STEPS.items():
        typed = {
            field: request.POST[field]
            for field in form_class.base_fields
            if name not in sent and request.POST.get(field, "").strip()
        }
        if typed:
            kept[name] = (
                HearingForm(initial=typed, decision=decision)
                if form_class is HearingForm
                else form_class(initial=typed)
            )
    return kept


def done_response(request: HttpRequest, decision: Decision, sent: str) -> HttpResponse:
    """Back to the page, or, with another step's fields typed but not sent, the page
    itself showing them as typed."""
    decision.refresh_from_db()
    kept = typed_steps(request, decision, sent={sent})
    if not kept:
        return redirect("decision-detail", code=decision.code)
    context = detail_context(request, decision, **kept)
    return render(request, "decisions/decision_detail.html", context)


def store_draft(request: HttpRequest, decision: Decision, form: Any) -> Decision:
    decision = actions.save_draft(decision=decision, values=form.cleaned_data, user=request.user)
    messages.info(request, _("The draft was saved."))
    return decision


def save_draft(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.save_draft(decision=decision, values=form.cleaned_data, user=request.user)


def hearing(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.schedule_hearing(
        decision=decision,
        at=form.cleaned_data["at"],
        place=form.cleaned_data["place"],
        user=request.user,
    )


def heard(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.record_hearing(
        decision=decision,
        heard_on=form.cleaned_data["heard_on"],
        minutes=form.cleaned_data["minutes"],
        user=request.user,
    )


def finalise(request: HttpRequest, decision: Decision, form: Any) -> None:
    confirmation = FinaliseForm(request.POST)
    confirmed = confirmation.is_valid() and confirmation.cleaned_data["overlap_confirmed"]
    actions.finalise(decision=decision, user=request.user, overlap_confirmed=confirmed)


def serve(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.serve(
        decision=decision, dispatch_date=form.cleaned_data["dispatch_date"], user=request.user
    )


def lift(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.lift(
        decision=decision,
        on=form.cleaned_data["on"],
        reason=form.cleaned_data["reason"],
        user=request.user,
    )


def appeal(request: HttpRequest, decision: Decision, form: Any) -> None:
    actions.note_appeal(
        decision=decision,
        lodged_on=form.cleaned_data["lodged_on"],
        note=form.cleaned_data["note"],
        user=request.user,
    )


def regenerate(request: HttpRequest, decision: Decision, form: Any) -> None:
    """Generate the decision document again, e.g. after a failed run."""
    if decision.is_open:
        raise DecisionRefused(_("The decision document is made when the decision is taken."))
    with transaction.atomic():
        documents.decision_document(
            decision=decision, kind=Document.Kind.DECISION, user=request.user
        )


decision_save = step_view(
    DecisionDraftForm, "draft_form", save_draft, gettext_lazy("The draft was saved.")
)
decision_hearing = step_view(
    HearingForm,
    "hearing_form",
    hearing,
    gettext_lazy("The hearing was scheduled; the invitation letter is being generated."),
)
decision_heard = step_view(
    HeardForm, "heard_form", heard, gettext_lazy("The hearing was recorded.")
)
decision_finalise = step_view(
    None, "", finalise, gettext_lazy("The decision was taken; its document is being generated.")
)
decision_serve = step_view(
    ServeForm, "serve_form", serve, gettext_lazy("The dispatch was recorded.")
)
decision_lift = step_view(LiftForm, "lift_form", lift, gettext_lazy("The measure was lifted."))
decision_appeal = step_view(
    AppealForm, "appeal_form", appeal, gettext_lazy("The appeal was noted.")
)
decision_regenerate = step_view(
    None, "", regenerate, gettext_lazy("The decision document is being generated.")
)

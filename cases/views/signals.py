"""Pages of the desk signals: "Report a signal" and "My signals" for every person of a
municipality, the triage queue and each signal's triage page for its coordinators.

The reporter's pages show the status of their own signals and nothing triage found;
the triage pages are the coordinators' (403 for anyone else, 404 for another city's
signal) and every read of a signal there is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.access import (
    can_file_signals,
    can_triage,
    get_signal_for_triage,
    own_signals,
    visible_cases,
)
from cases.access import triage_queue as queue_of
from cases.actions.signals import (
    dismiss_signal,
    file_signal,
    infer_desk,
    link_signal_to_case,
    link_signal_to_premises,
    merge_signal,
    open_case_from_signal,
    registered_person,
    verify_signal,
)
from cases.forms.signals import (
    DismissForm,
    FileSignalForm,
    LinkCaseForm,
    LinkPremisesForm,
    MergeForm,
    OpenCaseForm,
    QueueFilterForm,
    form_errors,
)
from cases.models import DeskSignal
from gis.access import visible_premises
from gis.models import Premises
from gis.views.lookup import words_match
from partners import audit
from partners.http import HtmxHttpRequest, refuse
from partners.models import AuditEntry, person_of

MAX_MATCHES = 20
PER_PAGE = 50


def require_filer(request: HtmxHttpRequest) -> None:
    if not can_file_signals(request.user):
        raise PermissionDenied


def require_triage(request: HtmxHttpRequest) -> None:
    if not can_triage(request.user):
        raise PermissionDenied


def premises_matches(request: HtmxHttpRequest, text: str) -> list[Premises]:
    """The premises a search finds in the user's municipalities, as the permit desk's
    lookup finds them (gis.search); name and address only, never a flag."""
    text = text.strip()
    if not text:
        return []
    premises = visible_premises(request.user).only("code", "name", "operator_name", "address")
    return words_match(premises, text)[:MAX_MATCHES]


@login_required
def premises_search(request: HtmxHttpRequest) -> HttpResponse:
    """The premises picker's matches (a fragment of the signal pages)."""
    require_filer(request)
    text = request.GET.get("premises_query", "")[:200]
    matches = premises_matches(request, text)
    if text.strip():
        audit.record(
            request.user,
            AuditEntry.Action.LOOKUP,
            object_type="gis.Premises",
            query=text.strip(),
            matches=len(matches),
            purpose="signal",
        )
    context = {"matches": matches, "searched": bool(text.strip()), "chosen": ""}
    return render(request, "cases/signals_premises.html", context)


@login_required
def file_signal_page(request: HtmxHttpRequest) -> HttpResponse:
    require_filer(request)
    desk = infer_desk(person_of(request.user))
    data = request.POST if request.method == "POST" else None
    form = FileSignalForm(data, user=request.user, desk=desk)
    if form.is_bound and form.is_valid():
        try:
            file_signal(user=request.user, **form.action_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your signal was filed. You can follow its status here."))
            return redirect("cases:my-signals")
    query = form.data.get("premises_query", "") if form.is_bound else ""
    context = {
        "form": form,
        "desk": DeskSignal.Desk(desk).label if desk else "",
        "matches": premises_matches(request, query),
        "searched": bool(query.strip()),
        "chosen": form.data.get("premises", "") if form.is_bound else "",
    }
    return render(request, "cases/signals_file.html", context, status=400 if form.errors else 200)


@login_required
def my_signals(request: HtmxHttpRequest) -> HttpResponse:
    """The reporter's own signals with their status: what they gave, nothing more."""
    require_filer(request)
    signals = (
        own_signals(request.user)
        .select_related("municipality")
        .only(
            "code",
            "municipality__name",
            "desk",
            "about",
            "address",
            "subject_name",
            "enterprise_number",
            "observed_on",
            "what_was_seen",
            "status",
            "created_at",
        )
        .order_by("-created_at")
    )
    page = Paginator(signals, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/signals_mine.html", {"page_obj": page})


@login_required
def triage_queue(request: HtmxHttpRequest) -> HttpResponse:
    """The city's signals of one status, oldest first: the first filed waits longest."""
    require_triage(request)
    filters = QueueFilterForm(request.GET)
    status = filters.status_or_default()
    queue = queue_of(request.user)
    counts = dict(queue.values_list("status").annotate(count=Count("pk")).order_by())
    signals = (
        queue.filter(status=status)
        .select_related("municipality", "reporter_partner", "premises", "indicator", "case")
        .order_by("created_at", "pk")
    )
    page = Paginator(signals, PER_PAGE).get_page(request.GET.get("page"))
    tabs = [(value, label, counts.get(value, 0)) for value, label in DeskSignal.Status.choices]
    context = {"page_obj": page, "status": status, "tabs": tabs}
    template = "cases/triage_queue.html#queue" if request.htmx else "cases/triage_queue.html"
    return render(request, template, context)


def triage_forms(request: HtmxHttpRequest, signal: DeskSignal) -> dict[str, Any]:
    user = request.user
    return {
        "premises_form": LinkPremisesForm(user=user, signal=signal),
        "case_form": LinkCaseForm(user=user, signal=signal),
        "open_case_form": OpenCaseForm(initial={"title": signal.subject_name or signal.address}),
        "merge_form": MergeForm(user=user, signal=signal),
        "dismiss_form": DismissForm(),
    }


@login_required
def triage_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Everything the desk gave and what triage did so far, with the next steps."""
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    audit.record(request.user, AuditEntry.Action.READ, signal)
    query = request.GET.get("premises_query", "")[:200]
    context = {
        "signal": signal,
        # Another coordinator may have linked the signal to a case whose team this
        # reader is not in: they see its number, not what the case is about.
        "case_in_team": signal.case_id is not None
        and visible_cases(request.user).filter(pk=signal.case_id).exists(),
        "duplicates": signal.duplicates.order_by("created_at"),
        "matches": premises_matches(request, query),
        "searched": bool(query.strip()),
        "premises_query": query,
        "chosen": "",
        "registered_person": registered_person(signal),
        **triage_forms(request, signal),
    }
    return render(request, "cases/triage_detail.html", context)


def run_step(
    request: HtmxHttpRequest, signal: DeskSignal, step: Callable[[], Any], done: str
) -> HttpResponse:
    """Take one triage step: back to the signal's page with what was done, or refused
    with the reason and nothing changed."""
    url = reverse("cases:triage-signal", args=[signal.code])
    try:
        step()
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), redirect_to=url)
    messages.success(request, done)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def with_known_person(signal: DeskSignal, done: str) -> str:
    """``done``, telling the coordinator when the person the signal names was already
    in the register: the signal joins that subject instead of adding them twice."""
    known = registered_person(signal)
    if known is None or known.birth_date is None:
        return done
    already = _(
        "%(name)s, born on %(date)s, was already in the register: the signal is linked "
        "to that person instead of adding them again."
    ) % {"name": known.name, "date": date_format(known.birth_date, "SHORT_DATE_FORMAT")}
    return f"{done} {already}"


def invalid(request: HtmxHttpRequest, signal: DeskSignal, form: Any) -> HttpResponse:
    url = reverse("cases:triage-signal", args=[signal.code])
    return refuse(request, form_errors(form), redirect_to=url)


@login_required
@require_POST
def triage_verify(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    return run_step(
        request,
        signal,
        lambda: verify_signal(signal=signal, user=request.user),
        _("The signal is verified and in treatment."),
    )


@login_required
@require_POST
def triage_link_premises(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    form = LinkPremisesForm(request.POST, user=request.user, signal=signal)
    if not form.is_valid():
        return invalid(request, signal, form)
    premises = form.cleaned_data["premises"]
    return run_step(
        request,
        signal,
        lambda: link_signal_to_premises(signal=signal, premises=premises, user=request.user),
        _("The signal is linked to %(premises)s.") % {"premises": premises},
    )


@login_required
@require_POST
def triage_link_case(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    form = LinkCaseForm(request.POST, user=request.user, signal=signal)
    if not form.is_valid():
        return invalid(request, signal, form)
    case = form.cleaned_data["case"]
    return run_step(
        request,
        signal,
        lambda: link_signal_to_case(signal=signal, case=case, user=request.user),
        with_known_person(
            signal, _("The signal is linked to case %(number)s.") % {"number": case.number}
        ),
    )


@login_required
@require_POST
def triage_open_case(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        return invalid(request, signal, form)
    return run_step(
        request,
        signal,
        lambda: open_case_from_signal(signal=signal, user=request.user, **form.cleaned_data),
        with_known_person(signal, _("A case was opened from the signal.")),
    )


@login_required
@require_POST
def triage_merge(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    form = MergeForm(request.POST, user=request.user, signal=signal)
    if not form.is_valid():
        return invalid(request, signal, form)
    return run_step(
        request,
        signal,
        lambda: merge_signal(signal=signal, into=form.cleaned_data["into"], user=request.user),
        _("The signal is merged and closed."),
    )


@login_required
@require_POST
def triage_dismiss(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_triage(request)
    signal = get_signal_for_triage(request, code)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return invalid(request, signal, form)
    return run_step(
        request,
        signal,
        lambda: dismiss_signal(signal=signal, user=request.user, **form.cleaned_data),
        _("The signal is dismissed and closed."),
    )

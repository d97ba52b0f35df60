"""A premises' page and map popup (its explained risk score and history), and the
recording of signals about it. Every view of the risk details is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gis.access import (
    can_record_signals,
    get_premises_for_user,
    require_risk_role,
    require_signal_role,
    visible_signals,
)
from gis.actions import record_signal
from gis.forms.signals import SignalForm
from gis.history import HistoryEntry, history
from gis.models import Premises, Signal
from gis.risk import explain_signals, explanation_lines, premises_band
from gis.signal_text import signal_texts
from partners import audit
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry


def signal_entry(signal: Signal, readable: set[int], text: str = "") -> HistoryEntry:
    if signal.pk not in readable:
        partner = signal.recorded_by_partner
        title = _("A confidential report of %(partner)s") % {
            "partner": partner.short_name if partner is not None else _("another partner")
        }
        return HistoryEntry(on=signal.received_on, kind="signal", title=title, confidential=True)
    return HistoryEntry(
        on=signal.received_on,
        kind="signal",
        title=str(signal.get_source_display()),
        text=text or signal.description,
        items=tuple(indicator.title for indicator in signal.indicators.all()),
    )


def risk_context(request: HttpRequest, premises: Premises) -> dict[str, Any]:
    """The premises' score, its explanation and history as the requesting user may read
    them: other partners' internal signals count but show without their content."""
    signals = list(
        premises.signals.select_related("recorded_by_partner").prefetch_related("indicators")
    )
    readable = set(
        visible_signals(request.user).filter(premises=premises).values_list("pk", flat=True)
    )
    explanation = explain_signals(signals)
    texts = signal_texts(signals)
    return {
        "premises": premises,
        "score": explanation.score,
        "band": premises_band(explanation.score, premises.flagged_manually),
        "lines": explanation_lines(explanation, readable),
        "history": history(
            request.user,
            premises,
            [signal_entry(signal, readable, texts[signal.pk]) for signal in signals],
        ),
    }


@login_required
def premises_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_risk_role(request)
    premises = get_premises_for_user(request, code)
    context = risk_context(request, premises)
    if can_record_signals(request.user):
        context["signal_form"] = SignalForm(premises=premises)
    audit.record(request.user, AuditEntry.Action.READ, premises, view="detail")
    return render(request, "gis/premises_detail.html", context)


@login_required
def premises_popup(request: HttpRequest, code: str) -> HttpResponse:
    """The map popup: an HTML fragment loaded when a marker is clicked."""
    require_risk_role(request)
    premises = get_premises_for_user(request, code)
    context = risk_context(request, premises)
    audit.record(request.user, AuditEntry.Action.READ, premises, view="popup")
    return render(request, "gis/premises_popup.html", context)


@login_required
@require_POST
def signal_create(request: HtmxHttpRequest, code: str) -> HttpResponse:
    require_signal_role(request)
    premises = get_premises_for_user(request, code)
    form = SignalForm(request.POST, premises=premises)
    saved = form.is_valid()
    if saved:
        record_signal(premises=premises, user=request.user, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("The signal was recorded."))
            return redirect("gis-premises-detail", code=premises.code)
        form = SignalForm(premises=premises)
    context = {**risk_context(request, premises), "signal_form": form, "saved": saved}
    if request.htmx:
        # htmx swaps only successful responses: errors come back with 200.
        return render(request, "gis/premises_detail.html#risk-panel", context)
    return render(request, "gis/premises_detail.html", context, status=400)

"""Pages of the case meeting and the instruments. A meeting is seen by the city's
coordinators and its participants (404 for anyone else); what may be done there is
decided by cases.actions.meetings (403 for a role that may not act). Of a case on the
agenda whose team the reader is not in, the page shows the number and whether it was
decided, never its title, decision, actions or what was shared; the minutes only to
someone in the team of every case on the agenda (cases.access). Every read of a meeting
is audited with what it showed and what it withheld.

A refused change answers as the other forms do: an htmx request gets the message alone
(partners.http.refuse); any other request gets the page again, answered 400, with the
message in the reader's language and what was typed kept in its form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import (
    can_triage,
    get_meeting_for_user,
    is_coordinator_of,
    may_read_minutes,
    readable_entries,
    visible_cases,
    visible_meetings,
)
from cases.actions import meetings as actions
from cases.catalogue import SEEDED_CODES, VERIFY_NOTE
from cases.forms.meetings import (
    ActionRowFormSet,
    AgendaForm,
    CompleteActionForm,
    DecisionForm,
    InstrumentForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
    ShareForm,
)
from cases.models import AgendaItem, Case, CaseAction, Entry, Instrument, Meeting
from cases.views.files import case_page_context
from partners import audit
from partners.access import visible_municipalities
from partners.http import refuse
from partners.models import AuditEntry, Municipality, Partner, person_of


def first_error(*forms: Any) -> str:
    """The first message of the forms (and formsets), to show with the refusal."""
    for form in forms:
        if hasattr(form, "forms"):
            if form.non_form_errors():
                return str(form.non_form_errors()[0])
            message = first_error(*form.forms)
        else:
            message = next((str(errors[0]) for errors in form.errors.values() if errors), "")
        if message:
            return message
    return ""


def message_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def refused(
    request: HttpRequest, message: str, *, back: str, page: Callable[[], HttpResponse]
) -> HttpResponse:
    """Nothing was changed: without htmx, ``page()`` draws the page again under the
    message, answered 400 (a redirect would lose what was typed)."""
    if getattr(request, "htmx", False):
        return refuse(request, message, redirect_to=back)
    messages.error(request, message)
    response = page()
    response.status_code = 400
    return response


def render_meeting_list(request: HttpRequest, form: MeetingForm | None = None) -> HttpResponse:
    meetings = Meeting.objects.filter(pk__in=visible_meetings(request.user).values("pk"))
    meetings = meetings.select_related("municipality", "protocol")
    if form is None and can_triage(request.user):
        form = MeetingForm(user=request.user)
    return render(request, "cases/meeting_list.html", {"meetings": meetings, "form": form})


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    return render_meeting_list(request)


@login_required
@require_POST
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not can_triage(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST, user=request.user)
    back = reverse("cases:meeting-list")

    def page() -> HttpResponse:
        return render_meeting_list(request, form)

    if not form.is_valid():
        return refused(request, first_error(form), back=back, page=page)
    data = form.cleaned_data
    try:
        meeting = actions.schedule_meeting(
            municipality=data["municipality"],
            user=request.user,
            title=data["title"],
            held_on=data["held_on"],
            frame=data["frame"],
            protocol=data["protocol"],
            purpose=data["purpose"],
        )
    except ValidationError as error:
        return refused(request, message_of(error), back=back, page=page)
    messages.success(request, _("The meeting was scheduled. Now invite its participants."))
    return redirect("cases:meeting", code=meeting.code)


def meeting_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    decided: tuple[int, Any, Any] | None = None,
    **forms: Any,
) -> dict[str, Any]:
    """Everything the meeting page shows, for the reading user. ``forms`` (and
    ``decided``: an agenda item's pk with its decision form and action rows) replace the
    empty forms with the ones a refused request sent, so what was typed stays."""
    user = request.user
    person = person_of(user)
    coordinates = is_coordinator_of(user, meeting.municipality)
    participants = list(meeting.participants.select_related("person__user", "partner"))
    me = next((p for p in participants if person and p.person_id == person.pk), None)
    team_cases = set(visible_cases(user).values_list("pk", flat=True))
    # Only the actions of the reader's own cases are read at all.
    action_rows = CaseAction.objects.filter(case_id__in=team_cases).select_related(
        "instrument", "partner"
    )
    agenda = list(
        meeting.agenda.select_related("case").prefetch_related(
            Prefetch("actions", queryset=action_rows)
        )
    )
    instruments = actions.instruments_for(meeting)
    items: list[dict[str, Any]] = []
    for item in agenda:
        in_team = item.case_id in team_cases
        if not in_team:
            # Someone at the table outside the case's team: its number (what the
            # agenda is spoken of by) and whether it was decided; nothing of the case.
            items.append(
                {
                    "in_team": False,
                    "order": item.order,
                    "number": item.case.number,
                    "code": item.case.code,
                    "decided": item.decided_at is not None,
                }
            )
            continue
        may_decide = coordinates and in_team and item.decided_at is None
        shareable: list[Entry] = []
        if me is not None and in_team:
            shareable = list(
                readable_entries(user, item.case).filter(
                    partner_id=me.partner_id, bound_to_meeting__isnull=True
                )
            )
        decision_form: Any = DecisionForm(prefix=f"d{item.pk}") if may_decide else None
        action_forms: Any = (
            ActionRowFormSet(prefix=f"a{item.pk}", form_kwargs={"instruments": instruments})
            if may_decide
            else None
        )
        if may_decide and decided is not None and decided[0] == item.pk:
            decision_form, action_forms = decided[1], decided[2]
        items.append(
            {
                "item": item,
                "in_team": True,
                "code": item.case.code,
                "decision_form": decision_form,
                "action_forms": action_forms,
                "shareable": shareable,
                "shared": list(readable_entries(user, item.case).filter(bound_to_meeting=meeting)),
            }
        )
    agenda_cases = (
        visible_cases(user)
        .filter(municipality=meeting.municipality_id)
        .exclude(state=Case.State.CLOSED)
        .exclude(pk__in=[item.case_id for item in agenda])
    )
    planned = meeting.state == Meeting.State.PLANNED
    minutes_readable = may_read_minutes(user, meeting)
    context = {
        "meeting": meeting,
        "participants": participants,
        "me": me,
        "coordinates": coordinates,
        "items": items,
        "instruments": instruments,
        "participant_form": ParticipantForm(meeting=meeting) if coordinates and planned else None,
        "agenda_form": (
            AgendaForm(cases=agenda_cases) if coordinates and planned and agenda_cases else None
        ),
        "minutes_readable": minutes_readable,
        "minutes_form": (
            MinutesForm(initial={"minutes": meeting.minutes})
            if coordinates and minutes_readable
            else None
        ),
        "needs_acknowledgement": meeting.frame == Meeting.Frame.ART_458TER,
    }
    context.update({name: form for name, form in forms.items() if context.get(name)})
    return context


def render_meeting(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    """The meeting page, its read audited with what it shows and what it withholds."""
    context = meeting_context(request, meeting, **forms)
    # The entries whose content the page shows are named in the audit row (codes only,
    # never what they say), as on the case page; so are the cases whose decision and
    # actions it shows, those it names by number only, and whether the minutes were shown.
    items = context["items"]
    shown = [
        str(entry.code)
        for item in items
        if item["in_team"]
        for entry in (*item["shared"], *item["shareable"])
    ]
    audit.record(
        request.user,
        AuditEntry.Action.READ,
        meeting,
        path=request.path,
        entries_shown=shown,
        cases_shown=[str(item["code"]) for item in items if item["in_team"]],
        cases_withheld=[str(item["code"]) for item in items if not item["in_team"]],
        minutes_shown=context["minutes_readable"] and bool(meeting.minutes),
    )
    return render(request, "cases/meeting.html", context)


@login_required
def meeting_page(request: HttpRequest, code: str) -> HttpResponse:
    return render_meeting(request, get_meeting_for_user(request, code))


def refused_on_meeting(
    request: HttpRequest, meeting: Meeting, message: str, **forms: Any
) -> HttpResponse:
    back = reverse("cases:meeting", kwargs={"code": meeting.code})
    return refused(
        request, message, back=back, page=lambda: render_meeting(request, meeting, **forms)
    )


def act(request: HttpRequest, meeting: Meeting, work: Any, done: str, **forms: Any) -> HttpResponse:
    """Run one action for the meeting page: refusals come back with their message,
    nothing saved (``forms`` are the sent forms, drawn again as they were typed)."""
    try:
        work()
    except ValidationError as error:
        return refused_on_meeting(request, meeting, message_of(error), **forms)
    messages.success(request, done)
    return redirect("cases:meeting", code=meeting.code)


@login_required
@require_POST
def meeting_participant_add(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    if not is_coordinator_of(request.user, meeting.municipality):
        raise PermissionDenied
    form = ParticipantForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return refused_on_meeting(request, meeting, first_error(form), participant_form=form)
    person = form.cleaned_data["person"]
    return act(
        request,
        meeting,
        lambda: actions.add_participant(meeting=meeting, person=person, user=request.user),
        _("%(person)s was invited.") % {"person": person},
        participant_form=form,
    )


@login_required
@require_POST
def meeting_acknowledge(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    return act(
        request,
        meeting,
        lambda: actions.acknowledge(meeting=meeting, user=request.user),
        _("You acknowledged the code of conduct of this meeting."),
    )


@login_required
@require_POST
def meeting_agenda_add(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    if not is_coordinator_of(request.user, meeting.municipality):
        raise PermissionDenied
    form = AgendaForm(request.POST, cases=visible_cases(request.user))
    if not form.is_valid():
        return refused_on_meeting(request, meeting, first_error(form))
    case = form.cleaned_data["case"]
    return act(
        request,
        meeting,
        lambda: actions.put_on_agenda(meeting=meeting, case=case, user=request.user),
        _("Case %(number)s is on the agenda.") % {"number": case.number},
    )


@login_required
@require_POST
def meeting_decision(request: HttpRequest, code: str, case: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    if not is_coordinator_of(request.user, meeting.municipality):
        raise PermissionDenied
    try:
        item = meeting.agenda.select_related("case").get(
            case__code=case, case__in=visible_cases(request.user)
        )
    except (AgendaItem.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such case on the agenda") from error
    instruments = actions.instruments_for(meeting)
    form = DecisionForm(request.POST, prefix=f"d{item.pk}")
    rows = ActionRowFormSet(
        request.POST, prefix=f"a{item.pk}", form_kwargs={"instruments": instruments}
    )
    decided = (item.pk, form, rows)
    if not form.is_valid() or not rows.is_valid():
        return refused_on_meeting(request, meeting, first_error(form, rows), decided=decided)
    chosen = [
        (
            row.cleaned_data["instrument"],
            row.cleaned_data["instrument"].partner,
            row.cleaned_data["deadline"],
            row.cleaned_data.get("description", ""),
        )
        for row in rows
        if row.cleaned_data.get("instrument")
    ]
    return act(
        request,
        meeting,
        lambda: actions.record_decision(
            item=item,
            user=request.user,
            approach=form.cleaned_data["approach"],
            decision=form.cleaned_data["decision"],
            actions=chosen,
        ),
        _("The decision on case %(number)s was recorded.") % {"number": item.case.number},
        decided=decided,
    )


@login_required
@require_POST
def meeting_share(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return refused_on_meeting(request, meeting, _("Choose an entry to share."))
    entry = (
        Entry.objects.filter(case__in=visible_cases(request.user), code=form.cleaned_data["entry"])
        .select_related("case", "partner")
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return act(
        request,
        meeting,
        lambda: actions.share_in_meeting(meeting=meeting, entry=entry, user=request.user),
        _("The entry is marked as shared in this meeting."),
    )


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    if not is_coordinator_of(request.user, meeting.municipality) or not may_read_minutes(
        request.user, meeting
    ):
        raise PermissionDenied
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return refused_on_meeting(request, meeting, first_error(form), minutes_form=form)
    return act(
        request,
        meeting,
        lambda: actions.record_minutes(
            meeting=meeting, user=request.user, minutes=form.cleaned_data["minutes"]
        ),
        _("The minutes were saved."),
        minutes_form=form,
    )


@login_required
@require_POST
def meeting_hold(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_meeting_for_user(request, code)
    if not is_coordinator_of(request.user, meeting.municipality):
        raise PermissionDenied
    return act(
        request,
        meeting,
        lambda: actions.hold_meeting(meeting=meeting, user=request.user),
        _("The meeting is marked as held."),
    )


@login_required
@require_POST
def case_action_complete(request: HttpRequest, code: str) -> HttpResponse:
    try:
        action = (
            CaseAction.objects.filter(case__in=visible_cases(request.user))
            .select_related("case__municipality", "instrument", "partner")
            .get(code=code)
        )
    except (CaseAction.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such action") from error
    if not actions.may_complete(request.user, action):
        raise PermissionDenied
    back = reverse("cases:case", kwargs={"code": action.case.code})
    form = CompleteActionForm(request.POST)

    def page() -> HttpResponse:
        context = case_page_context(request, action.case)
        return render(request, "cases/case.html", context)

    if not form.is_valid():
        return refused(request, first_error(form), back=back, page=page)
    try:
        actions.complete_action(
            action=action, user=request.user, result=form.cleaned_data["result"]
        )
    except ValidationError as error:
        return refused(request, message_of(error), back=back, page=page)
    messages.success(request, _("The action is marked as done."))
    return redirect(back)


def instrument_city(request: HttpRequest) -> Municipality:
    """The municipality whose partners' instruments are shown: the one asked for among
    the user's, else their first."""
    cities = visible_municipalities(request.user).order_by("name")
    wanted = request.GET.get("municipality") or request.POST.get("municipality")
    city = cities.filter(code=wanted).first() if wanted else cities.first()
    if city is None:
        raise Http404("No municipality")
    return city


def render_instruments(
    request: HttpRequest, city: Municipality, form: InstrumentForm | None = None
) -> HttpResponse:
    partners = (
        Partner.objects.filter(municipalities=city)
        .prefetch_related(Prefetch("instruments", queryset=Instrument.objects.order_by("code")))
        .order_by("level", "short_name")
    )
    coordinates = is_coordinator_of(request.user, city)
    context = {
        "city": city,
        "cities": visible_municipalities(request.user).order_by("name"),
        "partners": partners,
        "seeded": SEEDED_CODES,
        "verify_note": VERIFY_NOTE,
        "form": (form or InstrumentForm(municipality=city)) if coordinates else None,
    }
    return render(request, "cases/instrument_list.html", context)


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    return render_instruments(request, instrument_city(request))


@login_required
@require_POST
def instrument_create(request: HttpRequest) -> HttpResponse:
    city = instrument_city(request)
    if not is_coordinator_of(request.user, city):
        raise PermissionDenied
    back = reverse("cases:instrument-list") + f"?municipality={city.code}"
    form = InstrumentForm(request.POST, municipality=city)

    def page() -> HttpResponse:
        return render_instruments(request, city, form)

    if not form.is_valid():
        return refused(request, first_error(form), back=back, page=page)
    data = form.cleaned_data
    try:
        instrument = actions.add_instrument(
            municipality=city,
            user=request.user,
            partner=data["partner"],
            kind=data["kind"],
            title=data["title"],
            legal_basis=data["legal_basis"],
            is_action_day=data["is_action_day"],
        )
    except ValidationError as error:
        return refused(request, message_of(error), back=back, page=page)
    messages.success(
        request,
        _("%(title)s was added for %(partner)s.")
        % {"title": instrument.title, "partner": instrument.partner},
    )
    return redirect(back)

"""Pages of the case file: my cases, opening a case, and the case page with its team,
subjects, information entries, risk assessment, network, meetings and outcomes.

A case is seen by its team only: anyone else gets 404 from every route here, whatever
their role (cases.access.get_case_for_user). What may be done inside is decided by the
workflows in cases.actions.files (403 for a team member who may not act). Every view of
a case page is audited with the entries whose content it showed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import risk
from cases.access import (
    can_open_cases,
    get_case_for_user,
    readable_entries,
    triage_municipalities,
    visible_cases,
    visible_subjects,
)
from cases.actions import files as actions
from cases.forms.files import (
    CasePremisesForm,
    CaseSubjectForm,
    EntryForm,
    MemberForm,
    MoveForm,
    OpenCaseForm,
    RemoveSubjectForm,
)
from cases.models import Case, CaseMember, Entry, Subject
from cases.network import network_for_case
from cases.outcomes import outcomes
from gis.access import visible_premises
from partners import audit
from partners.models import AuditEntry, Partner, Person, person_of


def message_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """My cases: those whose team I am in, grouped by state in the order of the work."""
    cases = list(
        visible_cases(request.user)
        .select_related("municipality", "lead_partner")
        .order_by("-opened_at")
    )
    # The list shows each case's number and title: a read of the cases, audited as such.
    audit.record(
        request.user,
        AuditEntry.Action.READ,
        object_type=Case._meta.label,
        view="list",
        cases=[case.number for case in cases],
    )
    groups = [
        (label, [case for case in cases if case.state == state])
        for state, label in Case.State.choices
    ]
    return render(
        request,
        "cases/case_list.html",
        {
            "groups": [(label, items) for label, items in groups if items],
            "can_open": can_open_cases(request.user),
        },
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    if not can_open_cases(request.user):
        raise PermissionDenied(_("Cases are opened by the city's coordinators."))
    municipalities = triage_municipalities(request.user)
    partners = Partner.objects.filter(municipalities__in=municipalities).distinct()
    form = OpenCaseForm(request.POST or None, municipalities=municipalities, partners=partners)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = actions.open_case(
                    municipality=data["municipality"],
                    user=request.user,
                    title=data["title"],
                    phenomenon=data["phenomenon"],
                    summary=data["summary"],
                    lead_partner=data["lead_partner"],
                )
            except ValidationError as error:
                form.add_error(None, message_of(error))
            else:
                messages.success(request, _("Case %(number)s is opened.") % {"number": case.number})
                return redirect("cases:case", code=case.code)
    return render(request, "cases/case_new.html", {"form": form}, status=status)


def _subject_url(subject: Subject) -> str:
    try:
        return reverse("cases:subject-detail", kwargs={"code": subject.code})
    except NoReverseMatch:
        return ""


def _entry_rows(user: Any, case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries as the reader may see them, grouped by subject, and the codes of
    those whose content is shown (for the audit row). An internal entry of another
    partner is a row that says it exists: partner and date, nothing of what it says."""
    readable = set(readable_entries(user, case).values_list("pk", flat=True))
    entries = case.entries.select_related("partner", "subject", "bound_to_meeting").order_by(
        "subject__name", "-known_on", "-created_at"
    )
    groups: dict[Any, dict[str, Any]] = {}
    shown: list[str] = []
    for entry in entries:
        key = entry.subject_id
        group = groups.setdefault(
            key,
            {
                "subject": entry.subject,
                "label": entry.subject.name if entry.subject else _("The case as a whole"),
                "rows": [],
            },
        )
        visible = entry.pk in readable
        if visible:
            shown.append(str(entry.code))
        group["rows"].append({"entry": entry, "readable": visible})
    ordered = sorted(groups.values(), key=lambda group: (group["subject"] is None, group["label"]))
    return ordered, shown


def case_page_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    person = person_of(user)
    coordinator = person is not None and actions.may_shape(user, case)
    members = list(
        CaseMember.objects.filter(case=case)
        .select_related("person__user", "person__partner")
        .order_by("person__partner__short_name", "person__user__last_name")
    )
    subjects = list(
        Subject.objects.filter(case_subjects__case=case)
        .select_related("premises")
        .order_by("kind", "name")
    )
    entry_groups, shown = _entry_rows(user, case)
    register = visible_subjects(user).filter(municipality=case.municipality)
    candidates = (
        Person.objects.filter(
            municipalities=case.municipality, partner__municipalities=case.municipality
        )
        .exclude(case_memberships__case=case)
        .select_related("user", "partner")
        .order_by("partner__short_name", "user__last_name", "user__username")
        .distinct()
    )
    in_case = Subject.objects.filter(case_subjects__case=case)
    context = {
        "case": case,
        "members": members,
        "subjects": [(subject, _subject_url(subject)) for subject in subjects],
        "entry_groups": entry_groups,
        "assessment": risk.assess(user, case),
        "network": network_for_case(user, case),
        "outcomes": outcomes(user, case),
        "signals": case.signals.select_related("indicator").order_by("-observed_on"),
        "may_shape": coordinator,
        "member_form": MemberForm(people=candidates) if coordinator else None,
        "subject_form": CaseSubjectForm(subjects=register),
        "entry_form": EntryForm(subjects=in_case),
        "move_form": MoveForm(case=case) if coordinator and case.next_states() else None,
        "my_partner": person.partner if person is not None else None,
        "closed": case.state == Case.State.CLOSED,
    }
    context.update(forms)
    audit.record(
        user,
        AuditEntry.Action.READ,
        case,
        entries_shown=shown,
        entries_withheld=sum(len(g["rows"]) for g in entry_groups) - len(shown),
    )
    return context


@login_required
@require_GET
def case_page(request: HttpRequest, code: Any) -> HttpResponse:
    case = get_case_for_user(request, code)
    return render(request, "cases/case.html", case_page_context(request, case))


def _act(
    request: HttpRequest,
    code: Any,
    form_name: str,
    build: Callable[[Case], Any],
    do: Callable[[Case, dict[str, Any]], str],
    *,
    shaping: bool = False,
) -> HttpResponse:
    """Check the form, run the workflow, and come back to the case page: with a message
    when it worked, or re-rendered with the form and the reason (400) when it did not,
    so what was typed stays in the form and nothing was saved."""
    case = get_case_for_user(request, code)
    if shaping and not actions.may_shape(request.user, case):
        raise PermissionDenied(_("Only a coordinator in the case team may do this."))
    form = build(case)
    if form.is_valid():
        try:
            done = do(case, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, message_of(error))
        else:
            messages.success(request, done)
            return redirect(reverse("cases:case", kwargs={"code": case.code}) + f"#{form_name}")
    context = case_page_context(request, case, **{form_name: form})
    return render(request, "cases/case.html", context, status=400)


@login_required
@require_POST
def case_member_add(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> MemberForm:
        people = Person.objects.filter(municipalities=case.municipality).distinct()
        return MemberForm(request.POST, people=people)

    def do(case: Case, data: dict[str, Any]) -> str:
        actions.add_member(case=case, person=data["person"], user=request.user)
        return _("%(person)s joined the case team.") % {"person": data["person"]}

    return _act(request, code, "member_form", build, do, shaping=True)


@login_required
@require_POST
def case_member_remove(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> MemberForm:
        people = Person.objects.filter(case_memberships__case=case)
        return MemberForm(request.POST, people=people)

    def do(case: Case, data: dict[str, Any]) -> str:
        actions.remove_member(case=case, person=data["person"], user=request.user)
        return _("%(person)s left the case team.") % {"person": data["person"]}

    return _act(request, code, "member_form", build, do, shaping=True)


@login_required
@require_POST
def case_subject_add(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> CaseSubjectForm:
        register = visible_subjects(request.user).filter(municipality=case.municipality)
        return CaseSubjectForm(request.POST, subjects=register)

    def do(case: Case, data: dict[str, Any]) -> str:
        actions.add_subject_to_case(case=case, subject=data["q"], user=request.user)
        return _("%(subject)s is added to the case.") % {"subject": data["q"]}

    return _act(request, code, "subject_form", build, do)


@login_required
@require_POST
def case_premises_add(request: HttpRequest, code: Any) -> HttpResponse:
    """A premises found in the register joins the case (the subject picker above offers
    only what is already in the subject register)."""

    def build(case: Case) -> CasePremisesForm:
        premises = visible_premises(request.user).filter(municipality=case.municipality)
        return CasePremisesForm(request.POST, premises=premises)

    def do(case: Case, data: dict[str, Any]) -> str:
        added = actions.add_premises_to_case(
            case=case, premises=data["premises"], user=request.user
        )
        return _("%(subject)s is added to the case.") % {"subject": added.subject}

    return _act(request, code, "premises_form", build, do)


@login_required
@require_POST
def case_subject_remove(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> RemoveSubjectForm:
        return RemoveSubjectForm(
            request.POST, subjects=Subject.objects.filter(case_subjects__case=case)
        )

    def do(case: Case, data: dict[str, Any]) -> str:
        actions.remove_subject_from_case(case=case, subject=data["subject"], user=request.user)
        return _("%(subject)s is no longer in the case.") % {"subject": data["subject"]}

    return _act(request, code, "subject_form", build, do)


@login_required
@require_POST
def case_entry_add(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> EntryForm:
        return EntryForm(request.POST, subjects=Subject.objects.filter(case_subjects__case=case))

    def do(case: Case, data: dict[str, Any]) -> str:
        entry = actions.add_entry(case=case, user=request.user, **data)
        if entry.sharing == Entry.Sharing.INTERNAL:
            return _("The entry is recorded; only your partner's people can read it.")
        return _("The entry is recorded.")

    return _act(request, code, "entry_form", build, do)


@login_required
@require_POST
def case_move(request: HttpRequest, code: Any) -> HttpResponse:
    def build(case: Case) -> MoveForm:
        return MoveForm(request.POST, case=case)

    def do(case: Case, data: dict[str, Any]) -> str:
        moved = actions.move_case(
            case=case,
            user=request.user,
            to_state=data["to_state"],
            evaluation=data["evaluation"],
            approach=data["approach"],
        )
        return _("The case is now in %(state)s.") % {"state": moved.get_state_display()}

    return _act(request, code, "move_form", build, do, shaping=True)
